"""The demo's risk and needs assessments: the inputs the tiers are computed from.

Spreads follow a typical PDU: RoSH about 35% Low, 45% Medium, 15% High, 2%
Very High and 3% not yet assessed; MAPPA for some High and Very High cases;
RSR and OGRS scores in step with the risk; most cases with a full assessment
done in the last 55 weeks, some older (so their change level falls back to
the default) and a few with none (DOMAIN.md 3a).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from app.domain.codes import Rosh
from app.domain.tiering import ComplexityFactor, Need, NeedSeverity

_ROSH = (Rosh.LOW, Rosh.MEDIUM, Rosh.HIGH, Rosh.VERY_HIGH)
_ROSH_WEIGHTS = (35, 45, 15, 2)
# (level 1, level 2, level 3) chances by RoSH; MAPPA is for the serious cases.
_MAPPA = {
    Rosh.LOW: (0.0, 0.0, 0.0),
    Rosh.MEDIUM: (0.04, 0.0, 0.0),
    Rosh.HIGH: (0.25, 0.1, 0.02),
    Rosh.VERY_HIGH: (0.15, 0.5, 0.25),
}
_RSR = {
    Rosh.LOW: (0.1, 2.9),
    Rosh.MEDIUM: (0.8, 6.9),
    Rosh.HIGH: (2.5, 11.0),
    Rosh.VERY_HIGH: (4.0, 18.0),
}
_FACTORS = tuple(f for f in ComplexityFactor if f is not ComplexityFactor.TERRORISM)


@dataclass(frozen=True)
class AssessmentPlan:
    """One assessment to write (an ``assessment`` row)."""

    assessment_date: date
    rosh: Rosh | None
    rsr_percent: float | None
    ogrs_percent: int | None
    mappa_level: int | None
    mappa_category: int | None
    has_full_assessment: bool
    complexity_factors: tuple[ComplexityFactor, ...] = ()
    needs: dict[Need, NeedSeverity] = field(default_factory=dict)
    iom_nominal: bool = False
    parenting_responsibilities: bool = False
    impulsivity_or_temper_control: bool = False
    previous_enforcement: bool = False

    @property
    def is_high(self) -> bool:
        """A PO case: High or Very High RoSH, or MAPPA level 2 or 3 (DOMAIN.md 2)."""
        return (self.rosh is not None and self.rosh.is_high) or self.mappa_level in (2, 3)


def _mappa(rng: random.Random, rosh: Rosh | None) -> tuple[int | None, int | None]:
    if rosh is None:
        return None, None
    roll = rng.random()
    for level, chance in enumerate(_MAPPA[rosh], start=1):
        if roll < chance:
            return level, rng.choices((1, 2, 3), (45, 50, 5))[0]
        roll -= chance
    return None, None


def _needs(rng: random.Random, ogrs: int | None) -> dict[Need, NeedSeverity]:
    """Criminogenic needs, more of them where reoffending is likelier."""
    share = (ogrs or 30) / 100
    chance, severe = share**1.4, 0.15 + share / 2
    needs = {}
    for need in Need:
        if rng.random() < chance:
            needs[need] = NeedSeverity.SEVERE if rng.random() < severe else NeedSeverity.STANDARD
        else:
            needs[need] = NeedSeverity.NO_NEED
    return needs


def _rsr(rng: random.Random, rosh: Rosh | None) -> float | None:
    if rosh is None or rng.random() < 0.05:
        return None
    low, high = _RSR[rosh]
    return round(rng.uniform(low, high), 2)


def assess(
    rng: random.Random, when: date, is_female: bool, *, fresh: bool = False
) -> AssessmentPlan | None:
    """A plausible assessment dated ``when``; None for a case with none yet.

    ``fresh`` cases (waiting for allocation) are more often not yet assessed.
    """
    missing, unassessed, full = (0.06, 0.12, 0.6) if fresh else (0.02, 0.01, 0.93)
    if rng.random() < missing:
        return None
    rosh = None if rng.random() < unassessed else rng.choices(_ROSH, _ROSH_WEIGHTS)[0]
    ogrs = None if rng.random() < 0.04 else int(rng.triangular(2, 96, 22))
    level, category = _mappa(rng, rosh)
    factors = rng.sample(_FACTORS, rng.choices((0, 1, 2, 3), (68, 20, 9, 3))[0])
    return AssessmentPlan(
        assessment_date=when,
        rosh=rosh,
        rsr_percent=_rsr(rng, rosh),
        ogrs_percent=ogrs,
        mappa_level=level,
        mappa_category=category,
        has_full_assessment=rosh is not None and rng.random() < full,
        complexity_factors=tuple(sorted(factors)),
        needs=_needs(rng, ogrs),
        iom_nominal=rng.random() < (0.12 if (ogrs or 0) > 70 else 0.02),
        parenting_responsibilities=is_female and rng.random() < 0.4,
        impulsivity_or_temper_control=is_female and rng.random() < 0.35,
        previous_enforcement=is_female and rng.random() < 0.15,
    )


def assessment_date(rng: random.Random, sentence_date: date, today: date) -> date:
    """When the latest assessment was done: before sentence, a recent review, or stale.

    About one in eight cases sentenced over 57 weeks ago has an assessment
    older than 55 weeks, which no longer counts (DOMAIN.md 3a).
    """
    if sentence_date <= today - timedelta(weeks=57) and rng.random() < 0.12:
        return today - timedelta(weeks=55, days=rng.randint(3, 120))
    if sentence_date >= today - timedelta(weeks=26):
        return sentence_date - timedelta(days=rng.randint(0, 14))
    return today - timedelta(days=rng.randint(7, 180))


def can_rise(plan: AssessmentPlan | None, is_female: bool) -> bool:
    """Whether a tier rise from protect C to B can be staged on this assessment."""
    return (
        plan is not None
        and not is_female
        and plan.has_full_assessment
        and plan.rosh in (Rosh.LOW, Rosh.MEDIUM)
        and plan.mappa_level is None
        and len(plan.complexity_factors) <= 2
    )


def staged_rise(
    rng: random.Random, plan: AssessmentPlan, earlier_on: date, today: date
) -> tuple[AssessmentPlan, AssessmentPlan]:
    """An earlier Medium RoSH assessment (protect C) and a new High one (protect B)."""
    earlier = replace(plan, rosh=Rosh.MEDIUM, rsr_percent=1.8, assessment_date=earlier_on)
    latest = replace(
        plan,
        rosh=Rosh.HIGH,
        rsr_percent=round(rng.uniform(3.0, 6.5), 2),
        assessment_date=today - timedelta(days=rng.randint(1, 5)),
    )
    return earlier, latest
