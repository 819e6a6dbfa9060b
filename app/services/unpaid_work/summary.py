"""A person's unpaid work: hours, ETE, travel, each deadline with its state, at risk, history.

Shown by the unpaid work screen's person view and the caseload's detail panel
(issue 18 point 6). Hours worked come from two sources: the extract's hours
as at its import plus the app's credits for later sessions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Person
from app.db.upw_models import (
    UpwAttendance,
    UpwPlacement,
    UpwProject,
    UpwSession,
    UpwStandDown,
)
from app.domain.unpaid_work import Outcome, StandDownReason
from app.domain.unpaid_work_deadlines import completion_date, is_at_risk, milestones
from app.domain.unpaid_work_hours import CreditedSession, HoursSummary, hours_summary
from app.services.core.actor import Actor
from app.services.core.errors import NotFound
from app.services.core.permissions import guarded_read
from app.services.unpaid_work import access
from app.services.unpaid_work.facts import credits_of
from app.services.unpaid_work.requirements import RequirementRecord, load_requirements
from app.services.unpaid_work.rules import PduRules, pdu_rules


@dataclass(frozen=True)
class MilestoneView:
    label: str
    due: date
    done_on: date | None
    state: str
    state_label: str
    is_open: bool


@dataclass(frozen=True)
class HistoryRow:
    """One booking of the person's: the session and what it credited."""

    placement_id: int
    session_id: int
    day: date
    project: str
    start: time
    end: time
    outcome: str | None
    outcome_label: str
    work_minutes: int
    travel_minutes: int
    ete_minutes: int
    stood_down: str
    notice_due: date | None


@dataclass(frozen=True)
class RequirementSummary:
    requirement_id: int
    version: int
    sentence_date: date
    hours: HoursSummary
    ete_share_percent: float
    intensive: bool
    all_male_group_consent: bool
    completed_on: date | None
    terminated_on: date | None
    extended_to: date | None
    completion_date: date
    milestones: tuple[MilestoneView, ...]
    at_risk: bool
    running: bool
    history: tuple[HistoryRow, ...]


@dataclass(frozen=True)
class PersonUpw:
    person_id: int
    crn: str
    name: str
    gender: str | None
    requirements: tuple[RequirementSummary, ...]

    @property
    def current(self) -> RequirementSummary | None:
        """The latest requirement still running, else the latest."""
        running = [r for r in self.requirements if r.running]
        found = running or list(self.requirements)
        return found[0] if found else None


def hours_of(
    record: RequirementRecord,
    credits: Sequence[CreditedSession],
    rules: PduRules,
    as_at: date,
) -> HoursSummary:
    """The requirement's hours as at a day, within its ETE allowance (the PDU's or its own)."""
    share = record.ete_share_percent
    return hours_summary(
        record.ordered_minutes,
        credits,
        ete_share_percent=rules.ete_share_percent if share is None else share,
        as_at=as_at,
        extract=record.extract,
    )


def has_requirement(session: Session, person_id: int) -> bool:
    """Whether the person has an unpaid work requirement at all (one indexed look-up)."""
    from app.db.upw_models import UpwRequirement

    found = session.scalar(
        select(UpwRequirement.id).where(UpwRequirement.person_id == person_id).limit(1)
    )
    return found is not None


@guarded_read(*access.READING, action=access.SEE)
def person_summary(
    session: Session, actor: Actor, person_id: int, as_at: date | None = None
) -> PersonUpw:
    """Everything about a person's unpaid work as at a day (today by default)."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("That case no longer exists.")
    access.require_pdu(actor, person.pdu_id, access.SEE)
    return summary_of(session, person_id, as_at)


def summary_of(session: Session, person_id: int, as_at: date | None = None) -> PersonUpw:
    """The summary without a scope check: for the caseload's detail panel, which reads
    the case itself (and, like the caseload, takes no actor yet)."""
    day = as_at or clock.today()
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("That case no longer exists.")
    records = load_requirements(session, person_id)
    rules = pdu_rules(session, person.pdu_id, day)
    credits = credits_of(session, [r.id for r in records])
    history = _history(session, person_id)
    found = []
    for record in records:
        hours = hours_of(record, credits.get(record.id, []), rules, day)
        found.append(_summary(record, hours, rules, day, history.get(record.id, ())))
    return PersonUpw(
        person.id,
        person.crn,
        f"{person.forename} {person.surname}",
        person.gender,
        tuple(found),
    )


def _summary(
    record: RequirementRecord,
    hours: HoursSummary,
    rules: PduRules,
    day: date,
    history: tuple[HistoryRow, ...],
) -> RequirementSummary:
    facts = record.facts
    steps = milestones(facts, day, rules.calendar, rules.settings)
    share = (
        rules.ete_share_percent if record.ete_share_percent is None else record.ete_share_percent
    )
    return RequirementSummary(
        requirement_id=record.id,
        version=record.version,
        sentence_date=facts.sentence_date,
        hours=hours,
        ete_share_percent=share,
        intensive=facts.intensive,
        all_male_group_consent=record.all_male_group_consent,
        completed_on=facts.completed_on,
        terminated_on=facts.terminated_on,
        extended_to=facts.extended_to,
        completion_date=completion_date(facts.sentence_date, rules.settings, facts.extended_to),
        milestones=tuple(
            MilestoneView(
                m.kind.label, m.due, m.done_on, m.state.value, m.state.label, m.state.is_open
            )
            for m in steps
        ),
        at_risk=is_at_risk(facts, hours.remaining_minutes, day, rules.settings),
        running=facts.is_running(day),
        history=history,
    )


def _history(session: Session, person_id: int) -> dict[int, tuple[HistoryRow, ...]]:
    rows = session.execute(
        select(UpwPlacement, UpwSession, UpwProject.name, UpwAttendance, UpwStandDown.reason)
        .join(UpwSession, UpwSession.id == UpwPlacement.session_id)
        .join(UpwProject, UpwProject.id == UpwSession.project_id)
        .outerjoin(UpwAttendance, UpwAttendance.placement_id == UpwPlacement.id)
        .outerjoin(UpwStandDown, UpwStandDown.session_id == UpwSession.id)
        .where(UpwPlacement.person_id == person_id)
        .order_by(UpwSession.day.desc(), UpwSession.start_time.desc())
    ).all()
    found: dict[int, list[HistoryRow]] = {}
    for placement, row, project, attendance, reason in rows:
        outcome = Outcome(attendance.outcome) if attendance is not None else None
        why = reason or (attendance.sent_away_reason if attendance is not None else None)
        found.setdefault(placement.requirement_id, []).append(
            HistoryRow(
                placement.id,
                row.id,
                row.day,
                project,
                row.start_time,
                row.end_time,
                outcome.value if outcome else None,
                outcome.label if outcome else "Booked",
                attendance.work_minutes if attendance else 0,
                attendance.travel_minutes if attendance else 0,
                attendance.ete_minutes if attendance else 0,
                StandDownReason(why).label if why else "",
                attendance.notice_due if attendance else None,
            )
        )
    return {rid: tuple(items) for rid, items in found.items()}


@dataclass(frozen=True)
class PersonChoice:
    person_id: int
    crn: str
    name: str


@guarded_read(*access.READING, action=access.SEE)
def find_people(
    session: Session, actor: Actor, pdu_id: int, text: str = "", limit: int = 200
) -> list[PersonChoice]:
    """People of the PDU with an unpaid work requirement, by CRN or name (all when blank)."""
    access.require_pdu(actor, pdu_id, access.SEE)
    from app.db.upw_models import UpwRequirement

    query = (
        select(Person.id, Person.crn, Person.forename, Person.surname)
        .where(
            Person.pdu_id == pdu_id,
            Person.id.in_(select(UpwRequirement.person_id)),
        )
        .order_by(Person.surname, Person.forename, Person.crn)
        .limit(limit)
    )
    wanted = text.strip()
    if wanted:
        like = f"%{wanted}%"
        query = query.where(
            Person.crn.ilike(like) | Person.surname.ilike(like) | Person.forename.ilike(like)
        )
    return [PersonChoice(pid, crn, f"{f} {s}") for pid, crn, f, s in session.execute(query)]
