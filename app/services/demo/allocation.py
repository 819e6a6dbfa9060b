"""Who holds which demo case: a realistic spread with the exceptions managers look for.

POs hold a mix of high and medium/low RoSH cases, PQiPs and PSOs medium and
low (DOMAIN.md 2). Cases are shared by capacity (DOMAIN.md 4), each
practitioner filled towards their own target (from about 55% to 125%, a few
over 110%: see :data:`app.services.demo.organisation.CAPACITY_TARGETS`),
with deliberate exceptions for the balance view: a PO with no mix and a PSO
holding a High RoSH case (recorded as outside the policy).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from app.domain.calendar import WorkingCalendar
from app.domain.codes import Grade, ReallocationReason, Rosh, SentenceType, Specialism
from app.domain.workload import DEFAULT_SETTINGS, case_points
from app.services.demo.organisation import StaffPlan
from app.services.demo.people import CasePlan

# Working days from the clock start to allocation: mostly within 5 (TOM 775).
_DELAYS = (1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5, 6, 8)
_REASONS = (
    ReallocationReason.CASELOAD_ADJUSTMENT,
    ReallocationReason.CASELOAD_ADJUSTMENT,
    ReallocationReason.CHANGE_OF_ADDRESS,
    ReallocationReason.TIER_OR_RISK_CHANGE,
    ReallocationReason.RISK_TO_STAFF,
    ReallocationReason.OTHER,
)
NO_MIX_CASES = 6
PSO_HIGH_REASON = (
    "Continuity: the PSO has built a working relationship with this person; the SPO "
    "agreed they keep the case until the next review"
)


@dataclass
class Holder:
    """A practitioner as the demo fills their caseload."""

    staff_id: int
    plan: StaffPlan
    basis: float
    points: int = 0
    cases: int = 0

    @property
    def ratio(self) -> float:
        return self.points / self.basis if self.basis > 0 else math.inf

    def ratio_after(self, points: int) -> float:
        return (self.points + points) / self.basis if self.basis > 0 else math.inf

    def share_after(self, points: int) -> float:
        """How far taking the case would fill them towards their target."""
        return self.ratio_after(points) / self.plan.target

    @property
    def is_female(self) -> bool:
        return self.plan.gender == "F"

    def take(self, points: int) -> None:
        self.points += points
        self.cases += 1


@dataclass(frozen=True)
class CaseToPlace:
    """An allocated case with its computed tier's workload points."""

    person_id: int
    plan: CasePlan
    points: int


@dataclass
class Placement:
    """The decisions: who holds what, and the exceptions made on purpose."""

    holders: dict[int, Holder]
    held_by: dict[int, Holder]
    outside_policy: set[int]


def case_to_place(person_id: int, plan: CasePlan, tier: str | None) -> CaseToPlace:
    main = plan.main
    points = case_points(DEFAULT_SETTINGS, SentenceType(main.sentence_type), tier)
    return CaseToPlace(person_id, plan, points)


def _lowest(holders: Iterable[Holder], case: CaseToPlace) -> Holder:
    """The suitable holder least loaded after taking the case; a woman if asked for."""
    pool = list(holders)
    women_only = case.plan.who.female_requested
    if women_only:
        pool = [h for h in pool if h.is_female] or pool

    def key(h: Holder) -> tuple[float, int]:
        bonus = 0.1 if women_only and Specialism.WOMEN in h.plan.specialisms else 0.0
        return (h.share_after(case.points) - bonus, h.staff_id)

    return min(pool, key=key)


class _Placer:
    def __init__(self, holders: list[Holder]) -> None:
        self.holders = {h.staff_id: h for h in holders}
        self.held_by: dict[int, Holder] = {}
        self.outside: set[int] = set()

    def give(self, case: CaseToPlace, holder: Holder) -> None:
        holder.take(case.points)
        self.held_by[case.person_id] = holder

    def fill(
        self, cases: list[CaseToPlace], holder: Holder, enough: Callable[[Holder], bool]
    ) -> list[CaseToPlace]:
        """Give ``holder`` cases until ``enough``; returns the cases left."""
        left = []
        for case in cases:
            suits = holder.is_female or not case.plan.who.female_requested
            if suits and not enough(holder):
                self.give(case, holder)
            else:
                left.append(case)
        return left


def _roles(holders: list[Holder]) -> dict[str, Holder]:
    """The practitioners given the exceptions: full-time, no reductions, not absent or leaving."""
    plain = [h for h in holders if not h.plan.reductions and not h.plan.absences]
    plain = [h for h in plain if h.plan.contracted_hours == 37.0 and h.plan.leave_date is None]
    pos = [h for h in plain if h.plan.grade is Grade.PO]
    psos = [h for h in plain if h.plan.grade is Grade.PSO]
    return {"no_mix": pos[0], "pso_high": psos[0]}


def place_cases(cases: list[CaseToPlace], holders: list[Holder]) -> Placement:
    """Share the allocated cases out, high-risk ones to POs first, each towards their target."""
    placer = _Placer(holders)
    roles = _roles(holders)
    high = [c for c in cases if c.plan.is_high]
    rest = [c for c in cases if not c.plan.is_high]
    exception = next(
        (
            c
            for c in high
            if c.plan.assessment
            and c.plan.assessment.rosh is Rosh.HIGH
            and c.plan.assessment.mappa_level is None
            and c.plan.earlier is None
        ),
        None,
    )
    if exception is not None:
        high.remove(exception)
        placer.give(exception, roles["pso_high"])
        placer.outside.add(exception.person_id)
    pos = [h for h in holders if h.plan.grade is Grade.PO and h is not roles["no_mix"]]
    for case in high:
        placer.give(case, _lowest(pos, case))
    rest = placer.fill(rest, roles["no_mix"], lambda h: h.cases >= NO_MIX_CASES)
    for case in rest:
        placer.give(case, _lowest(holders, case))
    return Placement(placer.holders, placer.held_by, placer.outside)


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)))


def _row(
    person_id: int, staff_id: int, start: date, end: date | None, by: int | None, **kw: Any
) -> dict[str, Any]:
    rng: random.Random = kw.pop("rng")
    row: dict[str, Any] = {
        "person_id": person_id,
        "staff_id": staff_id,
        "start_date": start,
        "end_date": end,
        "allocated_by": by,
        "reason": None,
        "note": "",
        "outside_policy": False,
        "policy_reason": "",
        "recorded_at": _at(start, rng),
    }
    row.update(kw)
    return row


def _previous_holder(
    rng: random.Random, placement: Placement, case: CaseToPlace, current: Holder
) -> Holder:
    """Someone of a suitable grade who held the case before a reallocation."""
    grades = (Grade.PO,) if case.plan.is_high else (Grade.PO, Grade.PQIP, Grade.PSO)
    pool = [
        h
        for h in placement.holders.values()
        if h is not current
        and h.plan.grade in grades
        and (h.is_female or not case.plan.who.female_requested)
    ]
    return rng.choice(pool or [current])


def allocation_rows(
    placement: Placement,
    cases: list[CaseToPlace],
    rng: random.Random,
    today: date,
    calendar: WorkingCalendar,
    by: int | None,
) -> list[dict[str, Any]]:
    """The ``allocation`` rows: first allocations and, for some cases, a reallocation."""
    rows = []
    for case in cases:
        holder = placement.held_by[case.person_id]
        start = min(today, calendar.add_working_days(case.plan.clock_start, rng.choice(_DELAYS)))
        outside = case.person_id in placement.outside_policy
        held_for = (today - start).days
        if not outside and held_for > 90 and rng.random() < 0.1:
            before = _previous_holder(rng, placement, case, holder)
            moved = start + timedelta(days=rng.randint(30, held_for - 7))
            rows.append(_row(case.person_id, before.staff_id, start, moved, by, rng=rng))
            reason = rng.choice(_REASONS)
            rows.append(
                _row(
                    case.person_id,
                    holder.staff_id,
                    moved,
                    None,
                    by,
                    rng=rng,
                    reason=reason,
                    note="Reallocated by the SPO",
                )
            )
            continue
        extra: dict[str, Any] = {}
        if outside:
            extra = {"outside_policy": True, "policy_reason": PSO_HIGH_REASON}
        rows.append(_row(case.person_id, holder.staff_id, start, None, by, rng=rng, **extra))
    return rows
