"""Optimistic locking of sessions, projects and requirements (SPEC.md 9).

Two people recording one session (a shared store, or two windows) cannot
both succeed: each write takes the version the user saw and checks and bumps
it in one statement, in the same transaction as the change. The loser is told
who changed the record and when, from the audit log.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import AppUser, AuditEntry
from app.db.upw_models import UpwProject, UpwRequirement, UpwSession
from app.services.core.changes import Kind
from app.services.core.errors import ConflictError, NotFound
from app.services.core.locking import bump_version
from app.services.core.unit_of_work import touch

Locked = type[UpwSession] | type[UpwProject] | type[UpwRequirement]

_KINDS: dict[Any, Kind] = {
    UpwSession: Kind.UPW_SESSION,
    UpwProject: Kind.UPW_PROJECT,
    UpwRequirement: Kind.UPW_REQUIREMENT,
}
ENTITIES: dict[Any, str] = {
    UpwSession: "upw_session",
    UpwProject: "upw_project",
    UpwRequirement: "upw_requirement",
}
_WHAT = {UpwSession: "session", UpwProject: "project", UpwRequirement: "requirement"}


def lock(session: Session, model: Locked, record_id: int, expected_version: int) -> None:
    """Check and bump the record's version; a ConflictError when someone changed it first."""
    if not bump_version(session, model, record_id, expected_version):
        raise _conflict(session, model, record_id)
    touch(session, _KINDS[model], [record_id], refresh=False)
    found = session.identity_map.get((model, (record_id,), None))
    if found is not None:
        session.expire(found, ["version"])


def _when(at: datetime) -> str:
    local = at.replace(tzinfo=UTC).astimezone()
    if local.date() == clock.now().astimezone().date():
        return f"at {local:%H:%M}"
    return f"on {local:%d/%m/%Y} at {local:%H:%M}"


def _conflict(session: Session, model: Locked, record_id: int) -> Exception:
    what = _WHAT[model]
    if session.scalar(select(model.id).where(model.id == record_id)) is None:
        return NotFound(f"That {what} no longer exists; nothing was changed.")
    latest = session.execute(
        select(AuditEntry, AppUser.display_name)
        .outerjoin(AppUser, AppUser.id == AuditEntry.user_id)
        .where(AuditEntry.entity == ENTITIES[model], AuditEntry.entity_id == str(record_id))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    who = "someone else"
    if latest is not None:
        entry, by = latest
        who = f"{by or entry.username} {_when(entry.at)} ({entry.summary})"
    return ConflictError(
        f"This {what} was changed by {who} since you opened it; nothing was changed. "
        "Look again at the latest details, then make your change."
    )
