"""Keeps the flattened caseload table (``caseload_row``) in step with the records.

Services call :func:`refresh_cases` with the people they changed, in the same
transaction; the caseload screen then filters and sorts one indexed table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Boolean, ColumnElement, and_, delete, func, or_, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from app.db.bulk import bulk_insert, in_ids
from app.db.models import (
    Allocation,
    Assessment,
    CaseloadRow,
    Event,
    Person,
    Pod,
    ReviewItem,
    Staff,
    Team,
    TierRecord,
)
from app.domain.cases import EventFacts, allocation_clock_start, main_event, name_key
from app.domain.codes import Rosh, SentenceType
from app.domain.tiering import tier_sort_key

BATCH = 5000
_PERSON_COLUMNS = (
    Person.id,
    Person.pdu_id,
    Person.crn,
    Person.forename,
    Person.surname,
    Person.date_of_birth,
    Person.gender,
    Person.female_practitioner_requested,
    Person.ended_on,
    Person.version,
)
_EVENT_COLUMNS = tuple(
    getattr(Event, name)
    for name in (
        "id",
        "person_id",
        "sentence_type",
        "sentence_date",
        "release_date",
        "end_date",
        "ended_on",
        "requirements",
        "upw_hours_ordered",
        "upw_hours_completed",
    )
)


def refresh_cases(session: Session, person_ids: Iterable[int], as_at: date) -> int:
    """Rebuild the caseload rows of these people; returns how many were written."""
    ids = sorted(set(person_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = _build_rows(session, chunk, as_at)
        session.execute(delete(CaseloadRow).where(in_ids(CaseloadRow.person_id, chunk)))
        if rows:
            bulk_insert(session, CaseloadRow, rows)
        written += len(rows)
    return written


def active_case_condition(as_at: date, *, in_order: bool = False) -> ColumnElement[bool]:
    """Active on ``as_at``: sentenced on or before it, not ended on or before it (SPEC.md 7).

    ``in_order``: for a sorted page. Most rows are active, so the page is best read
    in order from the sort's own index; without the hint SQLite takes the sentence
    date for selective and sorts the whole PDU instead (issue 21).
    """
    active = and_(
        CaseloadRow.sentence_date <= as_at,
        or_(CaseloadRow.end_date.is_(None), CaseloadRow.end_date > as_at),
    )
    return Likely(active) if in_order else active


class Likely(FunctionElement[bool]):
    """A condition most rows meet: SQLite's ``likely()``; plain elsewhere."""

    type = Boolean()
    inherit_cache = True
    name = "likely"


@compiles(Likely)
def _likely(element: Likely, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)})"


@compiles(Likely, "sqlite")
def _likely_on_sqlite(element: Likely, compiler: SQLCompiler, **kw: Any) -> str:
    return f"likely({compiler.process(element.clauses, **kw)})"


def analyse(session: Session) -> None:
    """Refresh SQLite's table statistics after bulk work.

    Without them the planner may sort 250,000 rows in a temporary table rather
    than walk the caseload's indexes in order.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("ANALYZE"))


def refresh_all(session: Session, as_at: date) -> int:
    """Rebuild every caseload row (after a migration or a bulk repair)."""
    return refresh_cases(session, session.scalars(select(Person.id)), as_at)


def event_facts(events: Iterable[Any]) -> list[EventFacts]:
    """What the case rules need of stored sentences (rows or ORM objects)."""
    return [
        EventFacts(
            e.id,
            SentenceType(e.sentence_type),
            e.sentence_date,
            e.release_date,
            e.end_date,
            e.ended_on,
        )
        for e in events
    ]


def latest_by_person(rows: Iterable[Any]) -> dict[int, Any]:
    """The last row per person (``row.person_id``) of rows ordered by id."""
    return {row.person_id: row for row in rows}


def _build_rows(session: Session, ids: list[int], as_at: date) -> list[dict[str, Any]]:
    """The caseload rows of these people, read in two statements.

    One reads each person with their sentences; the other their latest tier,
    latest assessment, current practitioner (with team and POD) and count of
    open review items, one row per person.
    """
    events: dict[int, list[Any]] = defaultdict(list)
    people: dict[int, Any] = {}
    for row in session.execute(
        select(*_PERSON_COLUMNS, *(c.label(f"e_{c.key}") for c in _EVENT_COLUMNS))
        .join(Event, Event.person_id == Person.id)
        .where(in_ids(Person.id, ids))
    ):
        people.setdefault(row.id, row)
        events[row.id].append(_EventRow(row))
    state = {row.person_id: row for row in session.execute(_state_query(ids))}
    out = []
    for pid, person in people.items():
        current = state.get(pid)
        built = _row(person, events[pid], current, current, _holder(current), as_at)
        if built is not None:
            built["open_reviews"] = (current.open_reviews if current else 0) or 0
            out.append(built)
    return out


class _EventRow:
    """A sentence read beside its person (columns prefixed ``e_``), as the case rules want it."""

    __slots__ = tuple(c.key for c in _EVENT_COLUMNS)

    def __init__(self, row: Any) -> None:
        for c in _EVENT_COLUMNS:
            setattr(self, c.key, getattr(row, f"e_{c.key}"))


def _state_query(ids: list[int]) -> Any:
    """Per person: the latest tier and assessment, the open allocation, open reviews."""
    tier_ids = (
        select(TierRecord.person_id, func.max(TierRecord.id).label("id"))
        .where(in_ids(TierRecord.person_id, ids))
        .group_by(TierRecord.person_id)
        .subquery()
    )
    assessment_ids = (
        select(Assessment.person_id, func.max(Assessment.id).label("id"))
        .where(in_ids(Assessment.person_id, ids))
        .group_by(Assessment.person_id)
        .subquery()
    )
    reviews = (
        select(ReviewItem.person_id, func.count().label("n"))
        .where(in_ids(ReviewItem.person_id, ids), ReviewItem.resolved_on.is_(None))
        .group_by(ReviewItem.person_id)
        .subquery()
    )
    return (
        select(
            Person.id.label("person_id"),
            TierRecord.tier,
            TierRecord.unsupervised,
            Assessment.rosh,
            Assessment.rsr_percent,
            Assessment.ogrs_percent,
            Assessment.mappa_level,
            Allocation.start_date.label("allocated_on"),
            Staff.id.label("staff_id"),
            Staff.forename.label("staff_forename"),
            Staff.surname.label("staff_surname"),
            Staff.grade.label("staff_grade"),
            Team.id.label("team_id"),
            Team.name.label("team_name"),
            Pod.id.label("pod_id"),
            Pod.name.label("pod_name"),
            reviews.c.n.label("open_reviews"),
        )
        .select_from(Person)
        .outerjoin(tier_ids, tier_ids.c.person_id == Person.id)
        .outerjoin(TierRecord, TierRecord.id == tier_ids.c.id)
        .outerjoin(assessment_ids, assessment_ids.c.person_id == Person.id)
        .outerjoin(Assessment, Assessment.id == assessment_ids.c.id)
        .outerjoin(
            Allocation, and_(Allocation.person_id == Person.id, Allocation.end_date.is_(None))
        )
        .outerjoin(Staff, Staff.id == Allocation.staff_id)
        .outerjoin(Team, Team.id == Staff.team_id)
        .outerjoin(Pod, Pod.id == Staff.pod_id)
        .outerjoin(reviews, reviews.c.person_id == Person.id)
        .where(in_ids(Person.id, ids))
    )


class _Holder:
    """The open allocation's practitioner, as :func:`_row` reads it."""

    def __init__(self, state: Any) -> None:
        self.staff_id = state.staff_id
        self.start_date = state.allocated_on
        self.forename = state.staff_forename
        self.surname = state.staff_surname
        self.grade = state.staff_grade
        self.team_id = state.team_id
        self.team_name = state.team_name
        self.pod_id = state.pod_id
        self.pod_name = state.pod_name


def _holder(state: Any | None) -> _Holder | None:
    return None if state is None or state.staff_id is None else _Holder(state)


def _row(
    person: Any,
    events: list[Any],
    tier: Any | None,
    assessment: Any | None,
    holder: Any,
    as_at: date,
) -> dict[str, Any] | None:
    facts = event_facts(events)
    main = main_event(facts, as_at)
    if main is None:
        return None
    event = next(e for e in events if e.id == main.event_id)
    rosh = assessment.rosh if assessment else None
    tier_code = tier.tier if tier else None
    if tier is not None and tier.unsupervised and tier_code:
        tier_code = f"{tier_code}S"
    staff_name = f"{holder.forename} {holder.surname}" if holder else ""
    return {
        "person_id": person.id,
        "pdu_id": person.pdu_id,
        "crn": person.crn,
        "forename": person.forename,
        "surname": person.surname,
        "name_key": name_key(person.surname, person.forename),
        "date_of_birth": person.date_of_birth,
        "gender": person.gender,
        "sentence_type": event.sentence_type,
        "sentence_date": event.sentence_date,
        "release_date": event.release_date,
        "end_date": person.ended_on or event.end_date,
        "clock_start": allocation_clock_start(
            main.sentence_type, main.sentence_date, main.release_date
        ),
        "requirements": event.requirements,
        "tier": tier_code,
        "tier_rank": tier_sort_key(tier_code),
        "rosh": rosh,
        "rosh_rank": Rosh(rosh).rank if rosh else 0,
        "rsr_percent": assessment.rsr_percent if assessment else None,
        "ogrs_percent": assessment.ogrs_percent if assessment else None,
        "mappa_level": assessment.mappa_level if assessment else None,
        "staff_id": holder.staff_id if holder else None,
        "practitioner_name": staff_name,
        "practitioner_key": f"{holder.surname} {holder.forename}".casefold() if holder else "",
        "practitioner_grade": holder.grade if holder else None,
        "team_id": holder.team_id if holder else None,
        "team_name": (holder.team_name or "") if holder else "",
        "pod_id": holder.pod_id if holder else None,
        "pod_name": (holder.pod_name or "") if holder else "",
        "allocated_on": holder.start_date if holder else None,
        "unallocated": holder is None,
        "female_practitioner_requested": person.female_practitioner_requested,
        "upw_hours_ordered": event.upw_hours_ordered,
        "upw_hours_completed": event.upw_hours_completed,
        "version": person.version,
    }
