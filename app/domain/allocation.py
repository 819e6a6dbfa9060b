"""Ranking practitioners for a new case, and the allocation clocks (SPEC.md 4.3).

The SPO decides; the app ranks and says why (DOMAIN.md 2). The rules, in the
order they weigh:

- the PO allocation policy (:func:`app.domain.policy.check_grade`): High and
  Very High RoSH and MAPPA level 2/3 belong with a PO; a PQiP may take a High
  RoSH case only with the SPO's recorded confirmation; a PSO takes Low and
  Medium. A woman who asked for a female practitioner (TOM 771) and is given
  a man is outside the policy too. Such choices are never blocked, only
  ranked last with the reason (hmpps-allocations monitors cases "held outside
  the PO allocation policy"); a PQiP needing confirmation ranks after every
  choice within the policy and before those outside it;
- continuity: the previous practitioner first, then their POD (TOM 777,
  TOM 855-860);
- a female practitioner where one was asked for; specialisms: women for a
  woman's case, young adults (18-25), domestic abuse when flagged;
- the PO's mix of high and medium/low RoSH cases (TOM 817, DOMAIN.md 2);
- the 7-day count: each case over it costs more;
- capacity now and after this case (DOMAIN.md 4a): the load cost of the
  bands climbed, steeper with the load (over 100% much steeper).

These are weighed by the one set of weights the batch proposal uses too
(:mod:`app.domain.allocation_weights`, each a setting), term by term
(:mod:`app.domain.allocation_terms`).

Before all of these, the safeguards (issue 16): a practitioner who cannot
take the case now (absent on the allocation date or for most of the working
week after it, leaving within it: :mod:`app.domain.availability`; or over
the flagged capacity, 110%, after this case, or with no available hours) is
ranked after everyone available, with the reason in words; choosing them
needs a recorded reason, like a choice outside the policy. A shorter
absence is a note.

Ties are broken by capacity after the case, then name, then staff id, so the
order is total and repeatable. Pure rules: no Qt, no database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from app.domain.allocation_terms import PQIP_HIGH, choice_terms
from app.domain.allocation_weights import DEFAULT_WEIGHTS, AllocationWeights
from app.domain.availability import AVAILABLE, Availability
from app.domain.calendar import DeadlineState, DeadlineStatus, WorkingCalendar, deadline_status
from app.domain.codes import Gender, Grade, Rosh, SentenceType, Specialism
from app.domain.policy import check_grade
from app.domain.workload import PractitionerLoad

ALLOCATION_WORKING_DAYS = 5
"""A case is allocated within 5 working days of its clock start (TOM 775; a setting)."""

FEMALE_REQUEST_REASON = "asked for a female practitioner"


@dataclass(frozen=True)
class CaseForAllocation:
    """What the ranking needs of the case being allocated.

    ``points``: the workload points the case would add (DOMAIN.md 4a);
    ``rosh`` None means not yet assessed (DOMAIN.md 2); ``age`` in whole years.
    """

    sentence_type: SentenceType
    rosh: Rosh | None
    mappa_level: int | None = None
    tier: str | None = None
    points: int = 0
    gender: Gender | None = None
    female_practitioner_requested: bool = False
    previous_staff_id: int | None = None
    previous_pod_id: int | None = None
    age: int | None = None
    domestic_abuse: bool = False

    def __post_init__(self) -> None:
        if self.points < 0:
            raise ValueError("A case cannot add negative workload points")
        object.__setattr__(self, "sentence_type", SentenceType(self.sentence_type))
        if self.rosh is not None:
            object.__setattr__(self, "rosh", Rosh(self.rosh))
        if self.gender is not None:
            object.__setattr__(self, "gender", Gender(self.gender))


@dataclass(frozen=True)
class Candidate:
    """A practitioner who could take the case, with their load (DOMAIN.md 4).

    ``availability``: absences and leaving over the next working days;
    ``recent_allocations``: cases given to them in the last 7 days.
    """

    staff_id: int
    name: str
    grade: Grade
    load: PractitionerLoad
    gender: Gender | None = None
    specialisms: frozenset[Specialism] = frozenset()
    pod_id: int | None = None
    availability: Availability = AVAILABLE
    recent_allocations: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "grade", Grade(self.grade))
        if self.gender is not None:
            object.__setattr__(self, "gender", Gender(self.gender))
        object.__setattr__(self, "specialisms", frozenset(Specialism(s) for s in self.specialisms))


@dataclass(frozen=True)
class RankingRules:
    """The numbers the ranking uses; each is a setting (DOMAIN.md 2, 4a)."""

    po_mix_min_cases: int = 5
    over_capacity_percent: float = 100.0
    flagged_capacity_percent: float = 110.0
    young_adult_ages: tuple[int, int] = (18, 25)


DEFAULT_RULES = RankingRules()


@dataclass(frozen=True)
class PolicyVerdict:
    """Whether giving the case to a practitioner is within the allocation policy.

    ``outside_policy``: the SPO must record a reason to go ahead.
    ``needs_confirmation``: a PQiP and a High RoSH case, allowed with the SPO's
    recorded confirmation (DOMAIN.md 2).
    """

    outside_policy: bool
    needs_confirmation: bool
    reason: str

    @property
    def within_policy(self) -> bool:
        return not self.outside_policy and not self.needs_confirmation


def policy_verdict(
    case: CaseForAllocation, grade: Grade | str, gender: Gender | str | None
) -> PolicyVerdict:
    """The grade policy (DOMAIN.md 2, 4a) and a woman's request for a female practitioner."""
    grade_check = check_grade(grade, case.rosh, case.mappa_level)
    reasons: list[str] = []
    outside = not grade_check.within_policy and not grade_check.needs_confirmation
    if not grade_check.within_policy:
        reasons.append(grade_check.reason)
    if case.female_practitioner_requested and gender != Gender.FEMALE:
        outside = True
        reasons.append(FEMALE_REQUEST_REASON)
    return PolicyVerdict(outside, grade_check.needs_confirmation, "; ".join(reasons))


@dataclass(frozen=True)
class SafeguardVerdict:
    """Whether a practitioner can take the case now (issue 16).

    ``reason``: why not, in words ("absent until 14/09/2026", "123% after this
    case"), "" when they can; choosing them then needs a recorded reason.
    ``note``: a shorter absence, mentioned in the ranking.
    """

    reason: str = ""
    note: str = ""

    @property
    def blocked(self) -> bool:
        return bool(self.reason)


def _after_text(after: float, limit: float) -> str:
    shown = f"{after:.0f}%" if round(after) > limit else f"{after:.1f}%"
    return f"{shown} after this case"


def safeguard_verdict(
    case: CaseForAllocation, c: Candidate, rules: RankingRules = DEFAULT_RULES
) -> SafeguardVerdict:
    """Unavailable (absent, leaving) or over the flagged capacity after this case (issue 16)."""
    reasons = [c.availability.unavailable] if c.availability.unavailable else []
    after = c.load.after(case.points, case.rosh).capacity_percent
    if after is None:
        if c.availability.available:
            reasons.append("no available hours")
    elif after > rules.flagged_capacity_percent:
        reasons.append(_after_text(after, rules.flagged_capacity_percent))
    return SafeguardVerdict("; ".join(reasons), c.availability.note)


@dataclass(frozen=True)
class RankedCandidate:
    """One practitioner in the ranking, with the reasons an SPO reads.

    ``rank`` counts from 1. ``within_policy`` is False both for a choice
    outside the policy (``outside_policy``: a recorded reason is needed) and
    for one that needs the SPO's confirmation; ``policy_reason`` says why.
    ``unavailable``: the practitioner cannot take the case now (a recorded
    reason is needed); ``safeguard_reason`` says why; ``note`` a shorter absence.
    """

    staff_id: int
    name: str
    grade: Grade
    rank: int
    within_policy: bool
    needs_confirmation: bool
    outside_policy: bool
    policy_reason: str
    reasons: tuple[str, ...]
    capacity_now: float | None
    capacity_after: float | None
    score: float
    mix_now: tuple[int, int] = (0, 0)
    mix_after: tuple[int, int] = (0, 0)
    unavailable: bool = False
    safeguard_reason: str = ""
    note: str = ""

    @property
    def capacity_text(self) -> str:
        """Capacity now and after this case, e.g. "72% -> 79%" (SPEC.md 4.3)."""
        return capacity_change_text(self.capacity_now, self.capacity_after)


def percent_text(value: float | None) -> str:
    """A capacity as a whole percentage; "no hours" when nothing is available."""
    return "no hours" if value is None else f"{value:.0f}%"


def capacity_change_text(now: float | None, after: float | None) -> str:
    """ "72% -> 79%"; "no hours" where a practitioner has no available points."""
    if now is None and after is None:
        return "no hours"
    return f"{percent_text(now)} -> {percent_text(after)}"


def age_on(date_of_birth: date | None, as_at: date) -> int | None:
    """Age in whole years on a day (for the young adults specialism, 18-25)."""
    if date_of_birth is None:
        return None
    years = as_at.year - date_of_birth.year
    return years - ((as_at.month, as_at.day) < (date_of_birth.month, date_of_birth.day))


def _assess(
    case: CaseForAllocation, c: Candidate, rules: RankingRules, weights: AllocationWeights
) -> tuple[int, float, RankedCandidate]:
    verdict = policy_verdict(case, c.grade, c.gender)
    after_load = c.load.after(case.points, case.rosh)
    now, after = c.load.capacity_percent, after_load.capacity_percent
    terms = [t for t in choice_terms(case, c, rules, weights) if t.kind != PQIP_HIGH]
    score = round(-sum(t.cost for t in terms), 6)
    safeguard = safeguard_verdict(case, c, rules)
    reasons: list[str] = []
    if safeguard.blocked:
        reasons.append(f"not available: {safeguard.reason}")
    if verdict.outside_policy:
        reasons.append(f"outside policy: {verdict.reason}")
    elif verdict.needs_confirmation:
        reasons.append(f"needs confirmation: {verdict.reason}")
    if safeguard.note:
        reasons.append(f"note: {safeguard.note}")
    reasons.extend(t.reason for t in terms)
    group = 2 if verdict.outside_policy else 1 if verdict.needs_confirmation else 0
    group += 3 if safeguard.blocked else 0
    ranked = RankedCandidate(
        staff_id=c.staff_id,
        name=c.name,
        grade=c.grade,
        rank=0,
        within_policy=verdict.within_policy,
        needs_confirmation=verdict.needs_confirmation,
        outside_policy=verdict.outside_policy,
        policy_reason=verdict.reason,
        reasons=tuple(reasons),
        capacity_now=now,
        capacity_after=after,
        score=score,
        mix_now=(c.load.high_cases, c.load.medium_low_cases),
        mix_after=(after_load.high_cases, after_load.medium_low_cases),
        unavailable=safeguard.blocked,
        safeguard_reason=safeguard.reason,
        note=safeguard.note,
    )
    return group, score, ranked


def _order_key(item: tuple[int, float, RankedCandidate]) -> tuple[int, float, float, str, int]:
    group, score, ranked = item
    after = math.inf if ranked.capacity_after is None else ranked.capacity_after
    return (group, -score, after, ranked.name.casefold(), ranked.staff_id)


def rank_candidates(
    case: CaseForAllocation,
    candidates: Iterable[Candidate],
    rules: RankingRules = DEFAULT_RULES,
    weights: AllocationWeights = DEFAULT_WEIGHTS,
) -> list[RankedCandidate]:
    """The practitioners best suited to the case first, each with its reasons (SPEC.md 4.3).

    Everyone available first, then those who cannot take the case now; in
    each, within policy first, then a PQiP needing confirmation, then choices
    outside the policy; inside each group by score, then capacity after the
    case, name and staff id. The score is minus the cost of the choice's
    terms (:mod:`app.domain.allocation_terms`), the same the batch proposal
    adds up.
    """
    assessed = sorted((_assess(case, c, rules, weights) for c in candidates), key=_order_key)
    return [replace(ranked, rank=i) for i, (_g, _s, ranked) in enumerate(assessed, start=1)]


# --- Clocks ---------------------------------------------------------------------


def allocation_deadline(
    clock_start: date, calendar: WorkingCalendar, working_days: int = ALLOCATION_WORKING_DAYS
) -> date:
    """The last day to allocate: the clock start plus 5 working days (TOM 775)."""
    return calendar.add_working_days(clock_start, working_days)


def allocation_status(
    clock_start: date,
    as_at: date,
    calendar: WorkingCalendar,
    working_days: int = ALLOCATION_WORKING_DAYS,
) -> DeadlineStatus:
    """Where the allocation clock stands: due, due today or overdue (TOM 775)."""
    return deadline_status(clock_start, working_days, as_at, calendar)


@dataclass(frozen=True)
class AppointmentClock:
    """The first appointment's due date and state (TOM 791, 1856).

    ``basis`` says what the clock counts from, for the user: "sentence" or
    "release".
    """

    due: date
    state: DeadlineState
    basis: str


def first_appointment_clock(
    sentence_type: SentenceType,
    sentence_date: date,
    release_date: date | None,
    as_at: date,
) -> AppointmentClock | None:
    """Within one week of sentence, or 24 hours of release for licence cases (DOMAIN.md 2).

    Licence, PSS and custody cases count from release; a custody case with no
    release date yet has no clock. Calendar days, not working days.
    """
    sentence_type = SentenceType(sentence_type)
    if sentence_type.is_custodial and release_date is not None:
        due, basis = release_date + timedelta(days=1), "release"
    elif sentence_type is SentenceType.CUSTODY:
        return None
    else:
        due, basis = sentence_date + timedelta(days=7), "sentence"
    state: DeadlineState = "overdue" if as_at > due else "due_today" if as_at == due else "due"
    return AppointmentClock(due, state, basis)
