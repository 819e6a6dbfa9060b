"""The append-only audit log: who, when, what, before and after (SPEC.md 1, 9).

Entries are chained: each one's hash covers the previous hash and its own
content, so a later rewrite of the history is detectable.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app import clock
from app.db.models import AuditEntry
from app.services.core.actor import Actor

GENESIS = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return str(value)


def _canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, default=_default, separators=(",", ":"))


def _entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    payload = {
        "at": entry.at.isoformat(),
        "username": entry.username,
        "os_login": entry.os_login,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "summary": entry.summary,
        "changes": entry.changes,
    }
    return hashlib.sha256((prev_hash + _canonical(payload)).encode()).hexdigest()


AUDIT_LOCK = 0x5044554D  # "PDUM": one chain, appended by one transaction at a time


def _lock_chain(session: Session) -> None:
    """Two writers on a shared PostgreSQL store must not chain onto the same entry.

    SQLite has one writer at a time already; PostgreSQL takes an advisory lock
    held to the end of the transaction.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK})


def head_hash(session: Session) -> str:
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return last or GENESIS


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object = "",
    *,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction."""
    changes: dict[str, Any] = {}
    if before is not None:
        changes["before"] = before
    if after is not None:
        changes["after"] = after
    if extra:
        changes.update(extra)
    _lock_chain(session)
    prev = head_hash(session)
    entry = AuditEntry(
        at=clock.now().replace(tzinfo=None),
        user_id=actor.user_id,
        username=actor.username,
        os_login=actor.os_login,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        summary=summary,
        changes=_canonical(changes),
        prev_hash=prev,
    )
    entry.hash = _entry_hash(prev, entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    head: str
    first_bad_id: int | None = None


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash in order; report the first entry that does not match."""
    prev = GENESIS
    count = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(2000):
        count += 1
        if entry.prev_hash != prev or _entry_hash(prev, entry) != entry.hash:
            return ChainReport(ok=False, entries=count, head=prev, first_bad_id=entry.id)
        prev = entry.hash
    return ChainReport(ok=True, entries=count, head=prev)


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Only what differs, as {field: [before, after]}."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}
