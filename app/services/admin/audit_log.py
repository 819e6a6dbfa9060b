"""The audit log as the Head of PDU reads it: filtered, opened, exported (SPEC.md 1, 4.8).

The log itself is append-only and hash-chained (``app.services.core.audit``);
nothing here changes an entry. Actions and records are shown in words, never
as their codes. Exports are written readable by their owner only, with
spreadsheet formula injection neutralised (SPEC.md 9), and are themselves
audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import AppUser, AuditEntry, Person
from app.domain.codes import Role
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import NotFound, UserError
from app.services.core.permissions import guarded_read, write_service

READ = "read the audit log"
SHOWN = 2000
"""Entries a search shows at most, newest first; an export takes every one."""

ENTITY_LABELS = {
    "case": "Case",
    "team": "Team",
    "pod": "POD",
    "staff": "Staff",
    "reduction": "Reduction",
    "setting": "Setting",
    "user": "User",
    "pdu": "PDU",
    "database": "Database",
    "audit": "Audit log",
}
ACTION_LABELS = {
    "case.allocated": "Case allocated",
    "case.reallocated": "Case reallocated",
    "review.resolved": "Review closed, case kept",
    "import": "Extract imported",
    "demo.started": "Demo being written",
    "demo.created": "Demo PDU created",
    "setting.changed": "Setting changed",
    "tiers.expired": "Expired tiers recomputed",
    "reviews.leavers": "Leavers' cases flagged",
    "db.restored": "Database restored",
    "team.created": "Team created",
    "team.renamed": "Team renamed",
    "team.spo_changed": "Team's SPO changed",
    "pod.created": "POD created",
    "pod.renamed": "POD renamed",
    "staff.moved": "Staff moved",
    "staff.hours_changed": "Contracted hours changed",
    "reduction.added": "Reduction added",
    "absence.added": "Absence added",
    "reduction.ended": "Reduction ended",
    "reduction.deleted": "Reduction deleted",
    "user.created": "User added",
    "user.changed": "User changed",
    "user.disabled": "User disabled",
    "user.enabled": "User enabled",
    "user.password_reset": "Password reset",
    "user.password_changed": "Password changed",
    "user.locked": "Account locked",
    "audit.exported": "Audit log exported",
}


def action_label(action: str) -> str:
    """An action in words: "case.allocated" is "Case allocated"."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    words = action.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity.replace("_", " ").capitalize())


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to show: by user, record, action and dates (inclusive)."""

    username: str = ""
    record: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditRow:
    """One entry as the log lists it; ``at`` is in UTC."""

    id: int
    at: datetime
    who: str
    os_login: str
    action: str
    record: str
    summary: str


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditDetail:
    """One entry opened: every field changed, before and after, and the record it names."""

    row: AuditRow
    entity: str
    entity_id: str
    changes: tuple[FieldChange, ...]
    other: tuple[tuple[str, str], ...]
    case_id: int | None
    hash: str


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int


@dataclass(frozen=True)
class AuditChoices:
    """The users and actions found in the log, for the filters: (code, label)."""

    users: tuple[tuple[str, str], ...]
    actions: tuple[tuple[str, str], ...]


def _conditions(flt: AuditFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if flt.username:
        found.append(AuditEntry.username == flt.username)
    if flt.action:
        found.append(AuditEntry.action == flt.action)
    if flt.record.strip():
        text = flt.record.strip()
        found.append(
            AuditEntry.entity_id.icontains(text, autoescape=True)
            | AuditEntry.summary.icontains(text, autoescape=True)
        )
    if flt.date_from is not None:
        found.append(AuditEntry.at >= _utc_start(flt.date_from))
    if flt.date_to is not None:
        found.append(AuditEntry.at < _utc_start(flt.date_to + timedelta(days=1)))
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise UserError("The first date is after the last one: nothing to show.")
    return found


def _utc_start(day: date) -> datetime:
    """Midnight of a local day, in UTC as stored."""
    return datetime(day.year, day.month, day.day).astimezone(UTC).replace(tzinfo=None)


def _query(flt: AuditFilter) -> Select[AuditEntry, str]:
    return (
        select(AuditEntry, AppUser.display_name)
        .outerjoin(AppUser, AppUser.id == AuditEntry.user_id)
        .where(*_conditions(flt))
        .order_by(AuditEntry.id.desc())
    )


def _row(entry: AuditEntry, name: str | None) -> AuditRow:
    who = f"{name} ({entry.username})" if name and name != entry.username else entry.username
    record = entity_label(entry.entity)
    if entry.entity_id:
        record = f"{record} {entry.entity_id}"
    return AuditRow(
        id=entry.id,
        at=entry.at.replace(tzinfo=UTC),
        who=who,
        os_login=entry.os_login,
        action=action_label(entry.action),
        record=record,
        summary=entry.summary,
    )


@guarded_read(Role.HEAD_OF_PDU, action=READ)
def search(session: Session, actor: Actor, flt: AuditFilter, limit: int = SHOWN) -> AuditPage:
    """The newest entries matching the filter (at most ``limit``), and how many match."""
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*_conditions(flt)))
    rows = tuple(_row(e, n) for e, n in session.execute(_query(flt).limit(limit)))
    return AuditPage(rows, int(total or 0))


@guarded_read(Role.HEAD_OF_PDU, action=READ)
def choices(session: Session, actor: Actor) -> AuditChoices:
    users = session.execute(
        select(AuditEntry.username, func.max(AppUser.display_name))
        .outerjoin(AppUser, AppUser.id == AuditEntry.user_id)
        .group_by(AuditEntry.username)
        .order_by(AuditEntry.username)
    ).all()
    actions = sorted(session.scalars(select(AuditEntry.action).distinct()), key=action_label)
    return AuditChoices(
        tuple((u, f"{n} ({u})" if n and n != u else u) for u, n in users),
        tuple((a, action_label(a)) for a in actions),
    )


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    try:
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    except ValueError:
        return text


def _field_changes(changes: dict[str, Any]) -> tuple[FieldChange, ...]:
    before = changes.get("before") or {}
    after = changes.get("after") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ()
    keys = list(dict.fromkeys([*before, *after]))
    return tuple(
        FieldChange(key.replace("_", " "), _show(before.get(key)), _show(after.get(key)))
        for key in keys
    )


@guarded_read(Role.HEAD_OF_PDU, action=READ)
def detail(session: Session, actor: Actor, entry_id: int) -> AuditDetail:
    """One entry with its before and after, and the case it names (to open it)."""
    found = session.execute(
        select(AuditEntry, AppUser.display_name)
        .outerjoin(AppUser, AppUser.id == AuditEntry.user_id)
        .where(AuditEntry.id == entry_id)
    ).first()
    if found is None:
        raise NotFound("That audit entry does not exist.")
    entry, name = found
    changes = json.loads(entry.changes or "{}")
    other = tuple(
        (key.replace("_", " "), _show(value))
        for key, value in changes.items()
        if key not in ("before", "after")
    )
    case_id = None
    if entry.entity == "case" and entry.entity_id:
        case_id = session.scalar(select(Person.id).where(Person.crn == entry.entity_id))
    return AuditDetail(
        row=_row(entry, name),
        entity=entity_label(entry.entity),
        entity_id=entry.entity_id,
        changes=_field_changes(changes),
        other=other,
        case_id=case_id,
        hash=entry.hash,
    )


EXPORT_HEADERS = ("When (UTC)", "Who", "Computer login", "Action", "Record", "Summary", "Changes")


def export_rows(session: Session, flt: AuditFilter) -> list[list[str]]:
    """Every matching entry, oldest first, as text cells."""
    query = _query(flt).order_by(None).order_by(AuditEntry.id)
    rows = []
    for entry, name in session.execute(query):
        row = _row(entry, name)
        rows.append(
            [
                row.at.strftime("%d/%m/%Y %H:%M:%S"),
                row.who,
                row.os_login,
                row.action,
                row.record,
                row.summary,
                entry.changes,
            ]
        )
    return rows


@write_service(Role.HEAD_OF_PDU, action="export the audit log")
def export(session: Session, actor: Actor, flt: AuditFilter, path: Path) -> int:
    """Write the matching entries to a CSV or .xlsx file (by its suffix); how many.

    The file is readable by its owner only; the export is itself audited.
    """
    from app.services.admin.files import write_table

    path = Path(path)
    rows = export_rows(session, flt)
    write_table(
        path,
        list(EXPORT_HEADERS),
        rows,
        "Audit log",
        created=clock.now().replace(tzinfo=None),
        author=actor.display_name,
    )
    audit.record(
        session,
        actor,
        "audit.exported",
        "audit",
        "",
        summary=f"{len(rows):,} audit entries exported to {path.name}",
        extra={"filter": _filter_record(flt), "entries": len(rows)},
    )
    return len(rows)


def _filter_record(flt: AuditFilter) -> dict[str, Any]:
    return {
        "username": flt.username,
        "record": flt.record,
        "action": flt.action,
        "from": flt.date_from,
        "to": flt.date_to,
    }
