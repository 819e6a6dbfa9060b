"""Keeps the flattened caseload table (``caseload_row``) in step with the records.

Services call :func:`refresh_cases` with the people they changed, in the same
transaction; the caseload screen then filters and sorts one indexed table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, or_, select, text
from sqlalchemy.orm import Session

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


def active_case_condition(as_at: date) -> ColumnElement[bool]:
    """Active on ``as_at``: sentenced on or before it, not ended on or before it (SPEC.md 7)."""
    return and_(
        CaseloadRow.sentence_date <= as_at,
        or_(CaseloadRow.end_date.is_(None), CaseloadRow.end_date > as_at),
    )


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
    people = session.execute(select(*_PERSON_COLUMNS).where(in_ids(Person.id, ids))).all()
    events: dict[int, list[Any]] = defaultdict(list)
    for ev in session.execute(select(*_EVENT_COLUMNS).where(in_ids(Event.person_id, ids))):
        events[ev.person_id].append(ev)
    tiers = latest_by_person(
        session.execute(
            select(TierRecord.person_id, TierRecord.tier, TierRecord.unsupervised)
            .where(in_ids(TierRecord.person_id, ids))
            .order_by(TierRecord.id)
        ).all()
    )
    assessments = latest_by_person(
        session.execute(
            select(
                Assessment.person_id,
                Assessment.rosh,
                Assessment.rsr_percent,
                Assessment.ogrs_percent,
                Assessment.mappa_level,
            )
            .where(in_ids(Assessment.person_id, ids))
            .order_by(Assessment.id)
        ).all()
    )
    holders = {
        row.person_id: row
        for row in session.execute(
            select(
                Allocation.person_id,
                Allocation.start_date,
                Staff.id.label("staff_id"),
                Staff.forename,
                Staff.surname,
                Staff.grade,
                Team.id.label("team_id"),
                Team.name.label("team_name"),
                Pod.id.label("pod_id"),
                Pod.name.label("pod_name"),
            )
            .join(Staff, Staff.id == Allocation.staff_id)
            .outerjoin(Team, Team.id == Staff.team_id)
            .outerjoin(Pod, Pod.id == Staff.pod_id)
            .where(in_ids(Allocation.person_id, ids), Allocation.end_date.is_(None))
        )
    }
    reviews: dict[int, int] = defaultdict(int)
    for (pid,) in session.execute(
        select(ReviewItem.person_id).where(
            in_ids(ReviewItem.person_id, ids), ReviewItem.resolved_on.is_(None)
        )
    ):
        reviews[pid] += 1
    out = []
    for person in people:
        row = _row(
            person,
            events.get(person.id, []),
            tiers.get(person.id),
            assessments.get(person.id),
            holders.get(person.id),
            as_at,
        )
        if row is not None:
            row["open_reviews"] = reviews.get(person.id, 0)
            out.append(row)
    return out


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
