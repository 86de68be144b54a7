"""RecordStore: patients, episodes, stored assessments and scores, CDS feedback, tokens and an audit trail.

Every public call is one transaction; the audit row for a read or write commits (or rolls back) with it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, BinaryIO, Self

from pydantic import BaseModel
from sqlalchemy import Engine, Select, and_, delete, func, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from nerveroot.assessment.case import Case
from nerveroot.assessment.instruments import score_odi, score_startback
from nerveroot.assessment.result import Assessment
from nerveroot.errors import ConflictError, ForbiddenError, InputValidationError, NotFoundError, Problem
from nerveroot.records import audit, backup, backup_stream, compact
from nerveroot.records.access import (
    Actor,
    actor_name,
    grant_creator,
    require_export,
    require_reach,
    visible_patients,
)
from nerveroot.records.accounts import Accounts, hash_token
from nerveroot.records.engine import make_engine
from nerveroot.records.migrate import head_revision, upgrade
from nerveroot.records.models import (
    AuditAction,
    AuditEntry,
    AuditOutcome,
    CdsFeedback,
    CdsFeedbackIn,
    Episode,
    EpisodeDetail,
    EpisodeIn,
    Patient,
    PatientIn,
    Score,
    ScoreIn,
    StoredAssessment,
)
from nerveroot.records.settings import database_url, dialect_of, normalise_url
from nerveroot.records.storage import classify
from nerveroot.records.tables import (
    ACTOR_LENGTH,
    AssessmentDictionaryRow,
    AssessmentRow,
    AuditRow,
    CdsFeedbackRow,
    EpisodeRow,
    HealthRow,
    JtiRow,
    PatientRow,
    ScoreRow,
    utcnow,
)

RECORD_TABLES = (PatientRow, EpisodeRow, AssessmentRow, ScoreRow)
"""Tables holding patient data, parents first (the order of import)."""
IMPORT_TABLES = (*RECORD_TABLES, CdsFeedbackRow)
"""Tables that must be empty before an import (feedback keeps its integer ids, which would clash)."""
EXPORT_PAGE = 500
"""Rows read at a time by `export_all`."""


if TYPE_CHECKING:
    from nerveroot.knowledge.base import KnowledgeBase

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
__all__ = ["RecordStore", "hash_token", "new_id", "score_values"]


def new_id() -> str:
    return str(uuid.uuid4())


def audited_id(value: str | None) -> str | None:
    """An id as the audit may keep it: a record uuid; anything else a caller typed is left out (it could be a name)."""
    return value if value is not None and _UUID.match(value) else None


def _after_key(columns: Sequence[Any], mark: Sequence[Any]) -> Any:
    """Keyset cursor: rows whose `columns` come after the values `mark`, in that order of columns."""
    if len(columns) == 1:
        return columns[0] > mark[0]
    return or_(columns[0] > mark[0], and_(columns[0] == mark[0], _after_key(columns[1:], mark[1:])))


def _after(table: type[PatientRow] | type[EpisodeRow] | type[AssessmentRow], mark: Any) -> Any:
    """Keyset cursor: rows after `mark` in (created_at, id) order."""
    return _after_key((table.created_at, table.id), (mark.created_at, mark.id))


SCORE_ORDER = (ScoreRow.recorded_on, ScoreRow.created_at, ScoreRow.id)
"""Scores are listed by the date recorded, then as stored."""


_CURSOR_KINDS = {EpisodeRow: ("episode", "patient_id"), AssessmentRow: ("assessment", "episode_id"),
                 ScoreRow: ("score", "episode_id")}  # fmt: skip


def _cursor_row(
    s: Session, table: type[EpisodeRow] | type[AssessmentRow] | type[ScoreRow], cursor: str, owner: str
) -> Any:
    """The row a keyset cursor names; NotFoundError unless it belongs to the patient or episode being listed
    (`owner`), so a cursor of another one is refused."""
    kind, parent = _CURSOR_KINDS[table]
    row = s.get(table, cursor)
    if row is None or getattr(row, parent) != owner:
        raise NotFoundError(kind, cursor)
    return row


def _patient(row: PatientRow) -> Patient:
    return Patient(
        id=row.id, reference=row.reference, year_of_birth=row.year_of_birth, sex=row.sex, created_at=row.created_at
    )


def _episode(row: EpisodeRow) -> Episode:
    return Episode(
        id=row.id, patient_id=row.patient_id, title=row.title, started_on=row.started_on, created_at=row.created_at
    )


def _stored(row: AssessmentRow, assessment: dict[str, Any]) -> StoredAssessment:
    return StoredAssessment(
        id=row.id,
        episode_id=row.episode_id,
        created_at=row.created_at,
        triage_level=row.triage_level,
        top_root=row.top_root,
        top_condition=row.top_condition,
        kb_version=row.kb_version,
        case=row.case,
        assessment=assessment,
    )


def _row(stored: StoredAssessment, shared: compact.Dictionary | None) -> AssessmentRow:
    """A row for a restored assessment (a backup carries the full JSON), compacted against `shared` if given."""
    fields = stored.model_dump(exclude={"assessment"})
    body = compact.pack(stored.assessment, shared)
    return AssessmentRow(**fields, body=body, dictionary=None if shared is None else shared.digest)


def _score(row: ScoreRow) -> Score:
    return Score(
        id=row.id,
        episode_id=row.episode_id,
        instrument=row.instrument,
        value=row.value if row.instrument == "odi" else int(row.value),
        answers=row.answers,
        detail=row.detail,
        recorded_on=row.recorded_on,
        created_at=row.created_at,
    )


def _feedback(row: CdsFeedbackRow) -> CdsFeedback:
    return CdsFeedback(
        id=row.id,
        service_id=row.service_id,
        card=row.card,
        outcome=row.outcome,
        accepted_suggestions=row.accepted_suggestions,
        override_system=row.override_system,
        override_code=row.override_code,
        override_display=row.override_display,
        user_comment=row.user_comment,
        outcome_timestamp=row.outcome_timestamp,
        client=row.client,
        received_at=row.received_at,
    )


def _audit_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        at=row.at,
        outcome=row.outcome,
        origin=row.origin,
        seq=row.seq,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _chain_row(entry: AuditEntry) -> audit.ChainRow:
    link = audit.Link(
        seq=entry.seq or 0,
        id=entry.id,
        actor=entry.actor,
        action=entry.action,
        entity=entry.entity,
        entity_id=entry.entity_id,
        outcome=entry.outcome,
        origin=entry.origin,
        at=entry.at,
    )
    return audit.ChainRow(link, entry.prev_hash or "", entry.hash or "")


def score_values(data: ScoreIn) -> tuple[float, dict[str, Any]]:
    """(value, detail) for a validated ScoreIn: ODI %, STarT Back total, or the NRS value."""
    if data.instrument == "odi":
        odi = score_odi(data.answers or [])
        return odi.percent, odi.model_dump(mode="json")
    if data.instrument == "startback":
        startback = score_startback([a for a in data.answers or [] if a is not None])
        return float(startback.total), startback.model_dump(mode="json")
    if data.value is None:  # ScoreIn validation makes this unreachable unless built with model_construct
        raise InputValidationError([Problem("value", "nrs needs a value 0-10")])
    return float(data.value), {}


class RecordStore(Accounts):
    """Patient records in SQLite (default, in the user data directory) or PostgreSQL; migrated to head on open.

    Every call by an API user (a Principal) is checked against its role and patient grants; every attempt,
    refused or not, gets a row in the hash-chained audit log.
    """

    def __init__(self, url: str | None = None, *, audit_key: bytes | None = None) -> None:
        self.url = normalise_url(url) if url else database_url()
        self.dialect: str = dialect_of(self.url)
        self._key = audit_key or audit.audit_key()
        try:
            self._engine = make_engine(self.url, self.dialect)
            upgrade(self._engine, self._key)
        except (DBAPIError, OSError) as exc:
            storage = classify(exc)
            if storage is None:
                raise
            raise storage from exc
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)

    @property
    def engine(self) -> Engine:
        """The engine (SQLite durability settings applied) that other stores in this database share."""
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One transaction; a full, read-only or unreachable database becomes a StorageError (507 / 503)."""
        try:
            with self._sessions.begin() as session:
                yield session
        except (DBAPIError, OSError) as exc:
            storage = classify(exc)
            if storage is None:
                raise
            raise storage from exc

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A session for reads, with the same storage errors as `_tx`."""
        try:
            with self._sessions() as session:
                yield session
        except (DBAPIError, OSError) as exc:
            storage = classify(exc)
            if storage is None:
                raise
            raise storage from exc

    def _audit(
        self,
        session: Session,
        actor: Actor,
        action: AuditAction,
        entity: str,
        entity_id: str | None,
        outcome: AuditOutcome = "ok",
    ) -> None:
        row = AuditRow(
            id=new_id(),
            actor=actor_name(actor),
            action=action,
            entity=entity,
            entity_id=entity_id,
            at=utcnow(),
            outcome=outcome,
            origin="local",
        )
        audit.append(session, self._key, self.dialect, row)

    @contextmanager
    def _attempt(self, actor: Actor, action: AuditAction, entity: str, entity_id: str | None) -> Iterator[Session]:
        """A transaction for one audited call; a refused or not-found attempt is audited in its own transaction."""
        try:
            with self._tx() as s:
                yield s
        except (NotFoundError, ForbiddenError) as exc:
            outcome: AuditOutcome = "not_found" if isinstance(exc, NotFoundError) else "denied"
            with self._tx() as s:
                self._audit(s, actor, action, entity, audited_id(entity_id), outcome)
            raise

    @staticmethod
    def _need_patient(session: Session, patient_id: str, actor: Actor | None = None) -> PatientRow:
        row = session.get(PatientRow, patient_id)
        if row is None:
            raise NotFoundError("patient", patient_id)
        if actor is not None:
            require_reach(session, actor, row.id)
        return row

    @staticmethod
    def _need_episode(session: Session, episode_id: str, actor: Actor | None = None) -> EpisodeRow:
        row = session.get(EpisodeRow, episode_id)
        if row is None:
            raise NotFoundError("episode", episode_id)
        if actor is not None:
            require_reach(session, actor, row.patient_id)
        return row

    def remember_jti(self, digest: str, expires: datetime) -> bool:
        """True the first time a CDS client token (digest of iss and jti) is seen, False for a replay.

        Kept in the database so every worker and every restart shares it; expired entries are swept on the way.
        """
        try:
            with self._tx() as s:
                s.execute(delete(JtiRow).where(JtiRow.expires_at < utcnow()))
                s.add(JtiRow(digest=digest, expires_at=expires))
        except IntegrityError:
            return False
        return True

    def check_writable(self) -> None:
        """Commit one small write (the health probe row); StorageError when the database cannot take it."""
        with self._tx() as s:
            row = s.get(HealthRow, 1)
            if row is None:
                s.add(HealthRow(id=1, checked_at=utcnow()))
            else:
                row.checked_at = utcnow()

    # --- patients and episodes ----------------------------------------------------------------------------

    def create_patient(self, actor: Actor, data: PatientIn) -> Patient:
        """A new patient; an API user who creates it (and that user's care teams) may reach it."""
        try:
            with self._tx() as s:
                if data.reference is not None and s.scalar(
                    select(PatientRow.id).where(PatientRow.reference == data.reference)
                ):
                    raise ConflictError("a patient with this reference already exists")
                row = PatientRow(id=new_id(), created_at=utcnow(), **data.model_dump())
                s.add(row)
                s.flush()
                grant_creator(s, actor, row.id)
                self._audit(s, actor, "create", "patient", row.id)
        except IntegrityError as exc:  # a concurrent insert won the race for the reference
            raise ConflictError("a patient with this reference already exists") from exc
        return _patient(row)

    def list_patients(self, actor: Actor, limit: int | None = None, after: str | None = None) -> list[Patient]:
        """The patients this actor may reach (every patient for an admin or the operator), oldest first; at most
        `limit`, starting after the patient `after` (a keyset cursor, stable while patients are added).
        NotFoundError when `after` names no patient this actor may reach."""
        with self._tx() as s:
            query = visible_patients(actor)
            if after is not None:
                mark = s.scalars(query.where(PatientRow.id == after)).first()
                if mark is None:
                    raise NotFoundError("patient", after)
                query = query.where(_after(PatientRow, mark))
            rows = s.scalars(query.limit(limit)).all()
            self._audit(s, actor, "list", "patient", None)
        return [_patient(r) for r in rows]

    def get_patient(self, actor: Actor, patient_id: str) -> Patient:
        with self._attempt(actor, "read", "patient", patient_id) as s:
            row = self._need_patient(s, patient_id, actor)
            self._audit(s, actor, "read", "patient", row.id)
        return _patient(row)

    def create_episode(self, actor: Actor, patient_id: str, data: EpisodeIn) -> Episode:
        with self._attempt(actor, "create", "episode", patient_id) as s:
            self._need_patient(s, patient_id, actor)
            row = EpisodeRow(id=new_id(), patient_id=patient_id, created_at=utcnow(), **data.model_dump())
            s.add(row)
            self._audit(s, actor, "create", "episode", row.id)
        return _episode(row)

    def list_episodes(
        self, actor: Actor, patient_id: str, limit: int | None = None, after: str | None = None
    ) -> list[Episode]:
        """A patient's episodes, oldest first; at most `limit`, starting after the episode `after` (a keyset
        cursor, as for patients). NotFoundError when `after` names no episode of this patient."""
        with self._attempt(actor, "list", "episode", patient_id) as s:
            self._need_patient(s, patient_id, actor)
            query = (
                select(EpisodeRow)
                .where(EpisodeRow.patient_id == patient_id)
                .order_by(EpisodeRow.created_at, EpisodeRow.id)
            )
            if after is not None:
                query = query.where(_after(EpisodeRow, _cursor_row(s, EpisodeRow, after, patient_id)))
            rows = s.scalars(query.limit(limit)).all()
            self._audit(s, actor, "list", "episode", patient_id)
        return [_episode(r) for r in rows]

    def _episode_detail(
        self,
        s: Session,
        row: EpisodeRow,
        limit: int | None = None,
        after: str | None = None,
        scores_after: str | None = None,
    ) -> EpisodeDetail:
        assessments = select(AssessmentRow).where(AssessmentRow.episode_id == row.id)
        if after is not None:
            mark = _cursor_row(s, AssessmentRow, after, row.id)
            assessments = assessments.where(_after(AssessmentRow, mark))
        scores = select(ScoreRow).where(ScoreRow.episode_id == row.id)
        if scores_after is not None:
            score = _cursor_row(s, ScoreRow, scores_after, row.id)
            scores = scores.where(_after_key(SCORE_ORDER, (score.recorded_on, score.created_at, score.id)))
        assessment_rows = s.scalars(assessments.order_by(AssessmentRow.created_at, AssessmentRow.id).limit(limit)).all()
        score_rows = s.scalars(scores.order_by(*SCORE_ORDER).limit(limit)).all()
        return EpisodeDetail(
            **_episode(row).model_dump(),
            assessments=[self._assessment(s, a) for a in assessment_rows],
            scores=[_score(x) for x in score_rows],
        )

    def get_episode(
        self,
        actor: Actor,
        episode_id: str,
        limit: int | None = None,
        after: str | None = None,
        scores_after: str | None = None,
    ) -> EpisodeDetail:
        """An episode with its assessments (oldest first) and scores (by date recorded); at most `limit` of each,
        starting after the assessment `after` and the score `scores_after` (keyset cursors, as for patients).
        NotFoundError when a cursor names no assessment or score of this episode."""
        with self._attempt(actor, "read", "episode", episode_id) as s:
            row = self._need_episode(s, episode_id, actor)
            detail = self._episode_detail(s, row, limit, after, scores_after)
            self._audit(s, actor, "read", "episode", episode_id)
        return detail

    # --- assessments and scores ---------------------------------------------------------------------------

    def add_assessment(
        self, actor: Actor, episode_id: str, case: Case, assessment: Assessment, kb: KnowledgeBase | None = None
    ) -> StoredAssessment:
        """Keep the Case and Assessment JSON with summary columns (triage level, top root and condition); the
        Assessment is stored compact (nerveroot.records.compact), against `kb`'s dictionary when it is the
        knowledge base that made it."""
        top_condition = assessment.differential[0].id if assessment.differential else None
        top_root = assessment.levels[0].root if assessment.levels else "none"
        shared = compact.reference(kb) if kb is not None and kb.content_hash == assessment.kb_content_hash else None
        data = assessment.model_dump(mode="json")
        body = compact.pack(data, shared)
        with self._attempt(actor, "create", "assessment", episode_id) as s:
            self._need_episode(s, episode_id, actor)
            self._keep_dictionary(s, shared)
            row = AssessmentRow(
                id=new_id(),
                episode_id=episode_id,
                created_at=utcnow(),
                triage_level=assessment.triage.level,
                top_root=top_root,
                top_condition=top_condition,
                kb_version=assessment.kb_version,
                case=case.model_dump(mode="json"),
                body=body,
                dictionary=None if shared is None else shared.digest,
            )
            s.add(row)
            self._audit(s, actor, "create", "assessment", row.id)
        return _stored(row, data)

    def _keep_dictionary(self, s: Session, shared: compact.Dictionary | None) -> None:
        """Store a dictionary once (a concurrent writer of the same one is no conflict: same digest, same bytes)."""
        if shared is None or s.get(AssessmentDictionaryRow, shared.digest) is not None:
            return
        values = {"digest": shared.digest, "body": compact.pack_raw(shared.raw), "created_at": utcnow()}
        dialect = postgresql if self.dialect == "postgresql" else sqlite
        s.execute(dialect.insert(AssessmentDictionaryRow).values(**values).on_conflict_do_nothing())

    def _assessment(self, s: Session, row: AssessmentRow) -> StoredAssessment:
        shared = None
        if row.dictionary is not None:
            shared = compact.known(row.dictionary)
            if shared is None:
                stored = s.get(AssessmentDictionaryRow, row.dictionary)
                if stored is None:  # the foreign key makes this unreachable
                    raise LookupError(f"assessment {row.id}: its dictionary is missing")
                shared = compact.dictionary(compact.unpack_raw(stored.body))
                if shared.digest != row.dictionary:
                    raise ValueError(f"assessment {row.id}: its dictionary does not match its digest")
                compact.remember(shared)
        return _stored(row, compact.unpack(row.body, shared))

    def add_score(self, actor: Actor, episode_id: str, data: ScoreIn) -> Score:
        value, detail = score_values(data)
        with self._attempt(actor, "create", "score", episode_id) as s:
            self._need_episode(s, episode_id, actor)
            row = ScoreRow(
                id=new_id(),
                episode_id=episode_id,
                instrument=data.instrument,
                value=value,
                answers=data.answers,
                detail=detail,
                recorded_on=data.recorded_on,
                created_at=utcnow(),
            )
            s.add(row)
            self._audit(s, actor, "create", "score", row.id)
        return _score(row)

    # --- CDS Hooks feedback -------------------------------------------------------------------------------

    def add_feedback(self, client: str, items: Sequence[CdsFeedbackIn]) -> list[CdsFeedback]:
        """Store feedback items from a verified CDS client in one transaction, each audited with `client` as actor."""
        if not 0 < len(client) <= ACTOR_LENGTH:
            raise InputValidationError([Problem("client", f"must be 1-{ACTOR_LENGTH} characters")])
        received = utcnow()
        with self._tx() as s:
            rows = [CdsFeedbackRow(**item.model_dump(), client=client, received_at=received) for item in items]
            s.add_all(rows)
            s.flush()  # assigns the ids the audit rows name
            for row in rows:
                self._audit(s, client, "create", "cds_feedback", str(row.id))
        return [_feedback(r) for r in rows]

    def list_feedback(
        self,
        actor: str,
        *,
        card: str | None = None,
        service_id: str | None = None,
        feedback_id: int | None = None,
    ) -> list[CdsFeedback]:
        """Stored feedback, oldest first, optionally for one card, service or id (audited as a list or a read)."""
        query = select(CdsFeedbackRow).order_by(CdsFeedbackRow.id)
        if card is not None:
            query = query.where(CdsFeedbackRow.card == card)
        if service_id is not None:
            query = query.where(CdsFeedbackRow.service_id == service_id)
        if feedback_id is not None:
            query = query.where(CdsFeedbackRow.id == feedback_id)
        with self._tx() as s:
            rows = s.scalars(query).all()
            if feedback_id is None:
                self._audit(s, actor, "list", "cds_feedback", None)
            else:
                self._audit(s, actor, "read", "cds_feedback", str(feedback_id))
        return [_feedback(r) for r in rows]

    # --- export, backup and audit -------------------------------------------------------------------------

    def export_patient(self, actor: Actor, patient_id: str) -> dict[str, Any]:
        """One patient's whole record (episodes with assessments and scores) as JSON-ready data."""
        with self._attempt(actor, "export", "patient", patient_id) as s:
            require_export(actor)
            patient = self._need_patient(s, patient_id, actor)
            episodes = s.scalars(
                select(EpisodeRow)
                .where(EpisodeRow.patient_id == patient_id)
                .order_by(EpisodeRow.created_at, EpisodeRow.id)
            ).all()
            details = [self._episode_detail(s, e) for e in episodes]
            self._audit(s, actor, "export", "patient", patient_id)
        return {
            "format": "nerveroot-patient-export",
            "exported_at": utcnow().isoformat(),
            "patient": _patient(patient).model_dump(mode="json"),
            "episodes": [d.model_dump(mode="json") for d in details],
        }

    def _snapshot(self, s: Session) -> None:
        """Make every read in this transaction see one snapshot (PostgreSQL; SQLite transactions already do)."""
        if self.dialect == "postgresql":
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"})

    def export_all(self, path: Path, *, actor: str = "cli") -> int:
        """Write every table except API tokens to `path` atomically, from one snapshot, a page of rows at a time
        (memory does not grow with the database); returns the number of rows written."""
        written = 0

        def rows(query: Select[Any], convert: Callable[[Any], BaseModel]) -> Iterator[BaseModel]:
            nonlocal written
            for page in s.scalars(query.execution_options(yield_per=EXPORT_PAGE)).partitions():
                for row in page:
                    written += 1
                    yield convert(row)
                    s.expunge(row)  # keep no row once written

        with self._tx() as s:
            self._snapshot(s)
            self._audit(s, actor, "export", "database", None)
            s.flush()
            tables: dict[str, Iterable[BaseModel]] = {
                "patients": rows(select(PatientRow).order_by(PatientRow.id), _patient),
                "episodes": rows(select(EpisodeRow).order_by(EpisodeRow.id), _episode),
                "assessments": rows(select(AssessmentRow).order_by(AssessmentRow.id), lambda r: self._assessment(s, r)),
                "scores": rows(select(ScoreRow).order_by(ScoreRow.id), _score),
                "audit_log": rows(select(AuditRow).order_by(AuditRow.seq), _audit_entry),
                "cds_feedback": rows(select(CdsFeedbackRow).order_by(CdsFeedbackRow.id), _feedback),
            }
            backup.write_atomic(path, backup.stream(head_revision(), utcnow(), tables))
        return written

    def import_all(self, path: Path, *, actor: str = "cli", kb: KnowledgeBase | None = None) -> int:
        """Restore a backup into a database without patient data or feedback, in one transaction; returns rows.
        Assessments made with `kb` are stored against its dictionary (nerveroot.records.compact).

        The file's audit rows are appended to this database's chain (marked as imported), never written over it;
        a format-3 file's own chain must verify with this deployment's audit key, so forged rows are refused.
        """
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise InputValidationError([Problem(str(path), f"cannot be read: {exc.strerror}")]) from exc
        with handle:
            checked = backup_stream.check(handle, str(path))
            self._verify_imported_chain(checked.head, path)
            try:
                with self._tx() as s:
                    self._import_rows(s, handle, checked, kb)
                    self._audit(s, actor, "import", "database", None)
            except IntegrityError as exc:
                raise InputValidationError(
                    [Problem(str(path), "rows clash or refer to missing records; nothing was imported")]
                ) from exc
        return checked.rows

    def _verify_imported_chain(self, data: backup.Backup, path: Path) -> None:
        """A format-3 file's audit chain must verify with this deployment's key."""
        if data.format_version < backup.CHAINED_VERSION:
            return
        verdict = audit.verify([_chain_row(e) for e in data.tables.audit_log], self._key)
        if not verdict.intact:
            raise InputValidationError(
                [Problem(f"{path}: tables.audit_log", p) for p in verdict.problems[:20]]
                + [Problem(str(path), "the audit chain does not verify with this deployment's key; nothing imported")]
            )

    def _import_rows(
        self, s: Session, handle: BinaryIO, checked: backup_stream.Checked, kb: KnowledgeBase | None
    ) -> None:
        """Write the file's rows into an empty database, EXPORT_PAGE rows per flush (no more are held)."""
        if self.dialect == "postgresql":  # SQLite's BEGIN IMMEDIATE already excludes other writers
            s.execute(
                text("LOCK TABLE patients, episodes, assessments, scores, cds_feedback IN SHARE ROW EXCLUSIVE MODE")
            )
        for table in IMPORT_TABLES:
            if s.scalar(select(func.count()).select_from(table)):
                raise ConflictError(
                    "the database already holds patient records or CDS feedback; import needs an empty one"
                )
        shared = None if kb is None else compact.reference(kb)
        self._keep_dictionary(s, shared)
        rows: dict[str, Callable[[Any], object]] = {
            "patients": lambda p: PatientRow(**p.model_dump()),
            "episodes": lambda e: EpisodeRow(**e.model_dump()),
            "assessments": lambda a: _row(
                a, shared if kb is not None and a.assessment.get("kb_content_hash") == kb.content_hash else None
            ),
            "scores": lambda x: ScoreRow(**x.model_dump()),
            "cds_feedback": lambda f: CdsFeedbackRow(**f.model_dump()),
        }
        last = None
        for n, (name, row) in enumerate(backup_stream.rows(handle, checked.order), 1):
            if name != last or not n % EXPORT_PAGE:  # parents are flushed before their children
                s.flush()
                s.expunge_all()
                last = name
            s.add(rows[name](row))
        s.flush()
        for entry in sorted(checked.head.tables.audit_log, key=lambda e: (e.seq or 0, e.at)):
            self._append_imported(s, entry)
        self._follow_feedback_ids(s)

    def _follow_feedback_ids(self, s: Session) -> None:
        """PostgreSQL: after rows were written with their ids, the next generated id must follow the highest."""
        if self.dialect == "postgresql":
            s.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('cds_feedback', 'id'),"
                    " COALESCE((SELECT MAX(id) FROM cds_feedback), 0) + 1, false)"
                )
            )

    def _append_imported(self, s: Session, entry: AuditEntry) -> None:
        fields = entry.model_dump(include={"id", "actor", "action", "entity", "entity_id", "at", "outcome"})
        audit.append(s, self._key, self.dialect, AuditRow(**fields, origin="import"))

    def audit_entries(self, limit: int = 100) -> list[AuditEntry]:
        """The newest audit rows first (by time; imported rows keep the time they were first written)."""
        with self._read() as s:
            rows = s.scalars(select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.seq.desc()).limit(limit)).all()
        return [_audit_entry(r) for r in rows]

    def verify_audit(self) -> audit.Verdict:
        """Walk the whole audit chain with this deployment's key (see nerveroot.records.audit)."""
        with self._read() as s:
            return audit.verify(audit.stored_chain(s), self._key)
