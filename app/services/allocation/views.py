"""What the SPO looks at beside the ranking: a practitioner's drill-down, the team's
recent allocations, and the teams and PODs with their capacity (SPEC.md 4.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.db.models import Allocation, AppUser, CaseloadRow, Person, Pod, Reduction, Staff, Team
from app.domain.codes import ReallocationReason, Role
from app.domain.workload import Reduction as ReductionRule
from app.domain.workload import ReductionReason, ReductionStatus
from app.services.caseload.search import FilterOptions, filter_options
from app.services.core.actor import Actor
from app.services.core.errors import NotFound
from app.services.teams.workload import PractitionerSummary, practitioner_loads

LOOK_AHEAD_DAYS = 28
"""Cases ending and releases due "in the next 4 weeks" (SPEC.md 4.3)."""


@dataclass(frozen=True)
class ReductionView:
    """A reduction of hours, and whether it is scheduled, active or ended (DOMAIN.md 4a)."""

    start: date
    end: date | None
    hours_per_week: float
    reason: str
    note: str
    status: ReductionStatus


@dataclass(frozen=True)
class CaseDate:
    """A case held and the date that matters about it (end, release, allocation)."""

    person_id: int
    crn: str
    name: str
    day: date


@dataclass(frozen=True)
class Drilldown:
    """A practitioner in detail, for the allocation desk (SPEC.md 4.3)."""

    practitioner: PractitionerSummary
    points_available: float
    points_held: int
    points_left: float
    reductions: tuple[ReductionView, ...]
    next_reduction_change: date | None
    cases_ending: tuple[CaseDate, ...]
    releases_due: tuple[CaseDate, ...]
    last_allocated: CaseDate | None


def _reason_label(reason: str, is_absence: bool) -> str:
    known = {r.value for r in ReductionReason}
    label = ReductionReason(reason).label if reason in known else reason.replace("_", " ").title()
    return f"Absence ({label.lower()})" if is_absence else label


def _reductions(session: Session, staff_id: int, as_at: date) -> tuple[ReductionView, ...]:
    views = []
    for r in session.scalars(
        select(Reduction).where(Reduction.staff_id == staff_id).order_by(Reduction.start_date)
    ):
        rule = ReductionRule(r.start_date, r.end_date, r.hours_per_week, r.reason)
        views.append(
            ReductionView(
                r.start_date,
                r.end_date,
                r.hours_per_week,
                _reason_label(r.reason, r.is_absence),
                r.note,
                rule.status(as_at),
            )
        )
    return tuple(v for v in views if v.status != "ended")


def _held_dates(
    session: Session, staff_id: int, column: InstrumentedAttribute[date | None], as_at: date
) -> tuple[CaseDate, ...]:
    """Cases held whose ``column`` date falls in the next 4 weeks."""
    until = as_at + timedelta(days=LOOK_AHEAD_DAYS)
    rows = session.execute(
        select(
            CaseloadRow.person_id,
            CaseloadRow.crn,
            CaseloadRow.surname,
            CaseloadRow.forename,
            column,
        )
        .where(CaseloadRow.staff_id == staff_id, column >= as_at, column <= until)
        .order_by(column, CaseloadRow.crn)
    )
    return tuple(
        CaseDate(pid, crn, f"{s.upper()}, {f}", day) for pid, crn, s, f, day in rows if day
    )


def _last_allocated(session: Session, staff_id: int, as_at: date) -> CaseDate | None:
    row = session.execute(
        select(Person.id, Person.crn, Person.surname, Person.forename, Allocation.start_date)
        .join(Person, Person.id == Allocation.person_id)
        .where(Allocation.staff_id == staff_id, Allocation.start_date <= as_at)
        .order_by(Allocation.start_date.desc(), Allocation.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    pid, crn, surname, forename, day = row
    return CaseDate(pid, crn, f"{surname.upper()}, {forename}", day)


def practitioner_drilldown(session: Session, staff_id: int, as_at: date) -> Drilldown:
    """Points available, held and left; reductions; what changes in the next 4 weeks."""
    pdu_id = session.scalar(select(Staff.pdu_id).where(Staff.id == staff_id))
    if pdu_id is None:
        raise NotFound("That practitioner is no longer on the staff list.")
    found = practitioner_loads(session, pdu_id, as_at, staff_ids=[staff_id])
    if not found:
        raise NotFound("That member of staff is not a practitioner in post.")
    p = found[0]
    return Drilldown(
        practitioner=p,
        points_available=p.load.available,
        points_held=p.load.points_held,
        points_left=p.points_left,
        reductions=_reductions(session, staff_id, as_at),
        next_reduction_change=p.next_reduction_change,
        cases_ending=_held_dates(session, staff_id, CaseloadRow.end_date, as_at),
        releases_due=_held_dates(session, staff_id, CaseloadRow.release_date, as_at),
        last_allocated=_last_allocated(session, staff_id, as_at),
    )


# --- The team's recent allocations -----------------------------------------------------


@dataclass(frozen=True)
class RecentAllocation:
    """One allocation of the last 30 days: who, to whom, when, outside policy?"""

    allocation_id: int
    person_id: int
    crn: str
    name: str
    start_date: date
    staff_id: int
    practitioner: str
    grade: str
    team_name: str
    pod_name: str
    allocated_by: str
    reason: str
    note: str
    outside_policy: bool
    policy_reason: str
    ended: date | None


def _reallocation_label(code: str | None) -> str:
    if code is None:
        return "New case"
    known = {r.value for r in ReallocationReason}
    return ReallocationReason(code).label if code in known else code


def home_team(session: Session, actor: Actor) -> int | None:
    """The team an SPO works for: the one they lead, else the one they sit in.

    None for anyone else, and for an SPO account with no staff record: they
    see every team of the PDU (SPEC.md 1).
    """
    if actor.role is not Role.SPO or actor.staff_id is None:
        return None
    led = session.scalar(
        select(Team.id).where(Team.spo_id == actor.staff_id).order_by(Team.name, Team.id).limit(1)
    )
    if led is not None:
        return led
    return session.scalar(select(Staff.team_id).where(Staff.id == actor.staff_id))


def team_choices(
    session: Session, pdu_id: int, as_at: date, actor: Actor
) -> tuple[FilterOptions, int | None]:
    """The PDU's teams for the desk's team filter, and the one to start on (an SPO's own)."""
    return filter_options(session, pdu_id, as_at), home_team(session, actor)


def team_allocations(
    session: Session, pdu_id: int, as_at: date, days: int = 30, *, team_id: int | None = None
) -> list[RecentAllocation]:
    """The allocations of the last ``days`` days, newest first (SPEC.md 4.3).

    ``team_id`` keeps those to practitioners of one team (an SPO's, see
    :func:`home_team`); None lists the whole PDU's.
    """
    since = as_at - timedelta(days=days)
    query = (
        select(Allocation, Person, Staff, Team.name, Pod.name, AppUser.display_name)
        .join(Person, Person.id == Allocation.person_id)
        .join(Staff, Staff.id == Allocation.staff_id)
        .outerjoin(Team, Team.id == Staff.team_id)
        .outerjoin(Pod, Pod.id == Staff.pod_id)
        .outerjoin(AppUser, AppUser.id == Allocation.allocated_by)
        .where(
            Person.pdu_id == pdu_id,
            Allocation.start_date > since,
            Allocation.start_date <= as_at,
            Allocation.corrected_at.is_(None),  # undone as a mistake: not an allocation
        )
        .order_by(Allocation.start_date.desc(), Allocation.id.desc())
    )
    if team_id is not None:
        query = query.where(Staff.team_id == team_id)
    rows = session.execute(query)
    return [
        RecentAllocation(
            allocation_id=a.id,
            person_id=p.id,
            crn=p.crn,
            name=f"{p.surname.upper()}, {p.forename}",
            start_date=a.start_date,
            staff_id=s.id,
            practitioner=f"{s.forename} {s.surname}",
            grade=s.grade,
            team_name=team or "",
            pod_name=pod or "",
            allocated_by=by or "",
            reason=_reallocation_label(a.reason),
            note=a.note,
            outside_policy=a.outside_policy,
            policy_reason=a.policy_reason,
            ended=a.end_date,
        )
        for a, p, s, team, pod, by in rows
    ]


# --- Teams, PODs and practitioners ------------------------------------------------------


@dataclass(frozen=True)
class PodGroup:
    """A POD and its practitioners; ``pod_id`` None gathers those in no POD."""

    pod_id: int | None
    name: str
    practitioners: tuple[PractitionerSummary, ...]

    @property
    def capacity_percent(self) -> float | None:
        return _capacity(self.practitioners)


@dataclass(frozen=True)
class PodTeamView:
    """A team with its SPO and PODs; ``team_id`` None gathers those in no team."""

    team_id: int | None
    name: str
    spo_name: str
    pods: tuple[PodGroup, ...]

    @property
    def practitioners(self) -> tuple[PractitionerSummary, ...]:
        return tuple(p for pod in self.pods for p in pod.practitioners)

    @property
    def capacity_percent(self) -> float | None:
        return _capacity(self.practitioners)


def _capacity(people: tuple[PractitionerSummary, ...]) -> float | None:
    """Points held over points available, for a group (DOMAIN.md 4a)."""
    available = sum(p.load.available for p in people)
    if available <= 0:
        return None
    return sum(p.load.points_held for p in people) / available * 100


def pod_team_view(session: Session, pdu_id: int, as_at: date) -> list[PodTeamView]:
    """Teams, then PODs, then practitioners with their capacity (SPEC.md 4.3; TOM 855)."""
    spo = Staff.__table__.alias("spo")
    teams = session.execute(
        select(Team.id, Team.name, spo.c.forename, spo.c.surname)
        .outerjoin(spo, spo.c.id == Team.spo_id)
        .where(Team.pdu_id == pdu_id)
        .order_by(Team.name)
    ).all()
    pods = session.execute(
        select(Pod.id, Pod.team_id, Pod.name)
        .join(Team, Team.id == Pod.team_id)
        .where(Team.pdu_id == pdu_id)
        .order_by(Pod.name)
    ).all()
    people = practitioner_loads(session, pdu_id, as_at)
    known: set[int | None] = {pid for pid, _t, _n in pods}
    views = []
    for team_id, name, forename, surname in [*teams, (None, "No team", None, None)]:
        groups = [
            PodGroup(pid, pname, tuple(p for p in people if p.pod_id == pid))
            for pid, tid, pname in pods
            if tid == team_id
        ]
        known = {pid for pid, _t, _n in pods}
        loose = tuple(
            p
            for p in people
            if p.team_id == team_id and (p.pod_id is None or p.pod_id not in known)
        )
        if loose:
            groups.append(PodGroup(None, "No POD", loose))
        spo_name = f"{forename} {surname}" if forename else ""
        if team_id is not None or loose:
            views.append(PodTeamView(team_id, name, spo_name, tuple(groups)))
    return views
