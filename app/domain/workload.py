"""Workload points, available points, capacity and reductions (DOMAIN.md 4, 4a).

Every number is a setting: callers pass a :class:`WorkloadSettings` (the
defaults are HMPPS's public 2021 seed values, DOMAIN.md 4a); nothing here
reads a global. Pure rules: no Qt, no database.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType
from typing import Literal

from app.domain.codes import Grade, Rosh, SentenceType
from app.domain.tiering import CHANGE_LEVELS, parse_tier

WORKLOAD_KINDS = ("community", "licence", "custody")
"""Columns of the points table: ``SentenceType.workload_kind`` (DOMAIN.md 4a)."""

PointsKey = tuple[str, str, int]
ReductionStatus = Literal["scheduled", "active", "ended"]
CapacityBand = Literal["ok", "over", "flagged"]


class WorkloadInputError(ValueError):
    """A workload value that cannot be right (negative hours, an end before a start)."""


class ReductionReason(StrEnum):
    """Why a practitioner's hours are reduced (DOMAIN.md 4a)."""

    PQIP_MONTHS_0_6 = "PQIP_MONTHS_0_6"
    PQIP_MONTHS_6_12 = "PQIP_MONTHS_6_12"
    PQIP_MONTHS_12_18 = "PQIP_MONTHS_12_18"
    NEWLY_QUALIFIED_PO = "NEWLY_QUALIFIED_PO"
    PSO_LEARNING = "PSO_LEARNING"
    TRADE_UNION = "TRADE_UNION"
    SICKNESS = "SICKNESS"
    MATERNITY = "MATERNITY"
    SPECIAL_LEAVE = "SPECIAL_LEAVE"
    OTHER = "OTHER"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    ReductionReason.PQIP_MONTHS_0_6: "PQiP months 0-6",
    ReductionReason.PQIP_MONTHS_6_12: "PQiP months 6-12",
    ReductionReason.PQIP_MONTHS_12_18: "PQiP months 12-18",
    ReductionReason.NEWLY_QUALIFIED_PO: "Newly qualified PO (first 9 months)",
    ReductionReason.PSO_LEARNING: "PSO learning and development",
    ReductionReason.TRADE_UNION: "Trade union facility time",
    ReductionReason.SICKNESS: "Sickness",
    ReductionReason.MATERNITY: "Maternity",
    ReductionReason.SPECIAL_LEAVE: "Special leave",
    ReductionReason.OTHER: "Other",
}

# Points per case held: (protect, change 3 / 2 / 1 / 0) per kind (DOMAIN.md 4a).
_TABLE = {
    "community": {
        "A": (206, 158, 146, 110),
        "B": (146, 115, 102, 72),
        "C": (79, 63, 50, 35),
        "D": (51, 41, 29, 29),
    },
    "licence": {
        "A": (219, 175, 163, 0),
        "B": (161, 132, 119, 0),
        "C": (77, 65, 52, 0),
        "D": (51, 43, 31, 0),
    },
    "custody": {
        "A": (75, 60, 59, 0),
        "B": (59, 48, 47, 0),
        "C": (30, 24, 23, 0),
        "D": (17, 14, 13, 0),
    },
}
DEFAULT_POINTS: Mapping[PointsKey, int] = MappingProxyType(
    {
        (kind, protect, change): points
        for kind, rows in _TABLE.items()
        for protect, row in rows.items()
        for change, points in zip(CHANGE_LEVELS, row, strict=True)
    }
)
"""The 48 default points, keyed by (workload kind, protect letter, change level)."""

DEFAULT_GRADE_TARGETS: Mapping[Grade, int] = MappingProxyType(
    {Grade.PO: 2176, Grade.PQIP: 2176, Grade.PSO: 2176, Grade.SPO: 0}
)
"""Points a grade holds at its default hours; SPOs hold no caseload capacity."""

DEFAULT_REDUCTION_SHARES: Mapping[ReductionReason, float] = MappingProxyType(
    {
        ReductionReason.PQIP_MONTHS_0_6: 0.8,
        ReductionReason.PQIP_MONTHS_6_12: 0.6,
        ReductionReason.PQIP_MONTHS_12_18: 0.4,
        ReductionReason.NEWLY_QUALIFIED_PO: 0.2,
        ReductionReason.PSO_LEARNING: 0.2,
        ReductionReason.TRADE_UNION: 0.5,
        ReductionReason.SICKNESS: 1.0,
        ReductionReason.MATERNITY: 1.0,
        ReductionReason.SPECIAL_LEAVE: 1.0,
    }
)
"""Default share of contracted hours per reason; trade union time is *up to* 50%."""


@dataclass(frozen=True)
class WorkloadSettings:
    """The workload numbers in force (DOMAIN.md 4a); every one is a setting."""

    points: Mapping[PointsKey, int] = field(default_factory=lambda: DEFAULT_POINTS, hash=False)
    unsupervised_points: int = 0
    untiered_points: int = 0
    grade_targets: Mapping[Grade, int] = field(
        default_factory=lambda: DEFAULT_GRADE_TARGETS, hash=False
    )
    default_hours: float = 37.0
    over_capacity_percent: float = 100.0
    flagged_capacity_percent: float = 110.0
    reduction_shares: Mapping[ReductionReason, float] = field(
        default_factory=lambda: DEFAULT_REDUCTION_SHARES, hash=False
    )
    pqip_months: tuple[int, int, int] = (6, 12, 18)
    newly_qualified_months: int = 9

    def __post_init__(self) -> None:
        """Refuse numbers no PDU can mean: each would divide by zero or count backwards."""
        missing = set(DEFAULT_POINTS) - set(self.points)
        if missing:
            raise WorkloadInputError(f"The points table has no value for {sorted(missing)[0]}")
        for (kind, protect, change), value in sorted(self.points.items()):
            _not_negative(value, f"Workload points of a {kind} case in tier {protect}{change}")
        _not_negative(self.unsupervised_points, "Workload points of an unsupervised case")
        _not_negative(self.untiered_points, "Workload points of an untiered case")
        for grade, target in self.grade_targets.items():
            _not_negative(target, f"The target points of a {Grade(grade).short}")
        _more_than_zero(
            self.default_hours, "The default hours a grade's target points are for", " hours"
        )
        _more_than_zero(self.over_capacity_percent, "Capacity shown red above", "%")
        _more_than_zero(self.flagged_capacity_percent, "Capacity flagged above", "%")
        for reason, share in self.reduction_shares.items():
            if not 0 <= share <= 1:
                raise WorkloadInputError(
                    f"{ReductionReason(reason).label} must take from 0% to 100% of "
                    f"contracted hours, not {share * 100:g}%"
                )
        pqip = (0, *self.pqip_months)
        if len(pqip) != 4 or any(a >= b for a, b in pairwise(pqip)):
            raise WorkloadInputError(
                f"The PQiP bands must end at rising months after the start, not {self.pqip_months}"
            )
        if self.newly_qualified_months < 1:
            raise WorkloadInputError(
                "A newly qualified PO's reduction must last at least 1 month, "
                f"not {self.newly_qualified_months}"
            )
        for name in ("points", "grade_targets", "reduction_shares"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def points_for(self, kind: str, protect: str, change: int) -> int:
        """Points for one case of a kind and tier (DOMAIN.md 4a table)."""
        return self.points[(kind, protect, change)]


def _not_negative(value: float, what: str) -> None:
    if not value >= 0:  # NaN too
        raise WorkloadInputError(f"{what} cannot be negative: {value:g}")


def _more_than_zero(value: float, what: str, unit: str) -> None:
    if not (0 < value < math.inf):  # a zero divides by zero later; NaN and infinity mean nothing
        raise WorkloadInputError(f"{what} must be more than 0{unit}, not {value:g}{unit}")


DEFAULT_SETTINGS = WorkloadSettings()


def case_points(
    settings: WorkloadSettings,
    sentence_type: SentenceType,
    tier: str | None,
    unsupervised: bool = False,
) -> int:
    """Workload points of one case held, by tier and case type (DOMAIN.md 4a).

    Untiered (None, blank, NDelius 0) and unsupervised (``S`` or the flag)
    cases carry their own points, 0 by default. A bad tier raises TierInputError.
    """
    parsed = parse_tier(tier)
    if parsed is None:
        return settings.untiered_points
    protect, change, tier_unsupervised = parsed
    if unsupervised or tier_unsupervised:
        return settings.unsupervised_points
    return settings.points_for(sentence_type.workload_kind, protect, change)


def _check_hours(*hours: float) -> None:
    if any(h < 0 for h in hours):
        raise WorkloadInputError(f"Hours cannot be negative: {', '.join(map(str, hours))}")


def available_points(
    settings: WorkloadSettings, grade: Grade, contracted_hours: float, reduction_hours: float
) -> float:
    """Points a practitioner's available hours allow (DOMAIN.md 4a).

    target x (contracted / default hours) x ((contracted - reduction) / contracted),
    never below 0; 0 for no contracted hours or a grade without a target.
    """
    _check_hours(contracted_hours, reduction_hours)
    target = settings.grade_targets.get(grade, 0)
    if contracted_hours == 0 or target == 0 or not grade.is_practitioner:
        return 0.0
    share = (contracted_hours - min(reduction_hours, contracted_hours)) / contracted_hours
    return max(0.0, target * (contracted_hours / settings.default_hours) * share)


def capacity_percent(points_held: float, available: float) -> float | None:
    """Points held as a percentage of available points; None when none are available."""
    if available <= 0:
        return None
    return points_held / available * 100


def capacity_band(percent: float, settings: WorkloadSettings = DEFAULT_SETTINGS) -> CapacityBand:
    """ "over" above 100% (shown red), "flagged" above 110%, else "ok" (DOMAIN.md 4a)."""
    if percent > settings.flagged_capacity_percent:
        return "flagged"
    if percent > settings.over_capacity_percent:
        return "over"
    return "ok"


@dataclass(frozen=True)
class Reduction:
    """Hours per week taken off a practitioner's capacity over dates (DOMAIN.md 4a).

    Both ``start`` and ``end`` are included; no ``end`` means open-ended.
    """

    start: date
    end: date | None
    hours_per_week: float
    reason: str
    note: str = ""

    def __post_init__(self) -> None:
        _check_hours(self.hours_per_week)
        if self.end is not None and self.end < self.start:
            raise WorkloadInputError(
                f"Reduction ends {self.end:%d/%m/%Y} before it starts {self.start:%d/%m/%Y}"
            )

    def status(self, as_at: date) -> ReductionStatus:
        """Scheduled before its start, ended after its end, else active."""
        if as_at < self.start:
            return "scheduled"
        if self.end is not None and as_at > self.end:
            return "ended"
        return "active"


def reduction_hours_on(
    reductions: Iterable[Reduction], contracted_hours: float, as_at: date
) -> float:
    """Weekly hours of the reductions active on a date, at most the contracted hours."""
    total = sum(r.hours_per_week for r in reductions if r.status(as_at) == "active")
    return min(float(total), max(contracted_hours, 0.0))


def next_reduction_change(reductions: Iterable[Reduction], as_at: date) -> date | None:
    """The first date after as_at on which some reduction's status changes.

    That is a start date after as_at, or the day after an end date (ends are
    included, so the change shows the next day). None when nothing is due.
    """
    dates = []
    for r in reductions:
        if r.start > as_at:
            dates.append(r.start)
        if r.end is not None and r.end >= as_at:
            dates.append(r.end + timedelta(days=1))
    return min(dates, default=None)


def add_months(day: date, months: int) -> date:
    """The same day some calendar months later, clamped to the month's end (31/08 + 6 -> 28/02)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _share_hours(settings: WorkloadSettings, reason: ReductionReason, contracted: float) -> float:
    return round(contracted * settings.reduction_shares.get(reason, 0.0), 2)


def default_reduction_hours(
    settings: WorkloadSettings, reason: ReductionReason, contracted_hours: float
) -> float | None:
    """Default weekly hours for a reason, or None where the reason has no default share."""
    _check_hours(contracted_hours)
    if reason not in settings.reduction_shares:
        return None
    return _share_hours(settings, reason, contracted_hours)


def pqip_reductions(
    programme_start: date, contracted_hours: float, settings: WorkloadSettings
) -> list[Reduction]:
    """The three PQiP bands: months 0-6 80%, 6-12 60%, 12-18 40% (DOMAIN.md 4a).

    Each band ends the day before the next starts; months are calendar months
    counted from the programme start.
    """
    _check_hours(contracted_hours)
    reasons = (
        ReductionReason.PQIP_MONTHS_0_6,
        ReductionReason.PQIP_MONTHS_6_12,
        ReductionReason.PQIP_MONTHS_12_18,
    )
    bounds = (0, *settings.pqip_months)
    return [
        Reduction(
            start=add_months(programme_start, bounds[i]),
            end=add_months(programme_start, bounds[i + 1]) - timedelta(days=1),
            hours_per_week=_share_hours(settings, reason, contracted_hours),
            reason=reason,
        )
        for i, reason in enumerate(reasons)
    ]


def newly_qualified_reduction(
    qualified: date, contracted_hours: float, settings: WorkloadSettings
) -> Reduction:
    """A newly qualified PO's reduction: first 9 months, 20% (DOMAIN.md 4a)."""
    _check_hours(contracted_hours)
    reason = ReductionReason.NEWLY_QUALIFIED_PO
    return Reduction(
        start=qualified,
        end=add_months(qualified, settings.newly_qualified_months) - timedelta(days=1),
        hours_per_week=_share_hours(settings, reason, contracted_hours),
        reason=reason,
    )


@dataclass(frozen=True)
class PractitionerLoad:
    """What a practitioner holds against what they can hold (DOMAIN.md 2, 4)."""

    points_held: int
    available: float
    cases: int
    high_cases: int = 0
    medium_low_cases: int = 0
    not_assessed_cases: int = 0

    def __post_init__(self) -> None:
        counts = (self.points_held, self.cases, self.high_cases, self.medium_low_cases)
        if min(*counts, self.not_assessed_cases) < 0 or self.available < 0:
            raise WorkloadInputError("A practitioner's load cannot be negative")

    @property
    def capacity_percent(self) -> float | None:
        """Capacity % (points held / available x 100); None with no available points."""
        return capacity_percent(self.points_held, self.available)

    def after(self, points: int, rosh: Rosh | None = None) -> PractitionerLoad:
        """The load after taking one more case of these points and RoSH (None: not assessed)."""
        high = rosh is not None and Rosh(rosh).is_high
        return PractitionerLoad(
            points_held=self.points_held + points,
            available=self.available,
            cases=self.cases + 1,
            high_cases=self.high_cases + high,
            medium_low_cases=self.medium_low_cases + (rosh is not None and not high),
            not_assessed_cases=self.not_assessed_cases + (rosh is None),
        )
