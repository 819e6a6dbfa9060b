"""What giving one case to one practitioner costs, term by term, with the reasons.

The desk's ranking (:func:`app.domain.allocation.rank_candidates`) and the
batch proposal (:mod:`app.domain.batch_allocation`) add up these same terms
with the same weights (:mod:`app.domain.allocation_weights`): continuity
(TOM 777, 855-860), a female practitioner as asked (TOM 771), specialisms,
the PO's mix (TOM 817), a PQiP holding High RoSH (DOMAIN.md 2), the 7-day
count, and the load cost of the capacity climbed (DOMAIN.md 4a). A cost is
positive, a bonus negative. Pure rules: no Qt, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.allocation_weights import AllocationWeights, load_cost_change
from app.domain.codes import Gender, Grade, Specialism
from app.domain.policy import check_grade

if TYPE_CHECKING:
    from app.domain.allocation import Candidate, CaseForAllocation, RankingRules

CONTINUITY = "continuity"
SAME_POD = "same_pod"
FEMALE = "female_as_asked"
SPECIALISM = "specialism"
MIX = "mix"
NO_MIX = "no_mix"
PQIP_HIGH = "pqip_high"
SEVEN_DAY = "seven_day"
LOAD = "load"


@dataclass(frozen=True)
class Term:
    """One part of a choice's cost: ``cost`` positive, a bonus negative; ``reason`` in words."""

    kind: str
    cost: float
    reason: str


def continuity_terms(case: CaseForAllocation, c: Candidate, w: AllocationWeights) -> list[Term]:
    """Previous practitioner first, then their POD (TOM 777, 855-860)."""
    if case.previous_staff_id is not None and c.staff_id == case.previous_staff_id:
        return [Term(CONTINUITY, -w.continuity, "previous practitioner (continuity)")]
    if case.previous_pod_id is not None and c.pod_id == case.previous_pod_id:
        return [Term(SAME_POD, -w.same_pod, "same POD as the previous practitioner")]
    return []


def fit_terms(
    case: CaseForAllocation, c: Candidate, rules: RankingRules, w: AllocationWeights
) -> list[Term]:
    """A female practitioner as asked (TOM 771) and specialisms (SPEC.md 3)."""
    terms = []
    if case.female_practitioner_requested and c.gender == Gender.FEMALE:
        terms.append(Term(FEMALE, -w.female_as_asked, "female practitioner, as she asked"))
    if case.gender == Gender.FEMALE and Specialism.WOMEN in c.specialisms:
        terms.append(Term(SPECIALISM, -w.specialism, "women's specialist"))
    low, high = rules.young_adult_ages
    young = case.age is not None and low <= case.age <= high
    if young and Specialism.YOUNG_ADULTS in c.specialisms:
        terms.append(Term(SPECIALISM, -w.specialism, f"young adults specialist ({low}-{high})"))
    if case.domestic_abuse and Specialism.DOMESTIC_ABUSE in c.specialisms:
        terms.append(Term(SPECIALISM, -w.specialism, "domestic abuse specialist"))
    return terms


def mix_terms(
    case: CaseForAllocation, c: Candidate, rules: RankingRules, w: AllocationWeights
) -> list[Term]:
    """A PO's mix of high and medium/low RoSH cases (TOM 817); POs only, not PQiPs."""
    if c.grade is not Grade.PO or case.rosh is None:
        return []
    load = c.load
    if case.rosh.is_high and load.high_cases == 0:
        return [Term(MIX, -w.mix_bonus, "holds no High RoSH case: adds to the mix")]
    if not case.rosh.is_high and load.medium_low_cases == 0 and load.high_cases > 0:
        return [Term(MIX, -w.mix_bonus, "holds only High RoSH cases: adds to the mix")]
    after = load.after(case.points, case.rosh)
    assessed = after.high_cases + after.medium_low_cases
    if assessed >= rules.po_mix_min_cases and 0 in (after.high_cases, after.medium_low_cases):
        side = "High" if after.high_cases else "Medium or Low"
        return [Term(NO_MIX, w.no_mix, f"would hold {assessed} cases, all {side} RoSH: no mix")]
    return []


def pqip_terms(case: CaseForAllocation, c: Candidate, w: AllocationWeights) -> list[Term]:
    """A PQiP holding a High RoSH case needs the SPO's confirmation (DOMAIN.md 2)."""
    if check_grade(c.grade, case.rosh, case.mappa_level).needs_confirmation:
        return [Term(PQIP_HIGH, w.pqip_high, "a PQiP with a High RoSH case")]
    return []


def seven_day_terms(c: Candidate, w: AllocationWeights) -> list[Term]:
    """Each case over the 7-day count costs more (a soft limit by default)."""
    if c.recent_allocations < w.seven_day_cap:
        return []
    text = f"already given {c.recent_allocations} in the last 7 days"
    return [Term(SEVEN_DAY, w.seven_day_over, f"{text} (count {w.seven_day_cap})")]


def _percent(value: float | None) -> str:
    return "no hours" if value is None else f"{value:.0f}%"


def load_terms(
    case: CaseForAllocation, c: Candidate, rules: RankingRules, w: AllocationWeights
) -> list[Term]:
    """The capacity climbed, at the cost of its bands (DOMAIN.md 4a); over 100% is said."""
    now = c.load.capacity_percent
    after = c.load.after(case.points, case.rosh).capacity_percent
    if now is None or after is None:
        return [Term(LOAD, 0.0, "no available hours (absent or fully reduced)")]
    text = f"capacity {_percent(now)} -> {_percent(after)}"
    if after > rules.flagged_capacity_percent:
        text += f": flagged, over {rules.flagged_capacity_percent:g}%"
    elif after > rules.over_capacity_percent:
        text += f": over {rules.over_capacity_percent:g}%"
    return [Term(LOAD, load_cost_change(w, c.load.available, now, after), text)]


def choice_terms(
    case: CaseForAllocation,
    c: Candidate,
    rules: RankingRules,
    w: AllocationWeights,
    with_load: bool = True,
) -> list[Term]:
    """Every term of giving ``case`` to ``c``, in the order an SPO reads them.

    ``with_load`` False leaves out the load term (the batch costs loads itself).
    """
    return [
        *continuity_terms(case, c, w),
        *fit_terms(case, c, rules, w),
        *mix_terms(case, c, rules, w),
        *pqip_terms(case, c, w),
        *seven_day_terms(c, w),
        *(load_terms(case, c, rules, w) if with_load else ()),
    ]
