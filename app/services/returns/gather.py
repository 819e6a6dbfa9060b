"""Gathering a week's facts for the return's caseload, allocation and workload sections.

Every fact is read with its date, so the domain works out each figure as at
the end of the week (:mod:`app.domain.returns`): a tier or RoSH recorded
after the week, an allocation begun after it or a case ended after it
change nothing in that week's figures. Five statements for the cases of one
PDU, whatever its size (each joined on the PDU and kept to the people who can
count), and those of :func:`practitioner_loads`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.db.models import Allocation, Assessment, Event, Person, TierRecord
from app.domain.cases import EventFacts
from app.domain.codes import Grade, Rosh, SentenceType
from app.domain.returns import AllocationSpan, CaseFacts, Week
from app.domain.returns_workload import PractitionerFacts
from app.domain.workload import WorkloadSettings
from app.services.teams.workload import practitioner_loads

LOOK_BACK_DAYS = 31
"""Sentences ended this long before the week cannot touch its figures; they are not read."""


def _relevant_people(pdu_id: int, week: Week) -> Any:
    """The PDU's people with a sentence begun by the week's end and not long ended before it."""
    cutoff = week.starting - timedelta(days=LOOK_BACK_DAYS)
    return (
        select(Event.person_id)
        .join(Person, Person.id == Event.person_id)
        .where(
            Person.pdu_id == pdu_id,
            Event.sentence_date <= week.ending,
            or_(Event.end_date.is_(None), Event.end_date >= cutoff),
            or_(Event.ended_on.is_(None), Event.ended_on >= cutoff),
            or_(Person.ended_on.is_(None), Person.ended_on >= cutoff),
        )
        .distinct()
    )


def _earliest(*days: date | None) -> date | None:
    known = [d for d in days if d is not None]
    return min(known, default=None)


def _rows(session: Session, query: Any) -> Any:
    """Plain rows through the session's connection: no ORM result processing (thousands)."""
    return session.connection().execute(query)


def _of_pdu(query: Any, column: Any, pdu_id: int) -> Any:
    """The query's rows of the PDU's people (a join on the indexed PDU, not a long IN list)."""
    return query.join(Person, Person.id == column).where(Person.pdu_id == pdu_id)


def _events(session: Session, pdu_id: int, people: set[int]) -> dict[int, list[EventFacts]]:
    out: dict[int, list[EventFacts]] = defaultdict(list)
    query = (
        select(
            Event.id,
            Event.person_id,
            Event.sentence_type,
            Event.sentence_date,
            Event.release_date,
            Event.end_date,
            Event.ended_on,
            Person.ended_on,
        )
        .join(Person, Person.id == Event.person_id)
        .where(Person.pdu_id == pdu_id)
        .order_by(Event.id)
    )
    for eid, pid, kind, sentenced, released, end, ended, person_ended in _rows(session, query):
        if pid not in people:
            continue
        facts = EventFacts(
            eid, SentenceType(kind), sentenced, released, end, _earliest(ended, person_ended)
        )
        out[pid].append(facts)
    return out


def _tiers(
    session: Session, pdu_id: int, people: set[int]
) -> dict[int, list[tuple[date, str | None]]]:
    out: dict[int, list[tuple[date, str | None]]] = defaultdict(list)
    query = select(TierRecord.person_id, TierRecord.effective_date, TierRecord.tier)
    query = _of_pdu(query, TierRecord.person_id, pdu_id).order_by(TierRecord.id)
    for pid, dated, tier in _rows(session, query):
        if pid in people:
            out[pid].append((dated, tier))
    return out


def _assessments(
    session: Session, pdu_id: int, people: set[int]
) -> tuple[dict[int, list[tuple[date, Rosh | None]]], dict[int, list[tuple[date, int | None]]]]:
    rosh: dict[int, list[tuple[date, Rosh | None]]] = defaultdict(list)
    mappa: dict[int, list[tuple[date, int | None]]] = defaultdict(list)
    query = select(
        Assessment.person_id,
        Assessment.assessment_date,
        Assessment.recorded_at,
        Assessment.rosh,
        Assessment.mappa_level,
    )
    query = _of_pdu(query, Assessment.person_id, pdu_id).order_by(Assessment.id)
    for pid, assessed, recorded, level, mappa_level in _rows(session, query):
        if pid not in people:
            continue
        dated = assessed or recorded.date()
        rosh[pid].append((dated, None if level is None else Rosh(level)))
        mappa[pid].append((dated, mappa_level))
    return rosh, mappa


def _allocations(
    session: Session, pdu_id: int, people: set[int]
) -> dict[int, list[AllocationSpan]]:
    out: dict[int, list[AllocationSpan]] = defaultdict(list)
    query = select(
        Allocation.person_id,
        Allocation.staff_id,
        Allocation.start_date,
        Allocation.end_date,
        Allocation.reason,
        Allocation.policy_reason,
    )
    query = (
        _of_pdu(query, Allocation.person_id, pdu_id)
        .where(Allocation.corrected_at.is_(None))  # undone as a mistake: counted in no figure
        .order_by(Allocation.id)
    )
    for pid, staff, start, end, reason, policy_reason in _rows(session, query):
        if pid in people:
            out[pid].append(AllocationSpan(staff, start, end, reason, bool(policy_reason)))
    return out


def gather_cases(session: Session, pdu_id: int, week: Week) -> tuple[CaseFacts, ...]:
    """Every case of the PDU that can count in the week, with its dated facts."""
    people = set(_rows(session, _relevant_people(pdu_id, week)).scalars())
    events = _events(session, pdu_id, people)
    tiers = _tiers(session, pdu_id, people)
    rosh, mappa = _assessments(session, pdu_id, people)
    allocations = _allocations(session, pdu_id, people)
    return tuple(
        CaseFacts(
            pid,
            tuple(evs),
            tuple(tiers.get(pid, ())),
            tuple(rosh.get(pid, ())),
            tuple(mappa.get(pid, ())),
            tuple(allocations.get(pid, ())),
        )
        for pid, evs in sorted(events.items())
    )


def gather_practitioners(
    session: Session, pdu_id: int, as_at: date, settings: WorkloadSettings
) -> tuple[PractitionerFacts, ...]:
    """The PDU's PO, PQiP and PSO staff in post on ``as_at``, with the points their hours allow."""
    return tuple(
        PractitionerFacts(
            staff_id=p.staff_id,
            grade=Grade(p.grade),
            available_points=p.load.available,
            team=p.team_name,
            pod=p.pod_name,
        )
        for p in practitioner_loads(session, pdu_id, as_at, settings)
    )
