"""The tier of a case: protect level A-D and change level 0-3 (DOMAIN.md 3, 3a).

The two-axis model computed by HMPPS's tier service (ministryofjustice/hmpps-tier)
since 2021. The calculation sits behind :func:`calculate_tier` and each result
names its model, so a second model can sit beside this one later (DOMAIN.md 3a).
Pure rules: no Qt, no database.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Any, TypeVar

from app.domain.codes import RESTRICTIVE_REQUIREMENTS, Requirement, Rosh, SentenceType

MODEL = "TWO_AXIS_2021"
"""The model that made a tier; stored beside each tier (DOMAIN.md 3a)."""

PROTECT_LEVELS = ("A", "B", "C", "D")
CHANGE_LEVELS = (3, 2, 1, 0)
ALL_TIERS: tuple[str, ...] = tuple(f"{p}{c}" for p in PROTECT_LEVELS for c in CHANGE_LEVELS)
"""The sixteen tiers, highest first: A3, A2, A1, A0, B3 ... D0 (DOMAIN.md 3)."""

VALID_ASSESSMENT_WEEKS = 55
"""A full (layer 3) assessment counts for 55 weeks (DOMAIN.md 3a)."""


class TierInputError(ValueError):
    """A tier input or tier code that is not one of the known values."""


class ComplexityFactor(StrEnum):
    """Registered complexity factors: 2 protect points each (DOMAIN.md 3a)."""

    MENTAL_HEALTH = "MENTAL_HEALTH"
    ATTEMPTED_SUICIDE_OR_SELF_HARM = "ATTEMPTED_SUICIDE_OR_SELF_HARM"
    VULNERABILITY_ISSUE = "VULNERABILITY_ISSUE"
    CHILD_CONCERNS = "CHILD_CONCERNS"
    CHILD_PROTECTION = "CHILD_PROTECTION"
    RISK_TO_CHILDREN = "RISK_TO_CHILDREN"
    PUBLIC_INTEREST = "PUBLIC_INTEREST"
    ADULT_AT_RISK = "ADULT_AT_RISK"
    STREET_GANGS = "STREET_GANGS"
    TERRORISM = "TERRORISM"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Need(StrEnum):
    """Criminogenic needs from the assessment, with their weight (DOMAIN.md 3a)."""

    ACCOMMODATION = "ACCOMMODATION"
    EDUCATION_TRAINING_AND_EMPLOYABILITY = "EDUCATION_TRAINING_AND_EMPLOYABILITY"
    RELATIONSHIPS = "RELATIONSHIPS"
    LIFESTYLE_AND_ASSOCIATES = "LIFESTYLE_AND_ASSOCIATES"
    DRUG_MISUSE = "DRUG_MISUSE"
    ALCOHOL_MISUSE = "ALCOHOL_MISUSE"
    THINKING_AND_BEHAVIOUR = "THINKING_AND_BEHAVIOUR"
    ATTITUDES = "ATTITUDES"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def weight(self) -> int:
        """Thinking and behaviour and attitudes weigh 2; the others 1."""
        return 2 if self in (Need.THINKING_AND_BEHAVIOUR, Need.ATTITUDES) else 1


class NeedSeverity(StrEnum):
    """How severe a need is: no need 0, standard 1, severe 2 (DOMAIN.md 3a)."""

    NO_NEED = "NO_NEED"
    STANDARD = "STANDARD"
    SEVERE = "SEVERE"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").lower()

    @property
    def score(self) -> int:
        return {"NO_NEED": 0, "STANDARD": 1, "SEVERE": 2}[self.value]


E = TypeVar("E", bound=Enum)

_ROSH_POINTS: dict[Rosh | str | None, int] = {
    Rosh.VERY_HIGH: 150,
    Rosh.HIGH: 20,
    Rosh.MEDIUM: 10,
    Rosh.LOW: 0,
    None: 0,
}
_MAPPA_POINTS: dict[int | None, int] = {1: 5, 2: 150, 3: 150}
_MAPPA_OR_NONE = {**_MAPPA_POINTS, None: 0}
_NEED_POINTS: dict[str, dict[str, int]] = {
    need: {severity: need.weight * severity.score for severity in NeedSeverity} for need in Need
}
# RSR counts once rounded half-up to two decimals from its written form (repr).
# Shortest round-trip reprs keep the order of floats and the float nearest 6.995
# is written "6.995", so rsr >= 6.995 exactly when the written RSR rounds to 7.00
# or more; likewise 2.995 and 3.00. So the bands need no Decimal.
_RSR_HIGH, _RSR_MEDIUM = 6.995, 2.995
_FLAGS = (
    "is_female",
    "parenting_responsibilities",
    "impulsivity_or_temper_control",
    "previous_enforcement",
    "iom_nominal",
    "has_mandate_for_change",
    "has_assessment",
)


_MEMBERS: dict[type[Enum], dict[object, Enum]] = {}


def _choice(kind: type[E], value: object, what: str) -> E:
    """The enum member named by ``value``, or a TierInputError naming the bad value."""
    members = _MEMBERS.get(kind)
    if members is None:  # a dict, not kind(value): this runs for every case of an import
        members = _MEMBERS[kind] = {m.value: m for m in kind}
    try:
        return members[value]  # type: ignore[return-value]
    except (KeyError, TypeError):
        allowed = ", ".join(str(m.value) for m in kind)
        raise TierInputError(f"Unknown {what} {value!r}: expected one of {allowed}") from None


def _percent(value: object, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TierInputError(f"{what} {value!r} is not a number")
    if math.isnan(value) or not 0 <= value <= 100:
        raise TierInputError(f"{what} {value!r} is not a percentage from 0 to 100")


@dataclass(frozen=True)
class TierInputs:
    """What the tier is calculated from (DOMAIN.md 3a).

    Values are checked and normalised on creation: ``rosh`` becomes a
    :class:`Rosh`, factors :class:`ComplexityFactor`, needs :class:`Need` to
    :class:`NeedSeverity`. Anything unknown raises :class:`TierInputError`.
    """

    rosh: Rosh | str | None = None
    rsr_percent: float | None = None
    mappa_level: int | None = None
    complexity_factors: frozenset[str] = frozenset()
    is_female: bool = False
    parenting_responsibilities: bool = False
    impulsivity_or_temper_control: bool = False
    previous_enforcement: bool = False
    iom_nominal: bool = False
    has_mandate_for_change: bool = True
    has_assessment: bool = True
    ogrs_percent: int | None = None
    needs: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)

    def __post_init__(self) -> None:
        if self.rosh is not None:
            object.__setattr__(self, "rosh", _choice(Rosh, self.rosh, "RoSH level"))
        if self.rsr_percent is not None:
            _percent(self.rsr_percent, "RSR")
        if self.ogrs_percent is not None:
            if isinstance(self.ogrs_percent, bool) or not isinstance(self.ogrs_percent, int):
                raise TierInputError(f"OGRS {self.ogrs_percent!r} is not a whole number")
            _percent(self.ogrs_percent, "OGRS")
        if self.mappa_level is not None and (
            isinstance(self.mappa_level, bool) or self.mappa_level not in _MAPPA_POINTS
        ):
            raise TierInputError(f"Unknown MAPPA level {self.mappa_level!r}: expected 1, 2 or 3")
        for name in _FLAGS:
            if not isinstance(getattr(self, name), bool):
                raise TierInputError(f"{name} must be True or False, not {getattr(self, name)!r}")
        object.__setattr__(self, "complexity_factors", self._factors())
        object.__setattr__(self, "needs", self._needs())

    def _factors(self) -> frozenset[ComplexityFactor]:
        if isinstance(self.complexity_factors, str):
            raise TierInputError("Complexity factors must be a set of names, not one string")
        return frozenset(
            _choice(ComplexityFactor, f, "complexity factor") for f in self.complexity_factors
        )

    def _needs(self) -> Mapping[Need, NeedSeverity]:
        if isinstance(self.needs, _CheckedNeeds):
            return self.needs  # type: ignore[return-value]  # checked once by checked_needs(): an import reuses a few
        if not isinstance(self.needs, Mapping):
            raise TierInputError(f"Needs must map need names to severities, not {self.needs!r}")
        checked = {
            _choice(Need, need, "need"): _choice(NeedSeverity, sev, f"severity for need {need}")
            for need, sev in self.needs.items()
        }
        return MappingProxyType(checked)


class _CheckedNeeds(dict[str, str]):
    """Needs already checked: Need to NeedSeverity (made only by :func:`checked_needs`)."""


def checked_needs(needs: Mapping[str, str]) -> Mapping[str, str]:
    """Needs checked and normalised once, for many TierInputs to share without re-checking.

    Raises :class:`TierInputError` as TierInputs would. Treat the result as read-only.
    """
    return _CheckedNeeds(TierInputs(needs=needs).needs)


class _LazyExplanation:
    """``TierResult.explanation``, written on first read for results of :func:`calculate_tier`.

    Those keep their inputs; a result made by ``TierResult(...)`` holds its own explanation.
    """

    def __get__(self, result: object, owner: object = None) -> tuple[str, ...]:
        if result is None:
            return ()  # the dataclass default
        facts = vars(result)
        inputs = facts["_inputs"]
        lines = facts["explanation"] = (
            *_protect_lines(inputs, facts["protect_points"], facts["protect"]),
            *_change_lines(inputs, facts["change_points"], facts["change"]),
        )
        return lines


_EXPLANATION: Any = _LazyExplanation()


@dataclass(frozen=True)
class TierResult:
    """A calculated tier with the points behind it (DOMAIN.md 3a: show the points)."""

    protect: str
    change: int
    protect_points: int
    change_points: int
    tier: str
    model: str = MODEL
    explanation: tuple[str, ...] = _EXPLANATION
    """Defaults to (); written on first read for results of :func:`calculate_tier`."""

    def __reduce__(self) -> tuple[type[TierResult], tuple[object, ...]]:
        """Copy and pickle as a plain result, with the explanation written out."""
        return TierResult, tuple(getattr(self, f.name) for f in fields(self))


def _points(n: int) -> str:
    return "1 point" if n == 1 else f"{n} points"


def _rsr_points(rsr: float | None) -> int:
    """RSR band points once rounded half-up to two decimals; both band ends count."""
    return 0 if rsr is None else 20 if rsr >= _RSR_HIGH else 10 if rsr >= _RSR_MEDIUM else 0


def protect_level(points: int) -> str:
    """Protect level for protect points: A 150+, B 20-149, C 10-19, D under 10 (DOMAIN.md 3a)."""
    return "A" if points >= 150 else "B" if points >= 20 else "C" if points >= 10 else "D"


def change_level(points: int) -> int:
    """Change level for change points: 3 at 20+, 2 at 10-19, 1 under 10 (DOMAIN.md 3a).

    Applies only with a mandate for change and a valid assessment.
    """
    return 3 if points >= 20 else 2 if points >= 10 else 1


def _harm_lines(inputs: TierInputs) -> list[str]:
    """RoSH and RSR points, saying which of the two counts (DOMAIN.md 3a)."""
    rosh = None if inputs.rosh is None else Rosh(inputs.rosh)
    rosh_points, rsr_points = _ROSH_POINTS[rosh], _rsr_points(inputs.rsr_percent)
    rsr = "not known"
    if inputs.rsr_percent is not None:
        rounded = Decimal(repr(float(inputs.rsr_percent))).quantize(Decimal("0.01"), ROUND_HALF_UP)
        rsr = f"{rounded}%"
    rosh_line = f"RoSH {'not assessed' if rosh is None else rosh.label}: {_points(rosh_points)}"
    rsr_line = f"RSR {rsr}: {_points(rsr_points)}"
    if rosh_points and rsr_points:
        counted = " (larger of RoSH and RSR counts)"
        if rsr_points > rosh_points:
            rsr_line, rosh_line = rsr_line + counted, rosh_line + " (not counted)"
        else:
            rosh_line, rsr_line = rosh_line + counted, rsr_line + " (not counted)"
    return [rosh_line, rsr_line]


def _protect_lines(inputs: TierInputs, points: int, level: str) -> list[str]:
    """The protect points one by one, then the total and level (DOMAIN.md 3a)."""
    lines = _harm_lines(inputs)
    if inputs.mappa_level is not None:
        mappa = _MAPPA_POINTS[inputs.mappa_level]
        lines.append(f"MAPPA level {inputs.mappa_level}: {_points(mappa)}")
    lines += [f"{f.label}: 2 points" for f in ComplexityFactor if f in inputs.complexity_factors]
    if inputs.is_female:  # two of the women-only points need a valid assessment
        counted = "2 points" if inputs.has_assessment else "not counted without a valid assessment"
        if inputs.parenting_responsibilities:
            lines.append(f"Parenting responsibilities (women): {counted}")
        if inputs.impulsivity_or_temper_control:
            lines.append(f"Impulsivity or temper control (women): {counted}")
        if inputs.previous_enforcement:
            lines.append("Breach or recall in the last 12 months (women): 2 points")
    lines.append(f"Protect total {_points(points)}: level {level}")
    return lines


def _change_lines(inputs: TierInputs, points: int, level: int) -> list[str]:
    """The change points one by one, then the total and level (DOMAIN.md 3a)."""
    if not inputs.has_mandate_for_change:
        return ["No mandate for change: change level 0"]
    if not inputs.has_assessment:
        return ["No valid assessment: change level 2 until one is done"]
    lines = []
    for need in Need:
        severity = NeedSeverity(inputs.needs.get(need, NeedSeverity.NO_NEED))
        if severity.score:
            lines.append(
                f"{need.label} ({severity.label}): {_points(_NEED_POINTS[need][severity])}"
            )
    if inputs.ogrs_percent is not None:
        lines.append(f"OGRS {inputs.ogrs_percent}%: {_points(inputs.ogrs_percent // 10)}")
    if inputs.iom_nominal:
        lines.append("IOM nominal: 2 points")
    lines.append(f"Change total {_points(points)}: level {level}")
    return lines


_TIERS = {p: tuple(f"{p}{c}" for c in range(4)) for p in PROTECT_LEVELS}
_new_result = object.__new__
_set = object.__setattr__


def calculate_tier(inputs: TierInputs) -> TierResult:
    """The tier of a case from its risk and needs, with the points behind it (DOMAIN.md 3a).

    Table look-ups only; the result keeps its inputs to write the explanation when first read.
    """
    harm = _rsr_points(inputs.rsr_percent)
    rosh = _ROSH_POINTS[inputs.rosh]
    points = (rosh if rosh > harm else harm) + _MAPPA_OR_NONE[inputs.mappa_level]
    points += 2 * len(inputs.complexity_factors)
    if inputs.is_female:
        if inputs.has_assessment:
            points += 2 * (inputs.parenting_responsibilities + inputs.impulsivity_or_temper_control)
        if inputs.previous_enforcement:
            points += 2
    if not inputs.has_mandate_for_change:
        change = change_points = 0
    elif not inputs.has_assessment:
        change, change_points = 2, 0
    else:
        change_points = 0
        for need, severity in inputs.needs.items():
            change_points += _NEED_POINTS[need][severity]
        if inputs.ogrs_percent is not None:
            change_points += inputs.ogrs_percent // 10
        if inputs.iom_nominal:
            change_points += 2
        change = change_level(change_points)
    protect = protect_level(points)
    result: TierResult = _new_result(TierResult)
    _set(result, "protect", protect)
    _set(result, "change", change)
    _set(result, "protect_points", points)
    _set(result, "change_points", change_points)
    _set(result, "tier", _TIERS[protect][change])
    _set(result, "model", MODEL)
    _set(result, "_inputs", inputs)
    return result


def protect_rank(letter: str) -> int:
    """How serious a protect level is: A 4, B 3, C 2, D 1 (A highest, DOMAIN.md 3)."""
    key = letter.strip().upper() if isinstance(letter, str) else letter
    if key not in PROTECT_LEVELS:
        raise TierInputError(f"Unknown protect level {letter!r}: expected A, B, C or D")
    return len(PROTECT_LEVELS) - PROTECT_LEVELS.index(key)


def format_tier(protect: str, change: int, unsupervised: bool = False) -> str:
    """A tier as written, e.g. ``B2``, or ``B2S`` in the unsupervised part of a licence."""
    protect_rank(protect)
    if isinstance(change, bool) or not isinstance(change, int) or change not in CHANGE_LEVELS:
        raise TierInputError(f"Unknown change level {change!r}: expected 0, 1, 2 or 3")
    return f"{protect.strip().upper()}{change}{'S' if unsupervised else ''}"


_TIER_TEXT = re.compile(r"([A-D])([0-3])(S?)")
_DIGITS = re.compile(r"[0-9]{1,3}")


def parse_tier(text: str | int | None) -> tuple[str, int, bool] | None:
    """Read a tier as (protect, change, unsupervised), or None for an untiered case.

    Accepts ``B2``, ``b2s`` and NDelius numeric Tier_Codes: 0 untiered, 1 A3,
    2 A2, 3 A1, 4 A0, 5 B3 ... 16 D0, and 17-32 the same tiers with ``S``.
    Blank text and None also mean untiered. Anything else raises TierInputError.
    """
    if text is None:
        return None
    if isinstance(text, bool) or not isinstance(text, str | int):
        raise TierInputError(f"Tier {text!r} is not a tier code")
    cleaned = str(text).strip().upper()
    if cleaned == "":
        return None
    if _DIGITS.fullmatch(cleaned):
        return _parse_numeric(int(cleaned), text)
    match = _TIER_TEXT.fullmatch(cleaned)
    if match is None:
        raise TierInputError(f"Tier {text!r} is not a tier such as B2 or B2S")
    return match[1], int(match[2]), match[3] == "S"


def _parse_numeric(code: int, text: object) -> tuple[str, int, bool] | None:
    if code == 0:
        return None
    if not 1 <= code <= 2 * len(ALL_TIERS):
        raise TierInputError(f"Tier code {text!r} is not an NDelius tier code from 0 to 32")
    index = (code - 1) % len(ALL_TIERS)
    return PROTECT_LEVELS[index // 4], CHANGE_LEVELS[index % 4], code > len(ALL_TIERS)


def tier_sort_key(tier: str | None) -> int:
    """A number ordering tiers: A3 16 (highest) ... D0 1, untiered 0; ``S`` sorts with its base."""
    parsed = parse_tier(tier)
    if parsed is None:
        return 0
    protect, change, _unsupervised = parsed
    return (protect_rank(protect) - 1) * len(CHANGE_LEVELS) + change + 1


def mandate_for_change(
    sentence_type: SentenceType,
    requirements: Iterable[Requirement],
    restrictive: frozenset[Requirement] = RESTRICTIVE_REQUIREMENTS,
) -> bool:
    """Whether the case gives a mandate for change (DOMAIN.md 3a).

    A custodial sentence always does; otherwise some requirement must be
    neither unpaid work nor restrictive (curfew, exclusion, EM ...).
    """
    if sentence_type.is_custodial:
        return True
    return any(r is not Requirement.UPW and r not in restrictive for r in requirements)


def assessment_is_valid(
    assessment_date: date | None, as_at: date, weeks: int = VALID_ASSESSMENT_WEEKS
) -> bool:
    """Whether a full assessment still counts: dated at most 55 weeks before as_at (DOMAIN.md 3a).

    A date after as_at (odd data) still counts as valid.
    """
    if assessment_date is None:
        return False
    return assessment_date >= as_at - timedelta(weeks=weeks)
