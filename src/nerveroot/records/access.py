"""Who may see and write which patient: roles, per-patient grants to users and care teams.

Rules: an admin reaches every record (each read audited); a clinician or an integration reaches the patients
granted to it or to one of its care teams (the creator and the creator's teams are granted at creation);
exporting a patient's whole record is for clinicians and admins. A plain-string actor is a trusted local
operator (the CLI, run by whoever holds the database) and is not restricted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from nerveroot.errors import ForbiddenError
from nerveroot.records.models import Role
from nerveroot.records.tables import PatientAccessRow, PatientRow, TeamMemberRow, utcnow

EXPORTERS: frozenset[Role] = frozenset({"clinician", "admin"})


@dataclass(frozen=True)
class Principal:
    """An authenticated API user: unique name (the audit actor), role, id and care-team ids."""

    name: str
    role: Role
    user_id: str
    teams: frozenset[str] = field(default_factory=frozenset)


Actor = str | Principal
"""Who acts: an API Principal, or a trusted operator's name (CLI, tests, EHR feedback clients)."""


def actor_name(actor: Actor) -> str:
    return actor.name if isinstance(actor, Principal) else actor


def sees_everything(actor: Actor) -> bool:
    return not isinstance(actor, Principal) or actor.role == "admin"


def _grant_filter(actor: Principal) -> ColumnElement[bool]:
    clauses = [PatientAccessRow.user_id == actor.user_id]
    if actor.teams:
        clauses.append(PatientAccessRow.team_id.in_(actor.teams))
    return or_(*clauses)


def may_reach(session: Session, actor: Actor, patient_id: str) -> bool:
    """Whether the actor may see and write this patient's record."""
    if sees_everything(actor):
        return True
    assert isinstance(actor, Principal)
    query = select(PatientAccessRow.id).where(PatientAccessRow.patient_id == patient_id, _grant_filter(actor))
    return session.scalar(query.limit(1)) is not None


def require_reach(session: Session, actor: Actor, patient_id: str) -> None:
    if not may_reach(session, actor, patient_id):
        raise ForbiddenError("you have no access to this patient's record (ask an admin for a grant)")


def require_export(actor: Actor) -> None:
    if isinstance(actor, Principal) and actor.role not in EXPORTERS:
        raise ForbiddenError(f"the {actor.role} role may not export patient records")


def visible_patients(actor: Actor) -> Select[PatientRow]:
    """The patients this actor may list, oldest first."""
    query = select(PatientRow).order_by(PatientRow.created_at, PatientRow.id)
    if sees_everything(actor):
        return query
    assert isinstance(actor, Principal)
    granted = select(PatientAccessRow.patient_id).where(_grant_filter(actor))
    return query.where(PatientRow.id.in_(granted))


def grant_creator(session: Session, actor: Actor, patient_id: str) -> None:
    """The creating user and each of its care teams may reach the new patient."""
    if not isinstance(actor, Principal):
        return
    now = utcnow()
    session.add(PatientAccessRow(id=_new_id(), patient_id=patient_id, user_id=actor.user_id, created_at=now))
    teams = session.scalars(select(TeamMemberRow.team_id).where(TeamMemberRow.user_id == actor.user_id)).all()
    session.add_all(PatientAccessRow(id=_new_id(), patient_id=patient_id, team_id=t, created_at=now) for t in teams)


def _new_id() -> str:
    return str(uuid.uuid4())
