"""The PO allocation policy: which grade may hold which risk (DOMAIN.md 2, 4a).

High and Very High RoSH and MAPPA level 2/3 cases belong with a PO; a PQiP may
take a High RoSH case with the SPO's recorded confirmation; a PSO takes Low
and Medium. Not-yet-assessed RoSH is allowed to any grade. The app never
blocks: a choice outside the policy needs a recorded reason (hmpps-allocations
monitors cases "held outside the PO allocation policy").
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.codes import Grade, Rosh


@dataclass(frozen=True)
class PolicyCheck:
    """Whether a grade may hold a case, and why not."""

    within_policy: bool
    needs_confirmation: bool = False
    reason: str = ""


WITHIN = PolicyCheck(True)


def _rosh(value: Rosh | str | None) -> Rosh | None:
    return None if value is None else Rosh(value)


def check_grade(
    grade: Grade | str, rosh: Rosh | str | None, mappa_level: int | None
) -> PolicyCheck:
    """Is holding a case of this RoSH and MAPPA level within the grade's policy?"""
    grade = Grade(grade)
    level = _rosh(rosh)
    high_mappa = mappa_level in (2, 3)
    if grade is Grade.PO:
        return WITHIN
    if grade is Grade.PQIP:
        if level is Rosh.VERY_HIGH or high_mappa:
            what = "Very High RoSH" if level is Rosh.VERY_HIGH else f"MAPPA level {mappa_level}"
            return PolicyCheck(False, reason=f"{what} cases belong with a PO, not a PQiP")
        if level is Rosh.HIGH:
            return PolicyCheck(
                False,
                needs_confirmation=True,
                reason="a PQiP holding a High RoSH case needs the SPO's recorded confirmation",
            )
        return WITHIN
    if grade is Grade.PSO:
        if level is not None and level.is_high:
            return PolicyCheck(False, reason=f"a PSO holds Low and Medium RoSH, not {level.label}")
        if high_mappa:
            return PolicyCheck(False, reason=f"MAPPA level {mappa_level} cases belong with a PO")
        return WITHIN
    return PolicyCheck(False, reason=f"a {grade.label} does not hold a caseload")
