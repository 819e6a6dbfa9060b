"""The demo PDU's people at work: teams, PODs, staff and their reductions.

Pure planning: every value comes from the seeded random generators and the
as-at date, so the same seed on the same day plans the same organisation.
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
_HOURS = (37.0, 30.0, 22.5, 18.5)
_HOURS_WEIGHTS = (90, 4, 3, 3)


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

    def _hours(self, grade: Grade) -> float:
        if not grade.is_practitioner:
            return 37.0
        return self.rng.choices(_HOURS, _HOURS_WEIGHTS)[0]

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
            contracted_hours=self._hours(grade),
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
    _add_specialisms(rng, plan.practitioners)
    _add_reductions(rng, plan.practitioners, today)
    return plan


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
