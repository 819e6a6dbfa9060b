"""A tier's explanation agrees with the tier it explains (DOMAIN.md 3a: show the points).

The property reads the explanation as a user would: each line states a value
(a RoSH level, an RSR, a need and its severity, an OGRS score) and the points
it gives. The test recomputes those points from the stated value with
DOMAIN.md 3a's own tables, adds up what counts and checks the totals and levels
against the result, and checks that every input that scores is stated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.domain.codes import Rosh
from app.domain.tiering import (
    ComplexityFactor,
    Need,
    NeedSeverity,
    TierInputs,
    TierResult,
    calculate_tier,
)
from tests.unit import examples

# DOMAIN.md 3a, written out by hand rather than read from the code under test.
ROSH_POINTS = {"not assessed": 0, "Low": 0, "Medium": 10, "High": 20, "Very High": 150}
MAPPA_POINTS = {1: 5, 2: 150, 3: 150}
FACTOR_LABELS = {
    "Mental health": "MENTAL_HEALTH",
    "Attempted suicide or self harm": "ATTEMPTED_SUICIDE_OR_SELF_HARM",
    "Vulnerability issue": "VULNERABILITY_ISSUE",
    "Child concerns": "CHILD_CONCERNS",
    "Child protection": "CHILD_PROTECTION",
    "Risk to children": "RISK_TO_CHILDREN",
    "Public interest": "PUBLIC_INTEREST",
    "Adult at risk": "ADULT_AT_RISK",
    "Street gangs": "STREET_GANGS",
    "Terrorism": "TERRORISM",
}
NEED_LABELS = {
    "Accommodation": ("ACCOMMODATION", 1),
    "Education training and employability": ("EDUCATION_TRAINING_AND_EMPLOYABILITY", 1),
    "Relationships": ("RELATIONSHIPS", 1),
    "Lifestyle and associates": ("LIFESTYLE_AND_ASSOCIATES", 1),
    "Drug misuse": ("DRUG_MISUSE", 1),
    "Alcohol misuse": ("ALCOHOL_MISUSE", 1),
    "Thinking and behaviour": ("THINKING_AND_BEHAVIOUR", 2),
    "Attitudes": ("ATTITUDES", 2),
}
SEVERITY_SCORES = {"standard": ("STANDARD", 1), "severe": ("SEVERE", 2)}
WOMEN_LINES = {
    "Parenting responsibilities (women)": "parenting_responsibilities",
    "Impulsivity or temper control (women)": "impulsivity_or_temper_control",
    "Breach or recall in the last 12 months (women)": "previous_enforcement",
}
NEEDS_AN_ASSESSMENT = {"parenting_responsibilities", "impulsivity_or_temper_control"}
COUNTED_NOTE = " (larger of RoSH and RSR counts)"
NOT_COUNTED_NOTE = " (not counted)"
WITHOUT_ASSESSMENT = "not counted without a valid assessment"


def protect_level_of(points: int) -> str:
    return "A" if points >= 150 else "B" if points >= 20 else "C" if points >= 10 else "D"


def change_level_of(points: int) -> int:
    return 3 if points >= 20 else 2 if points >= 10 else 1


def rsr_points_of(stated: Decimal) -> int:
    """RSR band points of an RSR as written with two decimals; both band ends count."""
    return 20 if stated >= Decimal("7.00") else 10 if stated >= Decimal("3.00") else 0


def written(value: float) -> Decimal:
    """An RSR as the person who keyed it wrote it (the shortest form of the float)."""
    return Decimal(repr(float(value)))


def is_rounded_half_up(stated: Decimal, value: float) -> bool:
    """``stated`` has two decimals and is ``value`` rounded to them, halves going up."""
    half = Decimal("0.005")
    return stated.as_tuple().exponent == -2 and stated - half <= written(value) < stated + half


POINTS = r"(?:(?P<one>1) point|(?P<many>0|[2-9]|[1-9][0-9]+) points)"
"""'1 point' in the singular, any other number of points in the plural."""
LINE = re.compile(
    rf"(?P<what>.+?): (?:{POINTS}|{WITHOUT_ASSESSMENT})"
    rf"(?P<note>{re.escape(COUNTED_NOTE)}|{re.escape(NOT_COUNTED_NOTE)})?"
)
TOTAL = re.compile(rf"(?P<axis>Protect|Change) total {POINTS}: level (?P<level>.)")


def stated_points(match: re.Match[str]) -> int | None:
    """The points a line states, or None for "not counted without a valid assessment"."""
    if match["one"]:
        return 1
    return None if match["many"] is None else int(match["many"])


@dataclass
class Protect:
    """What the protect lines state, each value checked against its own points."""

    counted: int = 0
    rosh: tuple[str, int, str | None] | None = None
    rsr: tuple[Decimal | None, int, str | None] | None = None
    mappa: int | None = None
    factors: set[str] = field(default_factory=set)
    women: dict[str, bool] = field(default_factory=dict)


def read_protect_line(line: str, found: Protect) -> None:
    match = LINE.fullmatch(line)
    assert match, f"unexpected protect line {line!r}"
    what, points, note = match["what"], stated_points(match), match["note"]
    if what.startswith("RoSH "):
        label = what.removeprefix("RoSH ")
        assert label in ROSH_POINTS, line
        assert points == ROSH_POINTS[label], line
        found.rosh = (label, points, note)
    elif what.startswith("RSR "):
        text = what.removeprefix("RSR ")
        stated = None if text == "not known" else Decimal(text.removesuffix("%"))
        assert stated is None or text.endswith("%"), line
        assert points == (0 if stated is None else rsr_points_of(stated)), line
        found.rsr = (stated, points, note)
    elif what.startswith("MAPPA level "):
        level = int(what.removeprefix("MAPPA level "))
        assert points == MAPPA_POINTS[level] and note is None, line
        found.mappa = level
        found.counted += points
    elif what in FACTOR_LABELS:
        assert points == 2 and note is None, line
        assert FACTOR_LABELS[what] not in found.factors, f"{line!r} stated twice"
        found.factors.add(FACTOR_LABELS[what])
        found.counted += 2
    elif what in WOMEN_LINES:
        flag = WOMEN_LINES[what]
        assert note is None and points in (2, None), line
        assert points is not None or flag in NEEDS_AN_ASSESSMENT, line
        found.women[flag] = points is not None
        found.counted += points or 0
    else:
        raise AssertionError(f"unexpected protect line {line!r}")


def check_rosh_and_rsr(found: Protect) -> int:
    """Only the larger of the two counts, and the note says so only when both score."""
    assert found.rosh is not None and found.rsr is not None, "RoSH and RSR are always stated"
    _label, rosh, rosh_note = found.rosh
    _stated, rsr, rsr_note = found.rsr
    if rosh and rsr:
        counted, other = (found.rsr, found.rosh) if rsr > rosh else (found.rosh, found.rsr)
        assert counted[2] == COUNTED_NOTE and other[2] == NOT_COUNTED_NOTE
        assert counted[1] >= other[1]
    else:
        assert rosh_note is None and rsr_note is None, "a note on a RoSH or RSR that gives none"
    return max(rosh, rsr)


def check_protect(inputs: TierInputs, result: TierResult, lines: list[str]) -> None:
    found = Protect()
    for line in lines[:-1]:
        read_protect_line(line, found)
    total = TOTAL.fullmatch(lines[-1])
    assert total and total["axis"] == "Protect", lines[-1]
    counted = found.counted + check_rosh_and_rsr(found)
    points, level = stated_points(total), total["level"]
    assert counted == points == result.protect_points
    assert level == protect_level_of(points) == result.protect
    # Every input that scores is stated, and what is stated is the input.
    assert found.rosh is not None and found.rsr is not None
    rosh = "not assessed" if inputs.rosh is None else Rosh(inputs.rosh).label
    assert found.rosh[0] == rosh
    stated_rsr = found.rsr[0]
    if inputs.rsr_percent is None:
        assert stated_rsr is None
    else:
        assert stated_rsr is not None and is_rounded_half_up(stated_rsr, inputs.rsr_percent)
    assert found.mappa == inputs.mappa_level
    assert found.factors == {str(f) for f in inputs.complexity_factors}
    expected_women = {
        flag: flag not in NEEDS_AN_ASSESSMENT or inputs.has_assessment
        for flag in WOMEN_LINES.values()
        if inputs.is_female and getattr(inputs, flag)
    }
    assert found.women == expected_women


def check_change(inputs: TierInputs, result: TierResult, lines: list[str]) -> None:
    if not inputs.has_mandate_for_change:
        assert lines == ["No mandate for change: change level 0"]
        assert (result.change, result.change_points) == (0, 0)
        return
    if not inputs.has_assessment:
        assert lines == ["No valid assessment: change level 2 until one is done"]
        assert (result.change, result.change_points) == (2, 0)
        return
    counted, needs, ogrs, iom = 0, {}, None, False
    for line in lines[:-1]:
        match = LINE.fullmatch(line)
        assert match and match["note"] is None, f"unexpected change line {line!r}"
        what, points = match["what"], stated_points(match)
        assert points is not None, line
        if need := re.fullmatch(r"(.+) \((standard|severe)\)", what):
            name, weight = NEED_LABELS[need[1]]
            severity, score = SEVERITY_SCORES[need[2]]
            assert points == weight * score, line
            assert name not in needs, f"{line!r} stated twice"
            needs[name] = severity
        elif ogrs_text := re.fullmatch(r"OGRS (0|[1-9][0-9]*)%", what):
            ogrs = int(ogrs_text[1])
            assert points == ogrs // 10, line
        elif what == "IOM nominal":
            assert points == 2, line
            iom = True
        else:
            raise AssertionError(f"unexpected change line {line!r}")
        counted += points
    total = TOTAL.fullmatch(lines[-1])
    assert total and total["axis"] == "Change", lines[-1]
    points = stated_points(total)
    assert points is not None and counted == points == result.change_points
    assert int(total["level"]) == change_level_of(points) == result.change
    scoring = {str(n): str(s) for n, s in inputs.needs.items() if s != NeedSeverity.NO_NEED}
    assert needs == scoring
    assert ogrs == inputs.ogrs_percent
    assert iom is inputs.iom_nominal


def check_explanation(inputs: TierInputs) -> None:
    result = calculate_tier(inputs)
    lines = list(result.explanation)
    split = next(i for i, line in enumerate(lines) if line.startswith("Protect total"))
    check_protect(inputs, result, lines[: split + 1])
    check_change(inputs, result, lines[split + 1 :])
    assert result.tier == f"{result.protect}{result.change}"


# RSRs at and beside the band edges and the half-way points of the display.
rsr_values = (
    st.none()
    | st.floats(min_value=0, max_value=100)
    | st.integers(min_value=0, max_value=100_000).map(lambda n: n / 1000)
    | st.sampled_from([2.985, 2.994, 2.995, 3.0, 6.985, 6.994, 6.995, 7.0, 0.005, 99.995])
    | st.integers(min_value=0, max_value=100)
)
explained_inputs = st.builds(
    TierInputs,
    rosh=st.sampled_from([None, *Rosh]),
    rsr_percent=rsr_values,
    mappa_level=st.sampled_from([None, 1, 2, 3]),
    complexity_factors=st.frozensets(st.sampled_from(list(ComplexityFactor))),
    is_female=st.booleans(),
    parenting_responsibilities=st.booleans(),
    impulsivity_or_temper_control=st.booleans(),
    previous_enforcement=st.booleans(),
    iom_nominal=st.booleans(),
    has_mandate_for_change=st.booleans(),
    has_assessment=st.booleans(),
    ogrs_percent=st.none() | st.integers(min_value=0, max_value=100),
    needs=st.dictionaries(st.sampled_from(list(Need)), st.sampled_from(list(NeedSeverity))),
)


@settings(max_examples=examples(300))
@given(explained_inputs)
@example(TierInputs(rosh=Rosh.HIGH, rsr_percent=7.0))
@example(TierInputs(rosh=Rosh.MEDIUM, rsr_percent=2.985, ogrs_percent=19))
@example(TierInputs(is_female=True, parenting_responsibilities=True, previous_enforcement=True))
@example(TierInputs(rosh=Rosh.LOW, rsr_percent=3.0, mappa_level=1, ogrs_percent=10))
def test_an_explanation_agrees_with_the_tier_it_explains(inputs: TierInputs) -> None:
    check_explanation(inputs)


# --- Examples a user reads ------------------------------------------------------


@pytest.mark.parametrize(
    ("rsr", "shown"),
    [
        (2.985, "RSR 2.99%: 0 points"),
        (2.995, "RSR 3.00%: 10 points"),
        (6.985, "RSR 6.99%: 10 points"),
        (6.995, "RSR 7.00%: 20 points"),
        (0.125, "RSR 0.13%: 0 points"),
        (5, "RSR 5.00%: 10 points"),
        (100, "RSR 100.00%: 20 points"),
    ],
)
def test_rsr_is_shown_rounded_half_up_to_two_decimals(rsr: float, shown: str) -> None:
    assert calculate_tier(TierInputs(rsr_percent=rsr)).explanation[1] == shown


@pytest.mark.parametrize(("ogrs", "points"), [(0, "0 points"), (10, "1 point"), (99, "9 points")])
def test_ogrs_line_states_its_tens(ogrs: int, points: str) -> None:
    lines = calculate_tier(TierInputs(ogrs_percent=ogrs)).explanation
    assert f"OGRS {ogrs}%: {points}" in lines


def test_one_point_is_written_in_the_singular() -> None:
    lines = calculate_tier(TierInputs(ogrs_percent=10)).explanation
    assert lines[-1] == "Change total 1 point: level 1"


@pytest.mark.parametrize(
    ("rosh", "rsr", "rosh_line", "rsr_line"),
    [
        ("HIGH", None, "RoSH High: 20 points", "RSR not known: 0 points"),
        (None, 7.0, "RoSH not assessed: 0 points", "RSR 7.00%: 20 points"),
        ("LOW", 3.0, "RoSH Low: 0 points", "RSR 3.00%: 10 points"),
        ("MEDIUM", 1.0, "RoSH Medium: 10 points", "RSR 1.00%: 0 points"),
        (
            "HIGH",
            7.0,
            "RoSH High: 20 points (larger of RoSH and RSR counts)",
            "RSR 7.00%: 20 points (not counted)",
        ),
        (
            "MEDIUM",
            3.0,
            "RoSH Medium: 10 points (larger of RoSH and RSR counts)",
            "RSR 3.00%: 10 points (not counted)",
        ),
    ],
)
def test_the_larger_of_rosh_and_rsr_is_named_only_when_both_score(
    rosh: str | None, rsr: float | None, rosh_line: str, rsr_line: str
) -> None:
    lines = calculate_tier(TierInputs(rosh=rosh, rsr_percent=rsr)).explanation
    assert lines[:2] == (rosh_line, rsr_line)


def test_women_extras_count_with_a_valid_assessment_and_say_so() -> None:
    result = calculate_tier(
        TierInputs(
            is_female=True,
            parenting_responsibilities=True,
            impulsivity_or_temper_control=True,
            previous_enforcement=True,
        )
    )
    assert result.explanation[2:] == (
        "Parenting responsibilities (women): 2 points",
        "Impulsivity or temper control (women): 2 points",
        "Breach or recall in the last 12 months (women): 2 points",
        "Protect total 6 points: level D",
        "Change total 0 points: level 1",
    )


def test_without_an_assessment_only_the_breach_counts_for_a_woman() -> None:
    result = calculate_tier(
        TierInputs(
            is_female=True,
            has_assessment=False,
            impulsivity_or_temper_control=True,
            previous_enforcement=True,
        )
    )
    assert result.explanation[2:] == (
        "Impulsivity or temper control (women): not counted without a valid assessment",
        "Breach or recall in the last 12 months (women): 2 points",
        "Protect total 2 points: level D",
        "No valid assessment: change level 2 until one is done",
    )
