"""The append-only audit log: who, when, what, before and after (SPEC.md 1, 9).

Entries are chained: each one's hash covers the previous hash and its own
content, so a later rewrite of the history is detectable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

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


HASH_VERSION = 2
"""How new entries are hashed: 2 covers every column, its id included."""
_PENDING = "pdu_audit_pending"
APPENDED = "pdu_audit_appended"
"""``session.info`` key: the (id, hash) pairs the last commit appended, for the witness."""


def _hash_v1(entry: AuditEntry) -> str:
    """The first way of hashing: neither the id nor user_id (kept so old entries verify)."""
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
    return hashlib.sha256((entry.prev_hash + _canonical(payload)).encode()).hexdigest()


def _hash_v2(entry: AuditEntry) -> str:
    """Every column of the entry but its own hash, the previous entry's hash included."""
    payload = {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "user_id": entry.user_id,
        "username": entry.username,
        "os_login": entry.os_login,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "summary": entry.summary,
        "changes": entry.changes,
        "prev_hash": entry.prev_hash,
        "hash_version": entry.hash_version,
        "db_user": entry.db_user,
        "db_time": None if entry.db_time is None else entry.db_time.isoformat(),
    }
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    """The hash an entry must carry, the way its ``hash_version`` says."""
    if entry.hash_version == 1:
        return _hash_v1(entry)
    if entry.hash_version == 2:
        return _hash_v2(entry)
    raise ValueError(f"unknown hash version {entry.hash_version}")


AUDIT_LOCK = 0x5044554D  # "PDUM": one chain, appended by one transaction at a time


def _lock_chain(session: Session) -> None:
    """Two writers on a shared PostgreSQL store must not chain onto the same entry.

    On SQLite the writer already holds the write lock (``BEGIN IMMEDIATE``, or
    its own earlier writes); PostgreSQL takes an advisory lock, held to the
    end of the transaction. It is taken as the last step before the commit,
    so a long import does not hold back every other writer for its whole run.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK})


def _server_stamp(session: Session) -> tuple[str, datetime | None]:
    """The database login and the server's time, as PostgreSQL's trigger writes them."""
    if session.get_bind().dialect.name != "postgresql":
        return "", None
    row = session.execute(
        text("SELECT CAST(session_user AS text), CAST(now() AT TIME ZONE 'UTC' AS timestamp)")
    ).one()
    return str(row[0]), row[1]


def head(session: Session) -> tuple[int, str]:
    """The id and hash of the chain's last entry; (0, GENESIS) when it is empty."""
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return (0, GENESIS) if last is None else (int(last[0]), str(last[1]))


def head_hash(session: Session) -> str:
    return head(session)[1]


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
    """Add one entry to the caller's transaction; it is chained on at the commit.

    The entry is appended as the transaction's last step, under the chain's
    lock, so its id, previous hash and hash are set only then.
    """
    changes: dict[str, Any] = {}
    if before is not None:
        changes["before"] = before
    if after is not None:
        changes["after"] = after
    if extra:
        changes.update(extra)
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
        hash_version=HASH_VERSION,
    )
    session.info.setdefault(_PENDING, []).append(entry)
    session.flush()
    if not session.info.get(_INSTALLED):  # a session of no store: chained at once
        append_pending(session)
    return entry


def append_pending(session: Session) -> list[tuple[int, str]]:
    """Chain the transaction's entries onto the head; the (id, hash) pairs appended."""
    pending: list[AuditEntry] = session.info.pop(_PENDING, [])
    if not pending:
        return []
    session.flush()  # the work first: the chain is locked only for the append
    _lock_chain(session)
    last_id, last_hash = head(session)
    db_user, db_time = _server_stamp(session)
    appended: list[tuple[int, str]] = []
    for entry in pending:
        last_id += 1
        entry.id, entry.prev_hash = last_id, last_hash
        entry.db_user, entry.db_time = db_user, db_time
        entry.hash = last_hash = entry_hash(entry)
        session.add(entry)
        appended.append((entry.id, entry.hash))
    session.flush()
    return appended


_INSTALLED = "pdu_audit_installed"


def install(sessions: sessionmaker[Session]) -> None:
    """Chain each transaction's entries at its commit, after the unit of work's own step."""
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_commit", _after_commit)
    event.listen(sessions, "after_rollback", _after_rollback)
    event.listen(sessions, "do_orm_execute", _before_reading_the_log)
    _set_info(sessions, _INSTALLED, True)


def witness_with(sessions: sessionmaker[Session], listener: Callable[[Any], None]) -> None:
    """Hand every commit's appended (id, hash) pairs to ``listener`` (the witness file)."""
    _set_info(sessions, WITNESS, listener)


def _set_info(sessions: sessionmaker[Session], key: str, value: object) -> None:
    info = dict(sessions.kw.get("info") or {})
    info[key] = value
    sessions.configure(info=info)


def has_pending(session: Session) -> bool:
    """Entries recorded in the open transaction, to be chained at its commit."""
    return bool(session.info.get(_PENDING))


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    appended = append_pending(session)
    if appended:
        session.info[APPENDED] = session.info.get(APPENDED, []) + appended


def _before_reading_the_log(state: ORMExecuteState) -> None:
    """A read of the audit log in the writing transaction sees its own entries, appended now."""
    session = state.session
    if not state.is_select or not session.info.get(_PENDING):
        return
    if any(mapper.class_ is AuditEntry for mapper in state.all_mappers):
        appended = append_pending(session)
        session.info[APPENDED] = session.info.get(APPENDED, []) + appended


def _after_commit(session: Session) -> None:
    appended = session.info.pop(APPENDED, None)
    listener = session.info.get(WITNESS)
    if appended and listener is not None:
        listener(appended)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(APPENDED, None)


WITNESS = "pdu_audit_witness"
"""``session.info`` key: called with the (id, hash) pairs each commit appended."""


@dataclass(frozen=True)
class ChainReport:
    """The audit chain recomputed: intact, or the first entry that is not what it claims."""

    ok: bool
    entries: int
    head: str
    first_bad_id: int | None = None
    problem: str = ""
    head_id: int = 0


def _entry_problem(entry: AuditEntry, prev: str, prev_id: int, seen_v2: bool) -> str:
    if entry.prev_hash != prev:
        return "does not follow the entry before it"
    if entry.hash_version == 1 and seen_v2:
        return "claims the old way of hashing after entries hashed the new way"
    if entry.hash_version == 2 and prev_id and entry.id != prev_id + 1:
        return f"follows entry {prev_id}: the entries between are missing"
    try:
        if entry_hash(entry) != entry.hash:
            return "was changed after it was written"
    except ValueError:
        return f"claims an unknown way of hashing ({entry.hash_version})"
    return ""


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash in order; report the first entry that does not match."""
    prev, prev_id, count, seen_v2 = GENESIS, 0, 0, False
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(2000):
        count += 1
        problem = _entry_problem(entry, prev, prev_id, seen_v2)
        if problem:
            return ChainReport(
                ok=False,
                entries=count,
                head=prev,
                first_bad_id=entry.id,
                problem=f"entry {entry.id} {problem}",
                head_id=prev_id,
            )
        seen_v2 = seen_v2 or entry.hash_version == 2
        prev, prev_id = entry.hash, entry.id
    return ChainReport(ok=True, entries=count, head=prev, head_id=prev_id)


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Only what differs, as {field: [before, after]}."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}
