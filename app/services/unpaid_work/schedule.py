"""The weekly schedule: projects by day for one week, and the people there are to book.

Each cell is one session: its supervisor, places filled of places, and the
warnings of the booking rules (no supervisor, over capacity, a woman alone
in an all-male group without her consent, high RoSH on a project not marked
suitable, booked twice on one day). Read in a handful of statements, so the
grid of a PDU with 20 projects and 600 people opens in well under 200 ms
(issue 18 point 10).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import CaseloadRow, Event, Person, Staff
from app.db.upw_models import (
    UpwAttendance,
    UpwPlacement,
    UpwProject,
    UpwRequirement,
    UpwSession,
    UpwStandDown,
)
from app.domain.unpaid_work import Notice, Outcome, ProjectType, StandDownReason
from app.domain.unpaid_work_booking import PersonFacts, SessionFacts, session_warnings, worst
from app.domain.unpaid_work_deadlines import RequirementFacts, is_at_risk
from app.domain.unpaid_work_hours import ete_allowance_minutes
from app.services.core.actor import Actor
from app.services.core.permissions import guarded_read
from app.services.unpaid_work import access
from app.services.unpaid_work.facts import people_facts, session_facts_of
from app.services.unpaid_work.projects import days_of
from app.services.unpaid_work.rules import PduRules, pdu_rules


def week_of(day: date) -> date:
    """The Monday of the week a day falls in."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class BookedPerson:
    placement_id: int
    person_id: int
    crn: str
    name: str
    outcome: str | None
    outcome_label: str


@dataclass(frozen=True)
class GridCell:
    """One session in the grid."""

    session_id: int
    version: int
    project_id: int
    day: date
    start: time
    end: time
    supervisor_id: int | None
    supervisor: str
    places: int
    people: tuple[BookedPerson, ...]
    warnings: tuple[str, ...]
    severity: str | None
    stood_down: str
    notice: str

    @property
    def booked(self) -> int:
        return len(self.people)

    @property
    def recorded(self) -> int:
        return sum(1 for p in self.people if p.outcome is not None)


@dataclass(frozen=True)
class GridProject:
    project_id: int
    code: str
    name: str
    type_label: str
    days: frozenset[int]
    places: int
    women_only: bool
    high_rosh_suitable: bool


@dataclass(frozen=True)
class WeekGrid:
    pdu_id: int
    week_start: date
    projects: tuple[GridProject, ...]
    cells: tuple[GridCell, ...]

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.week_start + timedelta(days=n) for n in range(7))

    def cell(self, project_id: int, day: date) -> GridCell | None:
        for c in self.cells:
            if c.project_id == project_id and c.day == day:
                return c
        return None


def _week_grid(session: Session, pdu_id: int, week_start: date, warnings: bool = True) -> WeekGrid:
    """The grid of one week (Monday to Sunday) for a PDU's active projects, with warnings."""
    monday = week_of(week_start)
    sunday = monday + timedelta(days=6)
    projects = list(
        session.scalars(
            select(UpwProject)
            .where(UpwProject.pdu_id == pdu_id, UpwProject.active.is_(True))
            .order_by(UpwProject.name, UpwProject.code)
        )
    )
    by_id = {p.id: p for p in projects}
    rows = session.execute(
        select(UpwSession, Staff.forename, Staff.surname, UpwStandDown.reason, UpwStandDown.notice)
        .join(UpwProject, UpwProject.id == UpwSession.project_id)
        .outerjoin(Staff, Staff.id == UpwSession.supervisor_id)
        .outerjoin(UpwStandDown, UpwStandDown.session_id == UpwSession.id)
        .where(UpwProject.pdu_id == pdu_id, UpwSession.day >= monday, UpwSession.day <= sunday)
    ).all()
    rows = [r for r in rows if r[0].project_id in by_id]
    people = _booked(session, [r[0].id for r in rows])
    facts = {r[0].id: session_facts_of(r[0], by_id[r[0].project_id]) for r in rows}
    cells = tuple(_cell(r, people) for r in rows)
    if warnings:
        everyone = {p.person_id for c in cells if not c.stood_down for p in c.people}
        cells = _warn(cells, facts, people_facts(session, everyone))
    return WeekGrid(pdu_id, monday, tuple(_project(p) for p in projects), cells)


def _project(p: UpwProject) -> GridProject:
    return GridProject(
        p.id,
        p.code,
        p.name,
        ProjectType(p.project_type).label,
        days_of(p.days),
        p.places,
        p.women_only,
        p.high_rosh_suitable,
    )


def _booked(session: Session, session_ids: list[int]) -> dict[int, list[BookedPerson]]:
    found: dict[int, list[BookedPerson]] = defaultdict(list)
    if not session_ids:
        return found
    for placement_id, sid, pid, crn, forename, surname, outcome in session.execute(
        select(
            UpwPlacement.id,
            UpwPlacement.session_id,
            UpwPlacement.person_id,
            Person.crn,
            Person.forename,
            Person.surname,
            UpwAttendance.outcome,
        )
        .join(Person, Person.id == UpwPlacement.person_id)
        .outerjoin(UpwAttendance, UpwAttendance.placement_id == UpwPlacement.id)
        .where(UpwPlacement.session_id.in_(session_ids))
        .order_by(Person.surname, Person.forename)
    ):
        label = Outcome(outcome).label if outcome else "Booked"
        found[sid].append(
            BookedPerson(placement_id, pid, crn, f"{forename} {surname}", outcome, label)
        )
    return found


def _cell(
    row: tuple[UpwSession, str | None, str | None, str | None, str | None],
    people: dict[int, list[BookedPerson]],
) -> GridCell:
    s, forename, surname, reason, notice = row
    booked = people.get(s.id, [])
    return GridCell(
        session_id=s.id,
        version=s.version,
        project_id=s.project_id,
        day=s.day,
        start=s.start_time,
        end=s.end_time,
        supervisor_id=s.supervisor_id,
        supervisor=f"{forename} {surname}" if forename else "",
        places=s.places,
        people=tuple(booked),
        warnings=(),
        severity=None,
        stood_down=StandDownReason(reason).label if reason else "",
        notice=Notice(notice).label if notice else "",
    )


def _warn(
    cells: tuple[GridCell, ...], facts: dict[int, SessionFacts], people: dict[int, PersonFacts]
) -> tuple[GridCell, ...]:
    """Each open session's warnings (a stood-down session has none)."""
    open_cells = [c for c in cells if not c.stood_down]
    per_day: dict[tuple[int, date], list[SessionFacts]] = defaultdict(list)
    for c in open_cells:
        for p in c.people:
            per_day[(p.person_id, c.day)].append(facts[c.session_id])
    found_cells = []
    for c in cells:
        if c.stood_down:
            found_cells.append(c)
            continue
        booked = [people[p.person_id] for p in c.people if p.person_id in people]
        elsewhere: dict[int, Sequence[SessionFacts]] = {
            p.person_id: per_day[(p.person_id, c.day)] for p in c.people
        }
        found = session_warnings(facts[c.session_id], booked, elsewhere)
        severity = worst(found)
        found_cells.append(
            replace(
                c,
                warnings=tuple(w.message for w in found),
                severity=severity.value if severity else None,
            )
        )
    return tuple(found_cells)


@guarded_read(*access.READING, action=access.SEE)
def schedule(session: Session, actor: Actor, pdu_id: int, week_start: date) -> WeekGrid:
    """The weekly grid with its warnings: what the screen shows."""
    access.require_pdu(actor, pdu_id, access.SEE)
    return _week_grid(session, pdu_id, week_start)


# --- the people to book ---------------------------------------------------------------


@dataclass(frozen=True)
class BookablePerson:
    """A person with a running requirement and hours left, for booking from the grid."""

    person_id: int
    crn: str
    name: str
    gender: str | None
    rosh: str | None
    remaining_minutes: int
    ete_left_minutes: int
    at_risk: bool
    all_male_group_consent: bool


def _bookable(row: Any, day: date, rules: PduRules) -> BookablePerson | None:
    held = row.extract_on is not None and row.extract_on <= day
    extract = (row.extract_completed_minutes or 0) if held else 0
    remaining = max(0, row.ordered_minutes - extract - int(row.minutes or 0))
    if remaining <= 0:
        return None
    share = rules.ete_share_percent if row.ete_share_percent is None else row.ete_share_percent
    allowance = ete_allowance_minutes(row.ordered_minutes, share)
    facts = RequirementFacts(
        sentence_date=row.sentence_date, intensive=row.intensive, extended_to=row.extended_to
    )
    return BookablePerson(
        row.id,
        row.crn,
        f"{row.forename} {row.surname}",
        row.gender,
        row.rosh,
        remaining,
        max(0, min(allowance - int(row.ete or 0), remaining)),
        is_at_risk(facts, remaining, day, rules.settings),
        row.all_male_group_consent,
    )


@guarded_read(*access.READING, action=access.SEE)
def bookable_people(
    session: Session, actor: Actor, pdu_id: int, as_at: date | None = None
) -> list[BookablePerson]:
    """Everyone of the PDU with a running requirement and hours left, at risk first."""
    access.require_pdu(actor, pdu_id, access.SEE)
    day = as_at or clock.today()
    rules = pdu_rules(session, pdu_id, day)
    credited = (
        select(
            UpwPlacement.requirement_id.label("rid"),
            func.sum(
                case(
                    (
                        (UpwRequirement.extract_on.is_(None))
                        | (UpwSession.day > UpwRequirement.extract_on),
                        UpwAttendance.work_minutes + UpwAttendance.travel_minutes,
                    ),
                    else_=0,
                )
            ).label("minutes"),
            func.sum(UpwAttendance.ete_minutes).label("ete"),
        )
        .join(UpwPlacement, UpwPlacement.id == UpwAttendance.placement_id)
        .join(UpwSession, UpwSession.id == UpwPlacement.session_id)
        .join(UpwRequirement, UpwRequirement.id == UpwPlacement.requirement_id)
        .join(Person, Person.id == UpwRequirement.person_id)
        .where(Person.pdu_id == pdu_id, UpwSession.day <= day)
        .group_by(UpwPlacement.requirement_id)
        .subquery()
    )
    # Plain columns, not ORM objects: hundreds of people read in a few milliseconds.
    rows = session.execute(
        select(
            Person.id,
            Person.crn,
            Person.forename,
            Person.surname,
            Person.gender,
            CaseloadRow.rosh,
            UpwRequirement.ordered_minutes,
            UpwRequirement.extract_completed_minutes,
            UpwRequirement.extract_on,
            UpwRequirement.ete_share_percent,
            UpwRequirement.intensive,
            UpwRequirement.extended_to,
            UpwRequirement.all_male_group_consent,
            Event.sentence_date,
            credited.c.minutes,
            credited.c.ete,
        )
        .join(Event, Event.id == UpwRequirement.event_id)
        .join(Person, Person.id == UpwRequirement.person_id)
        .outerjoin(CaseloadRow, CaseloadRow.person_id == Person.id)
        .outerjoin(credited, credited.c.rid == UpwRequirement.id)
        .where(
            Person.pdu_id == pdu_id,
            Person.ended_on.is_(None),
            Event.sentence_date <= day,
            UpwRequirement.completed_on.is_(None),
            UpwRequirement.terminated_on.is_(None),
        )
        .order_by(Person.surname, Person.forename, Event.sentence_date.desc())
    ).all()
    found: dict[int, BookablePerson] = {}
    for row in rows:
        if row.id in found:
            continue
        person = _bookable(row, day, rules)
        if person is not None:
            found[row.id] = person
    return sorted(found.values(), key=lambda p: (not p.at_risk, p.name))
