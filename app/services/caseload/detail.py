"""One case in full: sentences, tier history, allocation history (SPEC.md 4.2)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Allocation, AppUser, Assessment, Event, Person, Staff, TierRecord
from app.services.caseload.tiers import explain
from app.services.core import settings
from app.services.core.errors import NotFound
from app.services.unpaid_work.summary import PersonUpw, has_requirement, summary_of


@dataclass(frozen=True)
class EventView:
    sentence_type: str
    sentence_date: date
    release_date: date | None
    end_date: date | None
    requirements: str
    upw_hours_ordered: float | None
    upw_hours_completed: float | None
    ended_on: date | None


@dataclass(frozen=True)
class TierView:
    tier: str | None
    effective_date: date
    protect_points: int | None
    change_points: int | None
    source: str
    explanation: str


@dataclass(frozen=True)
class AllocationView:
    practitioner: str
    grade: str
    start_date: date
    end_date: date | None
    allocated_by: str
    reason: str | None
    note: str
    outside_policy: bool
    policy_reason: str


@dataclass(frozen=True)
class CaseDetail:
    person_id: int
    crn: str
    forename: str
    surname: str
    date_of_birth: date | None
    gender: str | None
    female_practitioner_requested: bool
    ended_on: date | None
    version: int
    rosh: str | None
    rsr_percent: float | None
    ogrs_percent: int | None
    mappa_level: int | None
    assessment_date: date | None
    events: list[EventView]
    tiers: list[TierView]
    allocations: list[AllocationView]
    victim_contact: bool = False
    # The last day the full (layer 3) needs assessment counts for the tier, when there
    # is one (DOMAIN.md 3a: 55 weeks, a setting).
    full_assessment_valid_until: date | None = None
    unpaid_work: PersonUpw | None = None
    # The VCS case's VLO, when there is one: the caseload shows no more of victim contact.
    victim_liaison_officer: str = ""


def case_detail(session: Session, person_id: int) -> CaseDetail:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("That case no longer exists.")
    events = [
        EventView(
            e.sentence_type,
            e.sentence_date,
            e.release_date,
            e.end_date,
            e.requirements,
            e.upw_hours_ordered,
            e.upw_hours_completed,
            e.ended_on,
        )
        for e in session.scalars(
            select(Event).where(Event.person_id == person_id).order_by(Event.sentence_date.desc())
        )
    ]
    tiers = [
        TierView(
            t.tier + ("S" if t.unsupervised else "") if t.tier else None,
            t.effective_date,
            t.protect_points,
            t.change_points,
            t.source,
            t.explanation,
        )
        for t in session.scalars(
            select(TierRecord)
            .where(TierRecord.person_id == person_id)
            .order_by(TierRecord.id.desc())
        )
    ]
    if tiers and tiers[0].source == "computed" and not tiers[0].explanation:
        lines = explain(session, person_id, tiers[0].effective_date)
        tiers[0] = replace(tiers[0], explanation="\n".join(lines))
    allocations = [
        AllocationView(
            f"{s.forename} {s.surname}",
            s.grade,
            a.start_date,
            a.end_date,
            u or "",
            a.reason,
            a.note,
            a.outside_policy,
            a.policy_reason,
        )
        for a, s, u in session.execute(
            select(Allocation, Staff, AppUser.display_name)
            .join(Staff, Staff.id == Allocation.staff_id)
            .outerjoin(AppUser, AppUser.id == Allocation.allocated_by)
            .where(Allocation.person_id == person_id)
            .order_by(Allocation.start_date.desc(), Allocation.id.desc())
        )
    ]
    assessment = session.scalar(
        select(Assessment)
        .where(Assessment.person_id == person_id)
        .order_by(Assessment.id.desc())
        .limit(1)
    )
    valid_until = None
    if assessment is not None and assessment.has_full_assessment and assessment.assessment_date:
        weeks = int(settings.get(session, "assessment_valid_weeks", clock.today(), person.pdu_id))
        valid_until = assessment.assessment_date + timedelta(weeks=weeks)
    return CaseDetail(
        person_id=person.id,
        crn=person.crn,
        forename=person.forename,
        surname=person.surname,
        date_of_birth=person.date_of_birth,
        gender=person.gender,
        female_practitioner_requested=person.female_practitioner_requested,
        ended_on=person.ended_on,
        version=person.version,
        rosh=assessment.rosh if assessment else None,
        rsr_percent=assessment.rsr_percent if assessment else None,
        ogrs_percent=assessment.ogrs_percent if assessment else None,
        mappa_level=assessment.mappa_level if assessment else None,
        assessment_date=assessment.assessment_date if assessment else None,
        events=events,
        tiers=tiers,
        allocations=allocations,
        full_assessment_valid_until=valid_until,
        unpaid_work=summary_of(session, person_id) if has_requirement(session, person_id) else None,
    )
