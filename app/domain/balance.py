"""The tiering balance: who holds which risk, and what is out of line (SPEC.md 4.4).

The exceptions the balance view flags, each with the reason a senior
probation officer reads:

- a PSO holding a High or Very High RoSH case, or a MAPPA level 2/3 case
  (those belong with a PO: DOMAIN.md 2, TOM 817);
- a PQiP holding a High RoSH case without the SPO's recorded confirmation, or
  a Very High RoSH or MAPPA 2/3 case at all (DOMAIN.md 2, 4a);
- a PO with no mix once they hold enough assessed cases (default 5, the
  ``po_mix_min_cases`` setting): all high, or all medium/low (TOM 817).
  Not-yet-assessed cases count on neither side (DOMAIN.md 2), so they do not
  count towards the threshold either;
- capacity above 100% (shown red) and above 110% (flagged) (DOMAIN.md 4a).

Pure rules: no Qt, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.domain.codes import Grade, Rosh
from app.domain.policy import check_grade
from app.domain.tiering import PROTECT_LEVELS, parse_tier
from app.domain.workload import DEFAULT_SETTINGS, WorkloadSettings, capacity_band

DEFAULT_PO_MIX_MIN_CASES = 5
"""Assessed cases a PO holds before a mix is expected (DOMAIN.md 2; a setting)."""


class ExceptionKind(StrEnum):
    """Kinds of balance exception (SPEC.md 4.4)."""

    PSO_HIGH_RISK = "PSO_HIGH_RISK"
    PQIP_UNCONFIRMED = "PQIP_UNCONFIRMED"
    PQIP_OUTSIDE_GRADE = "PQIP_OUTSIDE_GRADE"
    PO_NO_MIX = "PO_NO_MIX"
    OVER_CAPACITY = "OVER_CAPACITY"
    CAPACITY_FLAGGED = "CAPACITY_FLAGGED"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    ExceptionKind.PSO_HIGH_RISK: "PSO holding high risk",
    ExceptionKind.PQIP_UNCONFIRMED: "PQiP High RoSH not confirmed",
    ExceptionKind.PQIP_OUTSIDE_GRADE: "PQiP holding a PO case",
    ExceptionKind.PO_NO_MIX: "PO with no mix",
    ExceptionKind.OVER_CAPACITY: "Over capacity",
    ExceptionKind.CAPACITY_FLAGGED: "Capacity flagged",
}


@dataclass(frozen=True)
class BalanceException:
    """One thing out of line for one practitioner, with the reason shown to the user.

    ``flagged`` marks the serious ones (a case outside the grade, capacity
    above 110%); the others are shown as warnings.
    """

    kind: ExceptionKind
    reason: str
    flagged: bool = True


@dataclass(frozen=True)
class HeldCase:
    """What the rules need of one case a practitioner holds.

    ``confirmed``: the allocation carries a recorded reason or the SPO's
    confirmation (``Allocation.policy_reason``).
    """

    rosh: Rosh | None
    mappa_level: int | None = None
    confirmed: bool = False


def _cases(n: int) -> str:
    return "1 case" if n == 1 else f"{n} cases"


def grade_exceptions(grade: Grade, cases: Iterable[HeldCase]) -> list[BalanceException]:
    """Cases held outside the grade's part of the PO allocation policy (DOMAIN.md 2).

    Uses :func:`app.domain.policy.check_grade` per case; a PQiP's High RoSH
    case is an exception only while no confirmation is recorded.
    """
    if grade is Grade.PO or not grade.is_practitioner:
        return []
    outside = unconfirmed = 0
    for case in cases:
        verdict = check_grade(grade, case.rosh, case.mappa_level)
        if verdict.needs_confirmation:
            unconfirmed += not case.confirmed
        elif not verdict.within_policy:
            outside += 1
    found: list[BalanceException] = []
    if grade is Grade.PSO and outside:
        found.append(
            BalanceException(
                ExceptionKind.PSO_HIGH_RISK,
                f"PSO holding {_cases(outside)} of High or Very High RoSH or MAPPA level 2/3: "
                "these belong with a PO",
            )
        )
    if grade is Grade.PQIP and outside:
        found.append(
            BalanceException(
                ExceptionKind.PQIP_OUTSIDE_GRADE,
                f"PQiP holding {_cases(outside)} of Very High RoSH or MAPPA level 2/3: "
                "these belong with a PO",
            )
        )
    if grade is Grade.PQIP and unconfirmed:
        found.append(
            BalanceException(
                ExceptionKind.PQIP_UNCONFIRMED,
                f"PQiP holding {_cases(unconfirmed)} of High RoSH without the SPO's "
                "recorded confirmation",
            )
        )
    return found


def po_lacks_mix(high: int, medium_low: int, min_cases: int = DEFAULT_PO_MIX_MIN_CASES) -> bool:
    """True when a PO holds ``min_cases`` or more assessed cases, all on one side (TOM 817)."""
    if high < 0 or medium_low < 0:
        raise ValueError("Case counts cannot be negative")
    return high + medium_low >= min_cases and (high == 0 or medium_low == 0)


def mix_exception(
    grade: Grade, high: int, medium_low: int, min_cases: int = DEFAULT_PO_MIX_MIN_CASES
) -> BalanceException | None:
    """The "PO with no mix" exception, or None (DOMAIN.md 2; POs only, not PQiPs)."""
    if grade is not Grade.PO or not po_lacks_mix(high, medium_low, min_cases):
        return None
    side = "High or Very High" if high else "Medium or Low"
    return BalanceException(
        ExceptionKind.PO_NO_MIX,
        f"PO with no mix: all {_cases(high + medium_low)} assessed are {side} RoSH "
        f"(a mix is expected from {_cases(min_cases)})",
        flagged=False,
    )


def capacity_exception(
    percent: float | None, settings: WorkloadSettings = DEFAULT_SETTINGS
) -> BalanceException | None:
    """Over 100% (red) or over 110% (flagged) capacity, or None (DOMAIN.md 4a)."""
    if percent is None:
        return None
    band = capacity_band(percent, settings)
    if band == "flagged":
        return BalanceException(
            ExceptionKind.CAPACITY_FLAGGED,
            f"Capacity {percent:.0f}%: over {settings.flagged_capacity_percent:g}%",
        )
    if band == "over":
        return BalanceException(
            ExceptionKind.OVER_CAPACITY,
            f"Capacity {percent:.0f}%: over {settings.over_capacity_percent:g}%",
            flagged=False,
        )
    return None


def practitioner_exceptions(
    grade: Grade,
    cases: Iterable[HeldCase],
    capacity_percent: float | None,
    min_cases: int = DEFAULT_PO_MIX_MIN_CASES,
    settings: WorkloadSettings = DEFAULT_SETTINGS,
) -> tuple[BalanceException, ...]:
    """Every balance exception of one practitioner, most serious first (SPEC.md 4.4)."""
    held = list(cases)
    high = sum(1 for c in held if c.rosh is not None and c.rosh.is_high)
    medium_low = sum(1 for c in held if c.rosh is not None and not c.rosh.is_high)
    found = grade_exceptions(grade, held)
    for extra in (
        mix_exception(grade, high, medium_low, min_cases),
        capacity_exception(capacity_percent, settings),
    ):
        if extra is not None:
            found.append(extra)
    return tuple(sorted(found, key=lambda e: not e.flagged))


def tier_mix_summary(tier_counts: Mapping[str, int]) -> str:
    """Cases per protect level, e.g. "A 1 · B 4 · C 2 · untiered 1" (DOMAIN.md 3).

    Unsupervised ``S`` tiers count with their base tier; "Untiered" or blank
    keys are untiered cases; levels with no cases are left out.
    """
    per_level = dict.fromkeys(PROTECT_LEVELS, 0)
    untiered = 0
    for tier, n in tier_counts.items():
        parsed = parse_tier("" if tier == "Untiered" else tier)
        if parsed is None:
            untiered += n
        else:
            per_level[parsed[0]] += n
    parts = [f"{level} {n}" for level, n in per_level.items() if n]
    if untiered:
        parts.append(f"untiered {untiered}")
    return " · ".join(parts)
