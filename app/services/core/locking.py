"""Optimistic locking of staff, team and POD edits (SPEC.md 9).

Every edit takes the version the user saw and checks and bumps it in one
statement, in the same transaction as the change and its audit entry, so two
people working at once cannot overwrite each other. A conflict names the
latest audited change and who made it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, or_, select, update
from sqlalchemy.orm import Session

from app import clock
from app.db.models import AppUser, AuditEntry, Pod, Staff, Team
from app.services.core.changes import Kind
from app.services.core.errors import ConflictError, NotFound, UserError
from app.services.core.unit_of_work import touch

Versioned = Team | Pod | Staff
"""The records edited here, each with a ``version`` for optimistic locking (SPEC.md 9)."""


def lock(session: Session, record: Versioned, expected_version: int) -> None:
    """Check and bump the record's version in one statement (SPEC.md 9).

    ``expected_version`` is the version the user saw. When someone else changed
    the record since, nothing is written and a ConflictError says what changed.
    Call it in the transaction that makes the change and writes its audit entry.
    """
    model, record_id = type(record), record.id
    if not bump_version(session, model, record_id, expected_version):
        session.expire(record)
        raise _conflict(session, record, record_id)
    touch(
        session,
        {Team: Kind.TEAM, Pod: Kind.POD, Staff: Kind.STAFF}[model],
        [record_id],
        refresh=False,
    )
    session.expire(record, ["version"])


def _label(record: Versioned) -> str:
    if isinstance(record, Team):
        return f'The team "{record.name}"'
    if isinstance(record, Pod):
        return f'The POD "{record.name}"'
    return f"{record.forename} {record.surname}'s record"


def _history(record: Versioned) -> ColumnElement[bool]:
    """The audit entries about a record: its own; for staff also their reductions and imports.

    Audit changes are canonical JSON (no spaces), so a reduction's entry holds
    ``"staff_id":7`` followed by a comma or a closing brace; an import names the
    staff codes it added, changed or ended.
    """
    entity = {Team: "team", Pod: "pod", Staff: "staff"}[type(record)]
    own = and_(AuditEntry.entity == entity, AuditEntry.entity_id == str(record.id))
    if not isinstance(record, Staff):
        return own
    changes = AuditEntry.changes
    reductions = and_(
        AuditEntry.entity == "reduction",
        or_(
            changes.contains(f'"staff_id":{record.id},'),
            changes.contains(f'"staff_id":{record.id}}}'),
        ),
    )
    imported = and_(
        AuditEntry.entity == "staff",
        AuditEntry.action == "import",
        changes.icontains(f'"{record.staff_code}"', autoescape=True),
    )
    return or_(own, reductions, imported)


def _when(at: datetime) -> str:
    """An audit time (stored in UTC) as the user's local time, with the date unless today."""
    local = at.replace(tzinfo=UTC).astimezone()
    if local.date() == clock.now().astimezone().date():
        return f"at {local:%H:%M}"
    return f"on {local:%d/%m/%Y} at {local:%H:%M}"


def _conflict(session: Session, record: Versioned, record_id: int) -> UserError:
    """What changed since the user read the record, and by whom when the audit log says.

    ``record`` is expired: it reloads as it now is, unless it was removed.
    """
    model = type(record)
    if session.scalar(select(model.id).where(model.id == record_id)) is None:
        what = {Team: "team", Pod: "POD", Staff: "member of staff"}[model]
        return NotFound(f"That {what} no longer exists; nothing was changed.")
    label = _label(record)
    latest = session.execute(
        select(AuditEntry, AppUser.display_name)
        .outerjoin(AppUser, AppUser.id == AuditEntry.user_id)
        .where(_history(record))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    if latest is None:
        who = "someone else"
    else:
        entry, by = latest
        who = f"{by or entry.username} {_when(entry.at)} ({entry.summary})"
    return ConflictError(
        f"{label} was changed by {who} since you opened it; nothing was changed. "
        "Look again at the latest details, then make your change."
    )


def bump_version(session: Session, model: Any, record_id: int, expected_version: int) -> bool:
    """Add one to the record's version if it is still ``expected_version``; whether it was.

    One UPDATE ... WHERE version = expected: of two writers, exactly one wins.
    """
    result = cast(
        CursorResult[Any],
        session.execute(
            update(model)
            .where(model.id == record_id, model.version == expected_version)
            .values(version=model.version + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1
