"""Users, care teams, patient grants and API tokens (the part of RecordStore that says who is who)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import TYPE_CHECKING, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from nerveroot.errors import AuthError, ConflictError, InputValidationError, NotFoundError, Problem
from nerveroot.records.access import Actor, Principal
from nerveroot.records.models import AuditAction, AuditOutcome, Role, TokenInfo, UserInfo
from nerveroot.records.tables import (
    NAME_LENGTH,
    PatientAccessRow,
    PatientRow,
    TeamMemberRow,
    TeamRow,
    TokenRow,
    UserRow,
    utcnow,
)

DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365
ROLES: tuple[Role, ...] = ("clinician", "admin", "integration")
ANONYMOUS = "(no valid token)"
"""The audit actor of a request whose token is missing, unknown or expired."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_id() -> str:
    return str(uuid.uuid4())


def _valid_name(name: str, field: str = "name") -> str:
    name = name.strip()
    if not name or len(name) > NAME_LENGTH or any(not c.isprintable() for c in name):
        raise InputValidationError([Problem(field, f"must be 1-{NAME_LENGTH} printable characters")])
    return name


class Accounts:
    """Mixed into RecordStore: it supplies the transactions and the audit chain."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[Session]: ...

        def _read(self) -> AbstractContextManager[Session]: ...

        def _audit(
            self,
            session: Session,
            actor: Actor,
            action: AuditAction,
            entity: str,
            entity_id: str | None,
            outcome: AuditOutcome = "ok",
        ) -> None: ...

    # --- users and care teams -----------------------------------------------------------------------------

    @staticmethod
    def _user(session: Session, name: str) -> UserRow:
        row = session.scalars(select(UserRow).where(UserRow.name == name)).first()
        if row is None:
            raise NotFoundError("user", name)
        return row

    def create_user(self, name: str, role: Role, *, actor: Actor = "cli") -> UserInfo:
        """A new user; its name is unique (the audit actor must say who, unambiguously)."""
        name = _valid_name(name)
        if role not in ROLES:
            raise InputValidationError([Problem("role", f"must be one of {', '.join(ROLES)}")])
        with self._tx() as s:
            if s.scalar(select(UserRow.id).where(UserRow.name == name)):
                raise ConflictError("a user with this name already exists")
            row = UserRow(id=_new_id(), name=name, role=role, created_at=utcnow())
            s.add(row)
            self._audit(s, actor, "create", "user", row.id)
        return UserInfo(id=row.id, name=row.name, role=role, teams=[], created_at=row.created_at)

    def set_role(self, name: str, role: Role, *, actor: Actor = "cli") -> None:
        if role not in ROLES:
            raise InputValidationError([Problem("role", f"must be one of {', '.join(ROLES)}")])
        with self._tx() as s:
            row = self._user(s, name)
            row.role = role
            self._audit(s, actor, "update", "user", row.id)

    def list_users(self) -> list[UserInfo]:
        with self._read() as s:
            users = s.scalars(select(UserRow).order_by(UserRow.name)).all()
            pairs = s.execute(select(TeamMemberRow.user_id, TeamRow.name).join(TeamRow)).all()
        teams: dict[str, list[str]] = {}
        for user_id, team in pairs:
            teams.setdefault(user_id, []).append(team)
        return [
            UserInfo(id=u.id, name=u.name, role=u.role, teams=sorted(teams.get(u.id, [])), created_at=u.created_at)
            for u in users
        ]

    def add_to_team(self, team: str, user: str, *, actor: Actor = "cli") -> None:
        """Put a user in a care team (the team is created when new)."""
        team = _valid_name(team, "team")
        with self._tx() as s:
            member = self._user(s, user)
            row = s.scalars(select(TeamRow).where(TeamRow.name == team)).first()
            if row is None:
                row = TeamRow(id=_new_id(), name=team, created_at=utcnow())
                s.add(row)
                s.flush()
                self._audit(s, actor, "create", "team", row.id)
            if s.get(TeamMemberRow, (row.id, member.id)) is None:
                s.add(TeamMemberRow(team_id=row.id, user_id=member.id))
                self._audit(s, actor, "grant", "team", row.id)

    def grant(self, patient_id: str, *, user: str | None = None, team: str | None = None, actor: Actor = "cli") -> None:
        """Let one user or one care team see and write a patient's record."""
        if (user is None) == (team is None):
            raise InputValidationError([Problem("grantee", "give exactly one of a user or a team")])
        with self._tx() as s:
            if s.get(PatientRow, patient_id) is None:
                raise NotFoundError("patient", patient_id)
            if user is not None:
                grant = PatientAccessRow(id=_new_id(), patient_id=patient_id, user_id=self._user(s, user).id)
            else:
                row = s.scalars(select(TeamRow).where(TeamRow.name == team)).first()
                if row is None:
                    raise NotFoundError("team", str(team))
                grant = PatientAccessRow(id=_new_id(), patient_id=patient_id, team_id=row.id)
            grant.created_at = utcnow()
            s.add(grant)
            self._audit(s, actor, "grant", "patient", patient_id)

    # --- tokens -------------------------------------------------------------------------------------------

    def create_token(
        self, name: str, *, days: int = DEFAULT_TOKEN_DAYS, role: Role = "clinician", actor: Actor = "cli"
    ) -> str:
        """A new random token for user `name` (created with `role` when new); returned once, stored hashed."""
        name = _valid_name(name)
        if not 1 <= days <= MAX_TOKEN_DAYS:
            raise InputValidationError([Problem("days", f"must be 1-{MAX_TOKEN_DAYS}")])
        token = secrets.token_urlsafe(32)
        with self._tx() as s:
            user = s.scalars(select(UserRow).where(UserRow.name == name)).first()
            if user is None:
                if role not in ROLES:
                    raise InputValidationError([Problem("role", f"must be one of {', '.join(ROLES)}")])
                user = UserRow(id=_new_id(), name=name, role=role, created_at=utcnow())
                s.add(user)
                s.flush()
                self._audit(s, actor, "create", "user", user.id)
            now = utcnow()
            row = TokenRow(
                id=_new_id(),
                name=name,
                token_hash=hash_token(token),
                created_at=now,
                user_id=user.id,
                expires_at=now + timedelta(days=days),
            )
            s.add(row)
            self._audit(s, actor, "create", "token", row.id)
        return token

    def _principal(self, token: str) -> tuple[Principal | None, str]:
        """(the token's user, or None) and the actor to audit."""
        if not token:
            return None, ANONYMOUS
        digest = hash_token(token)
        with self._read() as s:
            found = s.execute(
                select(TokenRow, UserRow)
                .join(UserRow, TokenRow.user_id == UserRow.id)
                .where(TokenRow.token_hash == digest)
            ).first()
            if found is None or not hmac.compare_digest(found[0].token_hash, digest):
                return None, ANONYMOUS
            token_row, user = found
            if token_row.expires_at <= utcnow():
                return None, user.name
            teams = s.scalars(select(TeamMemberRow.team_id).where(TeamMemberRow.user_id == user.id)).all()
        return Principal(name=user.name, role=cast(Role, user.role), user_id=user.id, teams=frozenset(teams)), user.name

    def authenticate(self, token: str) -> str | None:
        """The token's user name, or None when the token is unknown, revoked or expired (not audited)."""
        principal, _ = self._principal(token)
        return principal.name if principal else None

    def authorise(self, token: str) -> Principal:
        """The token's user; AuthError (401) otherwise, after auditing the refused attempt."""
        principal, actor = self._principal(token)
        if principal is None:
            with self._tx() as s:
                self._audit(s, actor, "authenticate", "token", None, "denied")
            raise AuthError("unknown, revoked or expired token")
        return principal

    def list_tokens(self) -> list[TokenInfo]:
        with self._read() as s:
            rows = s.scalars(select(TokenRow).order_by(TokenRow.created_at, TokenRow.id)).all()
        return [TokenInfo(id=r.id, name=r.name, created_at=r.created_at, expires_at=r.expires_at) for r in rows]

    def revoke_tokens(self, name: str, *, actor: Actor = "cli") -> int:
        """Delete every token of user `name`; returns how many were revoked."""
        with self._tx() as s:
            rows = s.scalars(select(TokenRow).where(TokenRow.name == name)).all()
            for row in rows:
                s.delete(row)
                self._audit(s, actor, "revoke", "token", row.id)
        return len(rows)
