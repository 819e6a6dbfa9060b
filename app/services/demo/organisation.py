"""The demo PDU's people at work: teams, PODs, staff, their hours and reductions.

Pure planning: every value comes from the seeded random generators and the
as-at date, so the same seed on the same day plans the same organisation.
Like a real PDU it has part-timers, PQiPs in each stage of their programme
(months 0-6, 6-12 and 12-18), someone off sick, someone going on leave in the
coming days, a practitioner leaving this week who still holds cases, and
caseloads spread from about 55% to 125% of capacity, a few over 110%
(each practitioner's ``target``, which :mod:`app.services.demo.allocation` fills).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from app.domain.codes import Grade, Specialism
from app.domain.workload import (
    DEFAULT_SETTINGS,
    Reduction,
    ReductionReason,
    add_months,
    available_points,
    newly_qualified_reduction,
    pqip_reductions,
    reduction_hours_on,
)

TEAMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Leeds North West", "A", ("Headingley", "Horsforth", "Kirkstall")),
    ("Leeds East", "B", ("Harehills", "Seacroft", "Chapeltown")),
    ("Leeds South", "C", ("Beeston", "Morley", "Middleton")),
)
"""Each team's name, staff code letter and PODs (named after the areas they cover)."""

PRACTITIONER_GRADES = (Grade.PO,) * 21 + (Grade.PQIP,) * 9 + (Grade.PSO,) * 18
"""48 practitioners: 21 POs, 9 PQiPs (trainee POs) and 18 PSOs, about 1,500 cases' worth."""

# PQiP programme starts, in months ago: spread over the three reduction bands.
_PQIP_MONTHS_AGO = (2, 5, 7, 9, 12, 13, 15, 16, 17)
PART_TIME_HOURS = (30.0, 30.0, 30.0, 22.5, 22.5, 22.5, 18.5, 18.5)
"""Contracted hours of the part-timers among the POs and PSOs (a sixth of them)."""


def _spread(low: float, high: float, n: int) -> tuple[float, ...]:
    return tuple(round(low + (high - low) * i / (n - 1), 3) for i in range(n))


CAPACITY_TARGETS = (
    *_spread(0.55, 0.74, 6),  # room to spare: new starters, lighter caseloads
    *_spread(0.76, 0.99, 30),
    *_spread(1.01, 1.09, 8),  # over 100%: shown red
    *_spread(1.12, 1.25, 4),  # over 110%: flagged
)
"""The share of capacity each practitioner's cases fill, shuffled among them.

Real teams are uneven (TOM 779 asks the workload tool for an even spread
because they are): a demo where everyone sits at 85% leaves the allocation
ranking and the balance view nothing to show.
"""


@dataclass
class StaffPlan:
    """One member of staff to write, with their reductions."""

    staff_code: str
    forename: str
    surname: str
    grade: Grade
    gender: str
    contracted_hours: float
    team: int | None
    pod: int | None
    start_date: date
    specialisms: tuple[Specialism, ...] = ()
    reductions: list[Reduction] = field(default_factory=list)
    absences: list[Reduction] = field(default_factory=list)
    leave_date: date | None = None
    target: float = 0.85
    """The share of their capacity the demo fills with cases."""

    @property
    def is_practitioner(self) -> bool:
        return self.grade.is_practitioner

    def capacity_basis(self, today: date) -> float:
        """Points the practitioner's hours allow, leaving out absences.

        Someone off sick keeps their caseload (the POD covers it), so the demo
        shares cases by the hours people normally work.
        """
        hours = reduction_hours_on(self.reductions, self.contracted_hours, today)
        return available_points(DEFAULT_SETTINGS, self.grade, self.contracted_hours, hours)


@dataclass
class OrganisationPlan:
    """Teams (name, code), PODs (team index, name) and staff of the demo PDU."""

    teams: list[tuple[str, str]]
    pods: list[tuple[int, str]]
    staff: list[StaffPlan]

    @property
    def practitioners(self) -> list[StaffPlan]:
        return [s for s in self.staff if s.is_practitioner]


class _People:
    """Names and unique staff codes from the seeded generators."""

    def __init__(self, rng: random.Random, fake: Faker, taken: set[str]) -> None:
        self.rng = rng
        self.fake = fake
        self.numbers = iter(rng.sample(range(100, 1000), 900))
        self.taken = taken

    def code(self, letter: str) -> str:
        while True:
            code = f"N07{letter}{next(self.numbers):03d}"
            if code not in self.taken:
                self.taken.add(code)
                return code

    def member(
        self, grade: Grade, letter: str, team: int | None, pod: int | None, today: date
    ) -> StaffPlan:
        gender = "F" if self.rng.random() < 0.7 else "M"
        forename = self.fake.first_name_female() if gender == "F" else self.fake.first_name_male()
        years = self.rng.randint(1, 20)
        return StaffPlan(
            staff_code=self.code(letter),
            forename=forename,
            surname=self.fake.last_name(),
            grade=grade,
            gender=gender,
            contracted_hours=37.0,
            team=team,
            pod=pod,
            start_date=today - timedelta(days=365 * years + self.rng.randint(0, 364)),
        )


def plan_organisation(
    rng: random.Random, fake: Faker, today: date, taken_codes: set[str]
) -> OrganisationPlan:
    """Three teams of three PODs, each POD with practitioners and a case administrator."""
    people = _People(rng, fake, taken_codes)
    teams = [(name, f"N07{letter}") for name, letter, _pods in TEAMS]
    pods: list[tuple[int, str]] = []
    staff = [people.member(Grade.HEAD_OF_PDU, "H", None, None, today)]
    for t, (_name, letter, pod_names) in enumerate(TEAMS):
        staff.append(people.member(Grade.SPO, letter, t, None, today))
        for pod_name in pod_names:
            pods.append((t, pod_name))
            staff.append(people.member(Grade.CASE_ADMIN, letter, t, len(pods) - 1, today))
    for i, grade in enumerate(PRACTITIONER_GRADES):
        pod = i % len(pods)
        team = pods[pod][0]
        staff.append(people.member(grade, TEAMS[team][1], team, pod, today))
    plan = OrganisationPlan(teams, pods, staff)
    _add_part_timers(rng, plan.practitioners)
    _add_specialisms(rng, plan.practitioners)
    _add_reductions(rng, plan.practitioners, today)
    _add_absence_and_leaver(rng, plan.practitioners, today)
    _add_targets(rng, plan.practitioners)
    return plan


def _add_part_timers(rng: random.Random, practitioners: list[StaffPlan]) -> None:
    """A sixth of the POs and PSOs work part time (PQiPs are full time on the programme)."""
    qualified = [p for p in practitioners if p.grade is not Grade.PQIP]
    for p, hours in zip(rng.sample(qualified, len(PART_TIME_HOURS)), PART_TIME_HOURS, strict=True):
        p.contracted_hours = hours


def _plain(practitioners: list[StaffPlan], grade: Grade) -> list[StaffPlan]:
    """Full-time practitioners of a grade with no reduction, absence or leave date yet."""
    return [
        p
        for p in practitioners
        if p.grade is grade
        and p.contracted_hours == 37.0
        and not p.reductions
        and not p.absences
        and p.leave_date is None
    ]


def _add_absence_and_leaver(
    rng: random.Random, practitioners: list[StaffPlan], today: date
) -> None:
    """A PSO going on leave in the coming days, and a PO leaving within five working days.

    Both still hold their cases, as they would: the allocation desk should
    rank them after those available, and the leaver's cases need moving.
    """
    going = _plain(practitioners, Grade.PSO)[-1]
    start = _weekday_on_or_after(today + timedelta(days=rng.randint(1, 2)))
    going.absences = [
        Reduction(
            start=start,
            end=start + timedelta(weeks=rng.randint(2, 4), days=-1),
            hours_per_week=going.contracted_hours,
            reason=ReductionReason.SPECIAL_LEAVE,
            note="Planned leave",
        )
    ]
    leaver = _plain(practitioners, Grade.PO)[-1]
    leaver.leave_date = _weekday_on_or_after(today + timedelta(days=rng.randint(2, 3)))


def _weekday_on_or_after(day: date) -> date:
    """Monday to Friday: at most two days later (bank holidays aside)."""
    return day + timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def _add_targets(rng: random.Random, practitioners: list[StaffPlan]) -> None:
    """Each practitioner's share of capacity to fill, from :data:`CAPACITY_TARGETS`."""
    targets = list(CAPACITY_TARGETS)
    rng.shuffle(targets)
    for p, target in zip(practitioners, targets, strict=True):
        p.target = target


def _add_specialisms(rng: random.Random, practitioners: list[StaffPlan]) -> None:
    """Women concentrators (two per team), young adults and domestic abuse leads."""
    women = [p for p in practitioners if p.gender == "F" and p.grade is not Grade.PQIP]
    for p in rng.sample(women, min(6, len(women))):
        p.specialisms += (Specialism.WOMEN,)
    for p in rng.sample(practitioners, 5):
        p.specialisms += (Specialism.YOUNG_ADULTS,)
    for p in rng.sample([p for p in practitioners if p.grade is Grade.PO], 5):
        p.specialisms += (Specialism.DOMESTIC_ABUSE,)
    for p in practitioners:
        p.specialisms = tuple(sorted(set(p.specialisms)))


def _add_reductions(rng: random.Random, practitioners: list[StaffPlan], today: date) -> None:
    """PQiP programme bands, a newly qualified PO, a union rep and one sickness absence."""
    pqips = [p for p in practitioners if p.grade is Grade.PQIP]
    for p, months in zip(pqips, _PQIP_MONTHS_AGO, strict=False):
        p.contracted_hours = 37.0
        p.start_date = add_months(today, -months) - timedelta(days=rng.randint(0, 20))
        p.reductions = pqip_reductions(p.start_date, p.contracted_hours, DEFAULT_SETTINGS)
    pos = [p for p in practitioners if p.grade is Grade.PO and p.contracted_hours == 37.0]
    newly, union, sick = pos[-1], pos[-2], pos[-3]
    newly.start_date = add_months(today, -3)
    newly.reductions = [
        newly_qualified_reduction(newly.start_date, newly.contracted_hours, DEFAULT_SETTINGS)
    ]
    union.reductions = [
        Reduction(
            start=add_months(today, -14),
            end=None,
            hours_per_week=round(union.contracted_hours * 0.2, 2),
            reason=ReductionReason.TRADE_UNION,
            note="Union branch facility time",
        )
    ]
    sick.absences = [
        Reduction(
            start=today - timedelta(days=rng.randint(5, 15)),
            end=today + timedelta(days=rng.randint(10, 30)),
            hours_per_week=sick.contracted_hours,
            reason=ReductionReason.SICKNESS,
            note="Fit note",
        )
    ]
