"""The unit of work: one write transaction, what it touched, the read model kept current.

Every session of the store carries it (:func:`install` on the session
factory). While a transaction runs, a SQLAlchemy ``after_flush`` listener
records each new, changed and deleted row by kind and id; bulk writers that
bypass the ORM say what they wrote with :func:`touch`. At commit the caseload
read model is rebuilt for exactly the cases touched, following the declared
map of what depends on what (:data:`CASE_OF`, :data:`HOLDER_COLUMN`), and the
transaction's :class:`ChangeSet` is kept for the caller (:func:`last_changes`).
What time alone changes (an assessment expiring) is the daily upkeep's work.

A transaction that changes records but writes no audit entry of its own gets
one entry naming each record and its fields before and after, so no change
goes unrecorded; columns marked ``info={"sensitive": True}`` are named, never
their values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from app import clock
from app.db.bulk import in_ids
from app.db.models import CaseloadRow
from app.db.readmodel import analyse, refresh_cases
from app.domain.progress import Progress
from app.services.core.changes import ChangeSet, Kind

TABLE_KINDS: dict[str, Kind] = {
    "person": Kind.CASE,
    "event": Kind.EVENT,
    "assessment": Kind.ASSESSMENT,
    "tier_record": Kind.TIER,
    "allocation": Kind.ALLOCATION,
    "review_item": Kind.REVIEW,
    "staff": Kind.STAFF,
    "team": Kind.TEAM,
    "pod": Kind.POD,
    "reduction": Kind.REDUCTION,
    "setting": Kind.SETTING,
    "app_user": Kind.USER,
    "app_user_role": Kind.USER,
    "app_user_pdu": Kind.USER,
    "app_user_team": Kind.USER,
    "audit_log": Kind.AUDIT,
    "store_identity": Kind.AUDIT,  # written once, by the migration: the audit's anchor
    "pdu": Kind.PDU,
    "ndelius_entry": Kind.DECISION,
    "region": Kind.PDU,
    "proposal_hold": Kind.PROPOSAL,
    "upw_requirement": Kind.UPW_REQUIREMENT,
    "upw_project": Kind.UPW_PROJECT,
    "upw_session": Kind.UPW_SESSION,
    "upw_placement": Kind.UPW_PLACEMENT,
    "upw_attendance": Kind.UPW_ATTENDANCE,
    "upw_stand_down": Kind.UPW_STAND_DOWN,
    "vcs_case": Kind.VCS_CASE,
    "vcs_key_stage": Kind.VCS_CASE,
    "victim": Kind.VICTIM,
    "victim_task": Kind.VICTIM_TASK,
    "victim_contact": Kind.VICTIM_CONTACT,
    "user_key": Kind.VICTIM_KEY,
    "recovery_key": Kind.VICTIM_KEY,
    "data_key": Kind.VICTIM_KEY,
    "sealed_key": Kind.VICTIM_KEY,
}
"""The kind of each table's rows. A test checks every table is here or in UNTRACKED."""

UNTRACKED = frozenset({"caseload_row"})
"""Tables that are themselves derived (the read model): never a change of their own."""

CASE_OF: dict[Kind, str] = {
    Kind.EVENT: "person_id",
    Kind.ASSESSMENT: "person_id",
    Kind.TIER: "person_id",
    Kind.ALLOCATION: "person_id",
    Kind.REVIEW: "person_id",
}
"""Rows that belong to one case: a change to one rebuilds that case's caseload row."""

HOLDER_COLUMN = {
    Kind.STAFF: CaseloadRow.staff_id,
    Kind.TEAM: CaseloadRow.team_id,
    Kind.POD: CaseloadRow.pod_id,
}
"""A change to a practitioner, team or POD rebuilds the caseload rows of the cases they hold."""

ANALYSE_AFTER = 10_000
REFRESH_BATCH = 5000
"""Rebuilding more caseload rows than this refreshes SQLite's planner statistics too."""

_KEY = "pdu_manager.unit_of_work"
_DONE = "pdu_manager.last_changes"
ACTOR_KEY = "pdu_manager.actor"
TRANSACTION_CACHES = ("pdu_manager.settings",)
"""What a session may keep for the length of one transaction (settings read once)."""


@dataclass
class _Pending:
    ids: defaultdict[Kind, set[int]] = field(default_factory=lambda: defaultdict(set))
    bulk: set[Kind] = field(default_factory=set)
    cases: set[int] = field(default_factory=set)
    holders: defaultdict[Kind, set[int]] = field(default_factory=lambda: defaultdict(set))
    records: list[dict[str, Any]] = field(default_factory=list)
    audited: bool = False


def install(sessions: sessionmaker[Session]) -> None:
    """Make every session of ``sessions`` a unit of work."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_commit", _after_commit)
    event.listen(sessions, "after_transaction_end", _after_transaction_end)


def _pending(session: Session) -> _Pending:
    pending = session.info.get(_KEY)
    if pending is None:
        pending = session.info[_KEY] = _Pending()
    return pending


def touch(
    session: Session,
    kind: Kind,
    ids: Iterable[int] = (),
    *,
    bulk: bool = False,
    refresh: bool = True,
) -> None:
    """Record rows written without the ORM (bulk inserts and updates).

    ``bulk=True`` when the ids are not known. Touched cases, and the cases of
    touched staff, teams and PODs, get their caseload rows rebuilt at commit,
    unless ``refresh=False`` (a version bump changes nothing the caseload shows).
    """
    pending = _pending(session)
    known = set(ids)
    pending.ids[kind] |= known
    if refresh:
        _depends(pending, kind, known)
    if bulk:
        pending.bulk.add(kind)


def _depends(pending: _Pending, kind: Kind, ids: set[int]) -> None:
    if kind is Kind.CASE:
        pending.cases |= ids
    elif kind in HOLDER_COLUMN:
        pending.holders[kind] |= ids


def set_actor(session: Session, actor: object) -> None:
    """Who is acting in this transaction (the runner and the command line set it)."""
    session.info[ACTOR_KEY] = actor


def last_changes(session: Session) -> ChangeSet:
    """What the session's last committed transaction changed."""
    done = session.info.get(_DONE)
    return done if isinstance(done, ChangeSet) else ChangeSet()


def pending_changes(session: Session) -> ChangeSet:
    """What the open transaction has changed so far (flushed rows and touches)."""
    session.flush()
    pending = _pending(session)
    return ChangeSet({k: frozenset(v) for k, v in pending.ids.items()}, frozenset(pending.bulk))


def refresh_pending(session: Session, progress: Progress | None = None) -> int:
    """Rebuild the caseload rows of the cases touched so far, now, with progress.

    For long jobs (an import, the demo) that want the user to see this step;
    the commit then rebuilds only what was touched after it.
    """
    session.flush()
    pending = _pending(session)
    cases = _cases_to_refresh(session, pending)
    ids = sorted(cases)
    written = 0
    for start in range(0, len(ids), REFRESH_BATCH):
        if progress is not None:
            progress.check()
        chunk = ids[start : start + REFRESH_BATCH]
        written += refresh_cases(session, chunk, clock.today())
        if progress is not None:
            progress.advance(len(chunk), "Updating the caseload…")
    pending.ids[Kind.CASE] |= cases
    _expire_rows(session, cases)
    pending.cases.clear()
    pending.holders.clear()
    if written > ANALYSE_AFTER:
        analyse(session)
    return written


def _expire_rows(session: Session, cases: set[int]) -> None:
    """Caseload rows this session had loaded were rebuilt underneath it: read them afresh."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, CaseloadRow) and obj.person_id in cases:
            session.expire(obj)


def _cases_to_refresh(session: Session, pending: _Pending) -> set[int]:
    cases = set(pending.cases)
    for kind, column in HOLDER_COLUMN.items():
        ids = sorted(pending.holders.get(kind, ()))
        if ids:
            cases.update(session.scalars(select(CaseloadRow.person_id).where(in_ids(column, ids))))
    return cases


# --- Listeners ------------------------------------------------------------------------


def _after_flush(session: Session, _context: Any) -> None:
    pending = _pending(session)
    for obj, op in _flushed(session):
        state = inspect(obj)
        table = state.mapper.local_table.name
        if table in UNTRACKED:
            continue
        kind = TABLE_KINDS[table]
        if kind is Kind.AUDIT:
            pending.audited = True
        # New rows have their id by now, though not yet their identity key.
        identity = state.mapper.primary_key_from_instance(obj)
        if len(identity) != 1 or identity[0] is None:
            continue
        pk = int(identity[0])
        pending.ids[kind].add(pk)
        _depends(pending, kind, {pk})
        column = CASE_OF.get(kind)
        if column is not None:
            pending.cases.update(_values(state, column))
        if kind is not Kind.AUDIT:
            pending.records.append(_record(state, table, pk, op))


def _flushed(session: Session) -> Iterable[tuple[Any, str]]:
    for obj in session.new:
        yield obj, "added"
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            yield obj, "changed"
    for obj in session.deleted:
        yield obj, "deleted"


def _values(state: Any, column: str) -> set[int]:
    """A column's value now and, when the flush changed it, before."""
    history = state.attrs[column].history
    values = {*history.added, *history.unchanged, *history.deleted}
    if not values:
        values = {state.dict.get(column)}
    return {int(v) for v in values if v is not None}


def _record(state: Any, table: str, pk: int, op: str) -> dict[str, Any]:
    """One row's change for the audit: fields before and after (sensitive ones named only)."""
    fields: dict[str, Any] = {}
    for column in state.mapper.column_attrs:
        name = column.key
        history = state.attrs[name].history
        if op == "changed" and not history.has_changes():
            continue
        sensitive = any(c.info.get("sensitive") for c in column.columns)
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else state.dict.get(name)
        if op == "deleted":
            before, after = state.dict.get(name), None
        fields[name] = "(changed)" if sensitive else [before, after]
    return {"table": table, "id": pk, "op": op, "fields": fields}


def _before_commit(session: Session) -> None:
    session.flush()  # the commit's own flush comes after this hook: collect its rows now
    if _KEY not in session.info:
        return
    pending = _pending(session)
    cases = _cases_to_refresh(session, pending)
    if cases:
        written = refresh_cases(session, cases, clock.today())
        if written > ANALYSE_AFTER:
            analyse(session)
        pending.ids[Kind.CASE] |= cases
        _expire_rows(session, cases)
    _audit_unrecorded(session, pending)
    session.info[_DONE + ".next"] = ChangeSet(
        {k: frozenset(v) for k, v in pending.ids.items()}, frozenset(pending.bulk)
    )


def _audit_unrecorded(session: Session, pending: _Pending) -> None:
    """A change with no audit entry of its own is recorded as what it changed."""
    from app.services.core import audit

    actor = session.info.get(ACTOR_KEY)
    audited = pending.audited or audit.has_pending(session)
    if audited or not pending.records or actor is None:
        return

    first = pending.records[0]
    summary = (
        f"{len(pending.records)} record(s) changed"
        if len(pending.records) > 1
        else (f"{first['table']} {first['id']} {first['op']}")
    )
    audit.record(
        session,
        actor,
        "records.changed",
        first["table"],
        first["id"],
        summary=summary,
        extra={"records": pending.records},
    )


def _after_commit(session: Session) -> None:
    done = session.info.pop(_DONE + ".next", None)
    session.info[_DONE] = done if done is not None else ChangeSet()


def _after_transaction_end(session: Session, transaction: Any) -> None:
    """Committed or rolled back: forget what it touched and what it cached."""
    if transaction.parent is not None:
        return  # a savepoint: the outer transaction goes on
    session.info.pop(_KEY, None)
    session.info.pop(_DONE + ".next", None)
    for key in TRANSACTION_CACHES:
        session.info.pop(key, None)
