"""The demo's people on probation: who they are and what they were sentenced to.

Spreads follow a typical PDU: about 45% Community Orders, 15% Suspended
Sentence Orders, 30% Licence, 5% Post-Sentence Supervision and 5% custody
cases before release; about 15% women; a few people with more than one
sentence. A handful of new cases wait for allocation, sentenced 0-8 working
days ago, so the 5-working-day clock (TOM 775) shows every state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

from app.domain.calendar import WorkingCalendar
from app.domain.cases import allocation_clock_start
from app.domain.codes import Requirement, SentenceType
from app.domain.workload import add_months
from app.services.demo.risk import AssessmentPlan, assess, assessment_date, can_rise, staged_rise

_TYPES = tuple(SentenceType)
_TYPE_WEIGHTS = (45, 15, 30, 5, 5)  # CO, SSO, Licence, PSS, Custody
_NEW_TYPE_WEIGHTS = (55, 15, 25, 5, 0)
# Working days each waiting case has waited: 5 is due today, more is overdue.
WAITING_DAYS = (5, 6, 4, 8, 0, 3, 7, 1, 5, 2, 4, 6, 3, 0, 5, 7, 2, 1, 4, 8, 6, 3, 5, 2, 0, 4)
_CRN_LETTERS = "DEFGHJLMNPSTVX"
RISE_DAYS_AGO = 60
"""When the lower tier of the staged tier rises was recorded."""


@dataclass
class EventPlan:
    """One sentence to write (an ``event`` row)."""

    sentence_type: SentenceType
    sentence_date: date
    release_date: date | None
    end_date: date | None
    requirements: tuple[Requirement, ...] = ()
    upw_hours_ordered: float | None = None
    upw_hours_completed: float | None = None
    upw_assessment_date: date | None = None
    upw_start_date: date | None = None
    upw_intensive: bool = False
    ended_on: date | None = None


@dataclass(frozen=True)
class Who:
    """A person on probation's own details."""

    crn: str
    forename: str
    surname: str
    date_of_birth: date
    gender: str
    female_requested: bool


@dataclass
class CasePlan:
    """One person on probation: their sentences (main one last) and assessments."""

    who: Who
    events: list[EventPlan]
    assessment: AssessmentPlan | None
    waiting: bool = False
    earlier: AssessmentPlan | None = None

    @property
    def main(self) -> EventPlan:
        return self.events[-1]

    @property
    def clock_start(self) -> date:
        main = self.main
        return allocation_clock_start(main.sentence_type, main.sentence_date, main.release_date)

    @property
    def is_high(self) -> bool:
        return self.assessment is not None and self.assessment.is_high


def waiting_count(cases: int) -> int:
    """How many new cases wait for allocation: about 24 in 1,500, never under 8."""
    return max(8, min(len(WAITING_DAYS), round(cases * 0.016)))


def rise_count(cases: int) -> int:
    """How many allocated cases get a staged tier rise (an open review)."""
    return max(2, min(8, cases // 250))


class _Namer:
    def __init__(self, rng: random.Random, fake: Faker, taken: set[str]) -> None:
        self.rng, self.fake, self.taken = rng, fake, taken

    def crn(self) -> str:
        while True:
            crn = f"{self.rng.choice(_CRN_LETTERS)}{self.rng.randint(100000, 999999)}"
            if crn not in self.taken:
                self.taken.add(crn)
                return crn

    def person(self, today: date) -> Who:
        roll = self.rng.random()
        gender = "F" if roll < 0.15 else "X" if roll < 0.155 else "M"
        female = gender == "F" or (gender == "X" and self.rng.random() < 0.5)
        forename = self.fake.first_name_female() if female else self.fake.first_name_male()
        young = self.rng.random() < 0.22
        age = self.rng.randint(18, 25) if young else int(self.rng.triangular(26, 72, 34))
        return Who(
            crn=self.crn(),
            forename=forename,
            surname=self.fake.last_name(),
            date_of_birth=today - timedelta(days=365 * age + self.rng.randint(0, 364)),
            gender=gender,
            female_requested=gender == "F" and self.rng.random() < 0.25,
        )


def _requirements(rng: random.Random) -> tuple[Requirement, ...]:
    """Requirements of a community sentence; about 40% give no mandate for change."""
    roll = rng.random()
    if roll < 0.30:
        return (Requirement.UPW,)
    if roll < 0.35:
        return (Requirement.CURFEW, Requirement.EM)
    if roll < 0.39:
        return (Requirement.UPW, Requirement.CURFEW)
    chosen = {Requirement.RAR}
    for requirement, chance in (
        (Requirement.UPW, 0.35),
        (Requirement.PROGRAMME, 0.12),
        (Requirement.DRR, 0.05),
        (Requirement.ATR, 0.05),
        (Requirement.MHTR, 0.04),
        (Requirement.CURFEW, 0.08),
        (Requirement.EXCLUSION, 0.02),
        (Requirement.PROHIBITED_ACTIVITY, 0.02),
    ):
        if rng.random() < chance:
            chosen.add(requirement)
    if Requirement.CURFEW in chosen and rng.random() < 0.7:
        chosen.add(Requirement.EM)
    return tuple(r for r in Requirement if r in chosen)


def _add_upw(rng: random.Random, event: EventPlan, today: date) -> None:
    """Unpaid work hours (40-300), assessment, start and hours done so far."""
    if Requirement.UPW not in event.requirements:
        return
    hours = float(int(rng.triangular(40, 300, 80)) // 10 * 10)
    event.upw_hours_ordered = hours
    assessed = event.sentence_date + timedelta(days=rng.randint(1, 10))
    started = event.sentence_date + timedelta(days=rng.randint(7, 21))
    event.upw_assessment_date = assessed if assessed <= today else None
    event.upw_start_date = started if started <= today else None
    event.upw_intensive = hours >= 100 and rng.random() < 0.06
    if event.upw_start_date is not None:
        share = min(1.0, (today - event.upw_start_date).days / 365) * rng.uniform(0.4, 1.1)
        event.upw_hours_completed = min(hours, round(hours * share * 2) / 2)


def _community(rng: random.Random, kind: SentenceType, sentenced: date, today: date) -> EventPlan:
    months = rng.choice((12, 18, 24) if kind is SentenceType.SSO else (6, 12, 12, 12, 18, 24, 36))
    end = add_months(sentenced, months) - timedelta(days=1)
    if end <= today:
        end = today + timedelta(days=rng.randint(1, 60))
    event = EventPlan(kind, sentenced, None, end, _requirements(rng))
    _add_upw(rng, event, today)
    return event


def _custodial(rng: random.Random, kind: SentenceType, released: date, today: date) -> EventPlan:
    """A Licence, PSS or custody case; ``released`` may lie ahead (custody)."""
    sentenced = released - timedelta(days=rng.randint(60, 1200))
    if kind is SentenceType.CUSTODY:
        sentenced = min(sentenced, today - timedelta(days=rng.randint(20, 400)))
    if kind is SentenceType.PSS:
        end = released + timedelta(days=365)
    else:
        end = released + timedelta(days=rng.randint(120, 900))
    if end <= today:
        end = today + timedelta(days=rng.randint(20, 400))
    return EventPlan(kind, sentenced, released, end)


def _main_event(rng: random.Random, kind: SentenceType, today: date) -> EventPlan:
    """The current sentence of an allocated case, its clock started 12+ days ago."""
    if kind in (SentenceType.CO, SentenceType.SSO):
        return _community(rng, kind, today - timedelta(days=rng.randint(12, 700)), today)
    if kind is SentenceType.CUSTODY:
        return _custodial(rng, kind, today + timedelta(days=rng.randint(5, 500)), today)
    days = rng.randint(12, 330) if kind is SentenceType.PSS else rng.randint(12, 540)
    return _custodial(rng, kind, today - timedelta(days=days), today)


def _earlier_event(rng: random.Random, main: EventPlan, today: date) -> EventPlan:
    """An older sentence: a finished order, or a suspended sentence still running."""
    if main.sentence_type in (SentenceType.CO, SentenceType.SSO) and rng.random() < 0.4:
        sentenced = main.sentence_date - timedelta(days=rng.randint(30, 300))
        end = today + timedelta(days=rng.randint(30, 400))
        return EventPlan(SentenceType.SSO, sentenced, None, end, (Requirement.RAR,))
    sentenced = main.sentence_date - timedelta(days=rng.randint(400, 1500))
    end = sentenced + timedelta(days=364)
    return EventPlan(SentenceType.CO, sentenced, None, end, (Requirement.RAR,), ended_on=end)


def _allocated_case(rng: random.Random, namer: _Namer, today: date) -> CasePlan:
    person = namer.person(today)
    main = _main_event(rng, rng.choices(_TYPES, _TYPE_WEIGHTS)[0], today)
    events = [main]
    if rng.random() < 0.04:
        events.insert(0, _earlier_event(rng, main, today))
    when = assessment_date(rng, main.sentence_date, today)
    return CasePlan(person, events, assess(rng, when, person.gender == "F"))


def _waiting_case(
    rng: random.Random, namer: _Namer, today: date, calendar: WorkingCalendar, waited: int
) -> CasePlan:
    """A new case, its allocation clock started ``waited`` working days ago."""
    person = namer.person(today)
    started = calendar.subtract_working_days(today, waited)
    kind = rng.choices(_TYPES, _NEW_TYPE_WEIGHTS)[0]
    if kind in (SentenceType.CO, SentenceType.SSO):
        main = _community(rng, kind, started, today)
        assessed = started - timedelta(days=rng.randint(0, 15))
    else:
        main = _custodial(rng, kind, started, today)
        assessed = started - timedelta(days=rng.randint(5, 40))
    assessment = assess(rng, assessed, person.gender == "F", fresh=True)
    return CasePlan(person, [main], assessment, waiting=True)


def _stage_rises(rng: random.Random, plans: list[CasePlan], count: int, today: date) -> None:
    """Give some allocated cases a lower earlier assessment and a new High RoSH one."""
    earlier_on = today - timedelta(days=RISE_DAYS_AGO)
    staged = 0
    for plan in plans:
        main = plan.main
        if (
            staged < count
            and not plan.waiting
            and main.sentence_type in (SentenceType.CO, SentenceType.SSO, SentenceType.LICENCE)
            and main.sentence_date <= earlier_on - timedelta(days=30)
            and len(plan.events) == 1
            and plan.assessment is not None
            and can_rise(plan.assessment, plan.who.gender == "F")
        ):
            plan.earlier, plan.assessment = staged_rise(
                rng, plan.assessment, earlier_on - timedelta(days=rng.randint(3, 20)), today
            )
            staged += 1


def plan_cases(
    rng: random.Random,
    fake: Faker,
    today: date,
    calendar: WorkingCalendar,
    count: int,
    taken_crns: set[str],
) -> list[CasePlan]:
    """``count`` active cases: most allocated, some waiting, a few with a tier rise."""
    namer = _Namer(rng, fake, taken_crns)
    waiting = waiting_count(count) if count >= 20 else 0
    plans = [_waiting_case(rng, namer, today, calendar, WAITING_DAYS[i]) for i in range(waiting)]
    plans += [_allocated_case(rng, namer, today) for _ in range(count - waiting)]
    _stage_rises(rng, plans, rise_count(count), today)
    rng.shuffle(plans)
    return plans
