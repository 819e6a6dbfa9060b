"""The one set of weights behind the desk's ranking and the batch proposal (issue 23).

Both ask the same question, "what does giving this case to this practitioner
cost the team?", and add up the same terms, so the two never disagree on what
a good choice is. Every weight is a setting (``ALLOCATION_WEIGHT_SETTINGS``).

The unit is the cost of 1% of a full-time practitioner's capacity at the
lightest load: the **load cost** charges each percentage point a practitioner
climbs at the slope of the band it falls in (2 below 50%, 4 from 50%, 6 from
60%, 8 from 70%, 12 from 80%, 20 from 90%, 60 from 100%, 120 from 110%),
weighted by their available points over a full-time target, so a case costs
the same points at the same load whoever's hours they are, and a part-timer
climbs the bands faster. A band slope rises with the load (the cost is
convex), so spreading cases is always cheaper than piling them up.

In those units, by default: the previous practitioner is worth 200 (a case
of 3% of capacity still goes back to them at up to 110%: TOM 777), a colleague
in their POD 40, a female practitioner where one was asked for 40, each
specialism that fits 60, adding the side of the mix a PO lacks 30 (TOM 817),
deepening a PO's one-sided caseload costs 15, a PQiP holding a High RoSH case
150 (it needs the SPO's confirmation), each case over the 7-day count 40. In
the proposal, keeping the previous proposal's choice is worth 20 (so a
re-solve moves few lines), a case left unallocated costs 100,000 and one
outside the PO policy (only when no one else can take it) 10,000.

The proposal's ceiling (the lowest possible highest load, plus 2 points) gives
way to continuity and to a specialism the case needs up to 85% (a setting): a
case may go back to its previous practitioner, or to a women's, young adults
or domestic abuse specialist, and take them up to 85% even when the ceiling is
lower; any other case given to them must still fit under the ceiling.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from types import MappingProxyType

from app.domain.setting_spec import SettingSpec

FULL_TIME_POINTS = 2176.0
"""The grade target the load cost is weighted against (DOMAIN.md 4a)."""

DEFAULT_LOAD_SLOPES: Mapping[int, int] = MappingProxyType(
    {0: 2, 50: 4, 60: 6, 70: 8, 80: 12, 90: 20, 100: 60, 110: 120}
)
"""Cost of each percentage point of capacity, by the band (from this %) it falls in."""


@dataclass(frozen=True)
class AllocationWeights:
    """What each term of a choice costs (negative: a bonus); each is a setting."""

    load_slopes: Mapping[int, int] = field(default_factory=lambda: DEFAULT_LOAD_SLOPES, hash=False)
    continuity: float = 200.0
    same_pod: float = 40.0
    female_as_asked: float = 40.0
    specialism: float = 60.0
    mix_bonus: float = 30.0
    no_mix: float = 15.0
    pqip_high: float = 150.0
    seven_day_over: float = 40.0
    seven_day_cap: int = 4
    seven_day_cap_hard: bool = False
    keep: float = 20.0
    unallocated: float = 100_000.0
    outside_policy: float = 10_000.0
    ceiling_slack: float = 2.0
    rule_ceiling: float = 85.0
    time_limit_seconds: float = 10.0
    _bands: tuple[tuple[float, float, float], ...] = field(
        default=(), init=False, repr=False, compare=False
    )
    _starts: tuple[float, ...] = field(default=(), init=False, repr=False, compare=False)
    _below: tuple[float, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        slopes = {int(k): int(v) for k, v in self.load_slopes.items()}
        if 0 not in slopes:
            raise ValueError("The load cost needs a slope from 0%")
        ordered = [slopes[k] for k in sorted(slopes)]
        if any(b < a for a, b in pairwise(ordered)):
            raise ValueError("Each load band must cost at least as much as the one below it")
        object.__setattr__(self, "load_slopes", MappingProxyType(dict(sorted(slopes.items()))))
        starts = sorted(slopes)
        ends = [*starts[1:], float("inf")]
        bands = tuple(
            (float(s), float(e), float(slopes[s])) for s, e in zip(starts, ends, strict=True)
        )
        object.__setattr__(self, "_bands", bands)
        below, total = [], 0.0
        for low, high, slope in bands:
            below.append(total)
            total += (high - low) * slope
        object.__setattr__(self, "_starts", tuple(b[0] for b in bands))
        object.__setattr__(self, "_below", tuple(below))

    def bands(self) -> tuple[tuple[float, float, float], ...]:
        """(from %, to %, slope) for each band; the last runs on for ever."""
        return self._bands


DEFAULT_WEIGHTS = AllocationWeights()


def cost_of_load(weights: AllocationWeights, percent: float) -> float:
    """F(percent): the convex cost of a full-time practitioner standing at ``percent``."""
    k = bisect_left(weights._starts, percent) - 1  # the band holding percent
    if k < 0:
        return 0.0
    low, _high, slope = weights._bands[k]
    return weights._below[k] + (percent - low) * slope


def load_cost_change(
    weights: AllocationWeights, available: float, now: float, after: float
) -> float:
    """What climbing from ``now`` % to ``after`` % costs, weighted by available points."""
    share = available / FULL_TIME_POINTS
    return share * (cost_of_load(weights, after) - cost_of_load(weights, now))


_W = DEFAULT_WEIGHTS
_SLOPES = {str(k): v for k, v in DEFAULT_LOAD_SLOPES.items()}
_SOURCE = "PDU Manager: one set of weights for the desk's ranking and the batch proposal"


def _weight(
    key: str, default: float, label: str, maximum: float = 1_000_000, minimum: float = 0
) -> SettingSpec:
    return SettingSpec(key, float, default, label, _SOURCE, minimum, maximum)


ALLOCATION_WEIGHT_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "allocation_load_cost",
        dict,
        _SLOPES,
        "Cost of each % of capacity, by the band it falls in (from this %)",
        _SOURCE,
    ),
    _weight("allocation_weight_continuity", _W.continuity, "Worth of the previous practitioner"),
    _weight("allocation_weight_same_pod", _W.same_pod, "Worth of a colleague in their POD"),
    _weight(
        "allocation_weight_female_as_asked",
        _W.female_as_asked,
        "Worth of a female practitioner where one was asked for",
    ),
    _weight("allocation_weight_specialism", _W.specialism, "Worth of each specialism that fits"),
    _weight("allocation_weight_mix_bonus", _W.mix_bonus, "Worth of adding the side a PO lacks"),
    _weight("allocation_weight_no_mix", _W.no_mix, "Cost of deepening a PO's one-sided caseload"),
    _weight("allocation_weight_pqip_high", _W.pqip_high, "Cost of a PQiP holding High RoSH"),
    _weight(
        "allocation_weight_seven_day_over",
        _W.seven_day_over,
        "Cost of each case over the 7-day count",
    ),
    SettingSpec(
        "allocation_seven_day_cap",
        int,
        _W.seven_day_cap,
        "Cases a practitioner is given in 7 days before each costs more",
        _SOURCE,
        0,
        100,
    ),
    SettingSpec(
        "allocation_seven_day_cap_hard",
        bool,
        _W.seven_day_cap_hard,
        "The 7-day count is a hard limit for the proposal",
        _SOURCE,
    ),
    _weight("allocation_weight_keep", _W.keep, "Worth of keeping the last proposal's choice"),
    _weight(
        "allocation_weight_unallocated",
        _W.unallocated,
        "Cost of leaving a case unallocated in a proposal",
    ),
    _weight(
        "allocation_weight_outside_policy",
        _W.outside_policy,
        "Cost of a proposal outside the PO policy (when no one else can take it)",
    ),
    _weight(
        "allocation_ceiling_slack",
        _W.ceiling_slack,
        "Points above the lowest possible highest load a proposal may go for a better fit",
        50,
    ),
    _weight(
        "allocation_rule_ceiling",
        _W.rule_ceiling,
        "Capacity % up to which a proposal may give a case back to its previous practitioner"
        " or to a specialist it needs, above the ceiling",
        110,
    ),
    _weight(
        "allocation_time_limit_seconds",
        _W.time_limit_seconds,
        "Seconds a proposal may take (the best found so far is kept)",
        600,
        1,
    ),
    _weight(
        "allocation_proposal_hold_hours",
        4.0,
        "Hours an open proposal keeps its cases from other SPOs' proposals",
        72,
        0.5,
    ),
)
