"""The tier calculation and tier codes (DOMAIN.md 3, 3a)."""

from __future__ import annotations

import copy
import math
import pickle
from dataclasses import FrozenInstanceError, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.codes import Requirement, Rosh, SentenceType
from app.domain.tiering import (
    ALL_TIERS,
    MODEL,
    ComplexityFactor,
    Need,
    NeedSeverity,
    TierInputError,
    TierInputs,
    TierResult,
    assessment_is_valid,
    calculate_tier,
    change_level,
    format_tier,
    mandate_for_change,
    parse_tier,
    protect_level,
    protect_rank,
    tier_sort_key,
)
from tests.unit import examples


def tier(**kwargs: Any) -> TierResult:
    return calculate_tier(TierInputs(**kwargs))


def factors(n: int) -> frozenset[str]:
    return frozenset(list(ComplexityFactor)[:n])


# --- Protect: RoSH, RSR, MAPPA -------------------------------------------------


@pytest.mark.parametrize(
    ("rosh", "points", "level"),
    [
        (None, 0, "D"),
        ("LOW", 0, "D"),
        ("MEDIUM", 10, "C"),
        ("HIGH", 20, "B"),
        ("VERY_HIGH", 150, "A"),
    ],
)
def test_rosh_gives_its_protect_points(rosh: str | None, points: int, level: str) -> None:
    result = tier(rosh=rosh)
    assert (result.protect_points, result.protect) == (points, level)


def test_rosh_enum_values_are_accepted() -> None:
    assert tier(rosh=Rosh.HIGH).protect_points == 20
    assert TierInputs(rosh="VERY_HIGH").rosh is Rosh.VERY_HIGH


@pytest.mark.parametrize(
    ("rsr", "points"),
    [
        (None, 0),
        (0.0, 0),
        (2.99, 0),
        (2.994, 0),
        (2.995, 10),
        (3.0, 10),
        (3.01, 10),
        (6.99, 10),
        (6.994, 10),
        (6.995, 20),
        (7.0, 20),
        (7.01, 20),
        (100.0, 20),
        (5, 10),
    ],
)
def test_rsr_bands_count_both_ends_after_rounding_to_two_decimals(
    rsr: float | None, points: int
) -> None:
    assert tier(rsr_percent=rsr).protect_points == points


@pytest.mark.parametrize(
    ("rosh", "rsr", "points"),
    [
        ("HIGH", 7.0, 20),
        ("MEDIUM", 7.0, 20),
        ("HIGH", 3.0, 20),
        ("MEDIUM", 3.0, 10),
        ("LOW", 6.99, 10),
        (None, 7.0, 20),
        ("VERY_HIGH", 7.0, 150),
    ],
)
def test_only_the_larger_of_rosh_and_rsr_counts(rosh: str | None, rsr: float, points: int) -> None:
    assert tier(rosh=rosh, rsr_percent=rsr).protect_points == points


@pytest.mark.parametrize(
    ("mappa", "points", "level"), [(None, 0, "D"), (1, 5, "D"), (2, 150, "A"), (3, 150, "A")]
)
def test_mappa_level_gives_its_protect_points(mappa: int | None, points: int, level: str) -> None:
    result = tier(mappa_level=mappa)
    assert (result.protect_points, result.protect) == (points, level)


def test_mappa_adds_to_rosh() -> None:
    assert tier(rosh="HIGH", mappa_level=1).protect_points == 25
    assert tier(rosh="VERY_HIGH", mappa_level=2).protect_points == 300


# --- Protect: complexity factors and women-only extras -----------------------


@pytest.mark.parametrize("factor", list(ComplexityFactor))
def test_each_complexity_factor_adds_two_points(factor: ComplexityFactor) -> None:
    assert tier(complexity_factors=frozenset({factor})).protect_points == 2
    assert tier(complexity_factors=frozenset({factor.value})).protect_points == 2


def test_complexity_factors_count_once_each() -> None:
    both_spellings = frozenset({"MENTAL_HEALTH", ComplexityFactor.MENTAL_HEALTH})
    assert tier(complexity_factors=both_spellings).protect_points == 2
    assert tier(complexity_factors=factors(10)).protect_points == 20
    assert tier(complexity_factors=factors(10)).protect == "B"


def test_complexity_factors_accept_any_set_of_names() -> None:
    inputs = TierInputs(complexity_factors={"TERRORISM", "STREET_GANGS"})  # type: ignore[arg-type]
    assert calculate_tier(inputs).protect_points == 4


@pytest.mark.parametrize("flag", ["parenting_responsibilities", "impulsivity_or_temper_control"])
def test_women_assessment_extras_count_only_for_women_with_a_valid_assessment(flag: str) -> None:
    assert tier(is_female=True, **{flag: True}).protect_points == 2
    assert tier(is_female=True, has_assessment=False, **{flag: True}).protect_points == 0
    assert tier(is_female=False, **{flag: True}).protect_points == 0


def test_breach_or_recall_counts_for_women_with_or_without_assessment() -> None:
    assert tier(is_female=True, previous_enforcement=True).protect_points == 2
    assert tier(is_female=True, previous_enforcement=True, has_assessment=False).protect_points == 2
    assert tier(is_female=False, previous_enforcement=True).protect_points == 0


def test_all_women_extras_together_add_six() -> None:
    result = tier(
        is_female=True,
        parenting_responsibilities=True,
        impulsivity_or_temper_control=True,
        previous_enforcement=True,
    )
    assert result.protect_points == 6


def test_a_man_gets_none_of_the_women_extras() -> None:
    result = tier(
        parenting_responsibilities=True,
        impulsivity_or_temper_control=True,
        previous_enforcement=True,
    )
    assert result.protect_points == 0
    assert not any("women" in line for line in result.explanation)


# --- Protect thresholds --------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "level"),
    [(0, "D"), (9, "D"), (10, "C"), (19, "C"), (20, "B"), (149, "B"), (150, "A"), (300, "A")],
)
def test_protect_level_thresholds(points: int, level: str) -> None:
    assert protect_level(points) == level


@pytest.mark.parametrize(
    ("kwargs", "points", "level"),
    [
        ({"mappa_level": 1, "complexity_factors": factors(2)}, 9, "D"),
        ({"complexity_factors": factors(5)}, 10, "C"),
        ({"rosh": "MEDIUM", "mappa_level": 1, "complexity_factors": factors(2)}, 19, "C"),
        ({"rosh": "HIGH"}, 20, "B"),
        ({"rosh": "HIGH", "mappa_level": 1, "complexity_factors": factors(10)}, 45, "B"),
        ({"rosh": "VERY_HIGH"}, 150, "A"),
    ],
)
def test_protect_thresholds_from_inputs(kwargs: dict[str, Any], points: int, level: str) -> None:
    result = tier(**kwargs)
    assert (result.protect_points, result.protect) == (points, level)


# --- Change level --------------------------------------------------------------


@pytest.mark.parametrize("need", list(Need))
@pytest.mark.parametrize(("severity", "score"), [("NO_NEED", 0), ("STANDARD", 1), ("SEVERE", 2)])
def test_each_need_scores_weight_times_severity(need: Need, severity: str, score: int) -> None:
    weight = 2 if need in (Need.THINKING_AND_BEHAVIOUR, Need.ATTITUDES) else 1
    assert need.weight == weight
    assert tier(needs={need.value: severity}).change_points == weight * score


@pytest.mark.parametrize(("points", "level"), [(0, 1), (9, 1), (10, 2), (19, 2), (20, 3), (40, 3)])
def test_change_level_thresholds(points: int, level: int) -> None:
    assert change_level(points) == level


ALL_SEVERE = {need.value: "SEVERE" for need in Need}


@pytest.mark.parametrize(
    ("kwargs", "points", "level"),
    [
        ({}, 0, 1),
        ({"ogrs_percent": 99}, 9, 1),
        ({"ogrs_percent": 90, "needs": {"ACCOMMODATION": "STANDARD"}}, 10, 2),
        ({"needs": {**ALL_SEVERE, "ACCOMMODATION": "STANDARD"}}, 19, 2),
        ({"needs": ALL_SEVERE}, 20, 3),
        ({"needs": {"ATTITUDES": "SEVERE"}, "ogrs_percent": 35, "iom_nominal": True}, 9, 1),
        ({"needs": {"ATTITUDES": "SEVERE"}, "ogrs_percent": 45, "iom_nominal": True}, 10, 2),
    ],
)
def test_change_thresholds_from_inputs(kwargs: dict[str, Any], points: int, level: int) -> None:
    result = tier(**kwargs)
    assert (result.change_points, result.change) == (points, level)


@pytest.mark.parametrize(
    ("ogrs", "points"), [(None, 0), (0, 0), (9, 0), (10, 1), (19, 1), (20, 2), (99, 9), (100, 10)]
)
def test_ogrs_adds_its_tens_rounding_down(ogrs: int | None, points: int) -> None:
    assert tier(ogrs_percent=ogrs).change_points == points


def test_iom_nominal_adds_two_change_points() -> None:
    assert tier(iom_nominal=True).change_points == 2


def test_no_mandate_for_change_is_change_level_zero_whatever_the_needs() -> None:
    result = tier(has_mandate_for_change=False, needs=ALL_SEVERE, ogrs_percent=99, iom_nominal=True)
    assert (result.change, result.change_points) == (0, 0)
    assert "No mandate for change: change level 0" in result.explanation
    assert tier(has_mandate_for_change=False, has_assessment=False).change == 0


def test_no_valid_assessment_is_change_level_two_with_no_points() -> None:
    result = tier(has_assessment=False, needs=ALL_SEVERE, ogrs_percent=99, iom_nominal=True)
    assert (result.change, result.change_points) == (2, 0)


# --- The result ----------------------------------------------------------------


def test_result_names_model_tier_and_the_points_behind_it() -> None:
    result = tier(
        rosh="HIGH",
        rsr_percent=7.2,
        mappa_level=1,
        complexity_factors=frozenset({"MENTAL_HEALTH"}),
        needs={"ATTITUDES": "SEVERE"},
        ogrs_percent=45,
        iom_nominal=True,
    )
    assert result.model == MODEL == "TWO_AXIS_2021"
    assert (result.tier, result.protect_points, result.change_points) == ("B2", 27, 10)
    assert result.explanation == (
        "RoSH High: 20 points (larger of RoSH and RSR counts)",
        "RSR 7.20%: 20 points (not counted)",
        "MAPPA level 1: 5 points",
        "Mental health: 2 points",
        "Protect total 27 points: level B",
        "Attitudes (severe): 4 points",
        "OGRS 45%: 4 points",
        "IOM nominal: 2 points",
        "Change total 10 points: level 2",
    )


def test_explanation_says_when_rsr_counts_and_when_women_extras_do_not() -> None:
    result = tier(
        rosh="MEDIUM",
        rsr_percent=7,
        is_female=True,
        parenting_responsibilities=True,
        has_assessment=False,
    )
    assert "RSR 7.00%: 20 points (larger of RoSH and RSR counts)" in result.explanation
    assert "RoSH Medium: 10 points (not counted)" in result.explanation
    assert any("not counted without a valid assessment" in line for line in result.explanation)
    assert tier().explanation[:2] == ("RoSH not assessed: 0 points", "RSR not known: 0 points")


def test_inputs_are_hashable_and_compare_by_value() -> None:
    a = TierInputs(needs={"ATTITUDES": "SEVERE"})
    b = TierInputs(needs={Need.ATTITUDES: NeedSeverity.SEVERE})
    assert a == b
    assert hash(TierInputs(rosh="HIGH")) == hash(TierInputs(rosh=Rosh.HIGH))


# --- Bad inputs ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"rosh": "EXTREME"}, "EXTREME"),
        ({"rosh": "high"}, "high"),
        ({"complexity_factors": frozenset({"GAMBLING"})}, "GAMBLING"),
        ({"complexity_factors": "MENTAL_HEALTH"}, "one string"),
        ({"needs": {"FINANCE": "SEVERE"}}, "FINANCE"),
        ({"needs": {"ATTITUDES": "VERY_SEVERE"}}, "VERY_SEVERE"),
        ({"needs": ["ATTITUDES"]}, "ATTITUDES"),
        ({"mappa_level": 4}, "4"),
        ({"mappa_level": 0}, "0"),
        ({"mappa_level": True}, "True"),
        ({"rsr_percent": -0.5}, "-0.5"),
        ({"rsr_percent": 100.5}, "100.5"),
        ({"rsr_percent": float("nan")}, "nan"),
        ({"rsr_percent": "7"}, "'7'"),
        ({"ogrs_percent": -1}, "-1"),
        ({"ogrs_percent": 101}, "101"),
        ({"ogrs_percent": 45.5}, "45.5"),
        ({"is_female": "yes"}, "yes"),
        ({"has_assessment": None}, "None"),
    ],
)
def test_unknown_inputs_raise_naming_the_bad_value(kwargs: dict[str, Any], named: str) -> None:
    with pytest.raises(TierInputError, match=named):
        TierInputs(**kwargs)


def test_tier_input_error_is_a_value_error() -> None:
    assert issubclass(TierInputError, ValueError)


# --- Tier codes ----------------------------------------------------------------


def test_all_tiers_are_the_sixteen_in_order() -> None:
    assert ALL_TIERS[:5] == ("A3", "A2", "A1", "A0", "B3")
    assert ALL_TIERS[-1] == "D0"
    assert len(set(ALL_TIERS)) == 16


NDELIUS_CODES = [(0, None)] + [
    (n, (tier_text[0], int(tier_text[1]), n > 16))
    for n, tier_text in enumerate(ALL_TIERS * 2, start=1)
]


@pytest.mark.parametrize(("code", "expected"), NDELIUS_CODES)
def test_parse_tier_reads_every_ndelius_numeric_code(
    code: int, expected: tuple[str, int, bool] | None
) -> None:
    assert parse_tier(code) == expected
    assert parse_tier(str(code)) == expected


def test_ndelius_codes_cover_33_values_and_key_examples() -> None:
    assert len(NDELIUS_CODES) == 33
    assert parse_tier(1) == ("A", 3, False)
    assert parse_tier(4) == ("A", 0, False)
    assert parse_tier(5) == ("B", 3, False)
    assert parse_tier(16) == ("D", 0, False)
    assert parse_tier(17) == ("A", 3, True)
    assert parse_tier(32) == ("D", 0, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("B2", ("B", 2, False)),
        ("b2s", ("B", 2, True)),
        (" A3 ", ("A", 3, False)),
        ("D0S", ("D", 0, True)),
        ("", None),
        ("  ", None),
        (None, None),
        ("05", ("B", 3, False)),
    ],
)
def test_parse_tier_reads_written_tiers(text: str | None, expected: object) -> None:
    assert parse_tier(text) == expected


@pytest.mark.parametrize(
    "junk", ["E1", "A4", "33", "-1", "B", "2B", "B2X", "B 2", "S", "²", "1.0", 33, -1, True, 2.0]
)
def test_parse_tier_rejects_junk(junk: Any) -> None:
    with pytest.raises(TierInputError):
        parse_tier(junk)


@given(st.text(max_size=6))
def test_parse_tier_is_total_over_text(text: str) -> None:
    try:
        parsed = parse_tier(text)
    except TierInputError:
        return
    assert parsed is None or format_tier(parsed[0], parsed[1]) in ALL_TIERS


@pytest.mark.parametrize("unsupervised", [False, True])
@pytest.mark.parametrize("text", ALL_TIERS)
def test_format_tier_round_trips_with_parse_tier(text: str, unsupervised: bool) -> None:
    written = format_tier(text[0], int(text[1]), unsupervised)
    assert written == text + ("S" if unsupervised else "")
    assert parse_tier(written) == (text[0], int(text[1]), unsupervised)


@pytest.mark.parametrize(("protect", "change"), [("B", 4), ("E", 1), ("B", -1)])
def test_format_tier_rejects_unknown_levels(protect: str, change: int) -> None:
    with pytest.raises(TierInputError):
        format_tier(protect, change)


def test_protect_rank_puts_a_highest() -> None:
    assert protect_rank("A") > protect_rank("B") > protect_rank("C") > protect_rank("D")
    assert protect_rank("a") == protect_rank("A") == 4
    with pytest.raises(TierInputError, match="E"):
        protect_rank("E")


def test_tier_sort_key_orders_all_sixteen_tiers() -> None:
    keys = [tier_sort_key(t) for t in ALL_TIERS]
    assert keys == sorted(keys, reverse=True)
    assert len(set(keys)) == 16
    assert tier_sort_key("A3") == 16 and tier_sort_key("D0") == 1
    assert tier_sort_key("A0") > tier_sort_key("B3")


def test_tier_sort_key_puts_untiered_lowest_and_s_with_its_base() -> None:
    assert tier_sort_key(None) == tier_sort_key("") == tier_sort_key("0") == 0
    assert tier_sort_key("D0") > tier_sort_key(None)
    assert tier_sort_key("B2S") == tier_sort_key("B2") == tier_sort_key("b2")
    assert sorted(["D0", None, "A3", "B2S", "C1"], key=tier_sort_key, reverse=True) == [
        "A3",
        "B2S",
        "C1",
        "D0",
        None,
    ]


# --- Mandate for change and valid assessments ----------------------------------


@pytest.mark.parametrize("sentence", [SentenceType.LICENCE, SentenceType.PSS, SentenceType.CUSTODY])
def test_custodial_sentences_always_give_a_mandate(sentence: SentenceType) -> None:
    assert mandate_for_change(sentence, [])


@pytest.mark.parametrize(
    ("requirements", "expected"),
    [
        ([], False),
        ([Requirement.UPW], False),
        ([Requirement.CURFEW, Requirement.EM, Requirement.EXCLUSION], False),
        ([Requirement.PROHIBITED_ACTIVITY, Requirement.FOREIGN_TRAVEL], False),
        ([Requirement.RAR], True),
        ([Requirement.UPW, Requirement.CURFEW, Requirement.PROGRAMME], True),
        ([Requirement.RESIDENCE], True),
    ],
)
@pytest.mark.parametrize("sentence", [SentenceType.CO, SentenceType.SSO])
def test_community_sentences_need_a_requirement_other_than_upw_or_restrictive(
    sentence: SentenceType, requirements: list[Requirement], expected: bool
) -> None:
    assert mandate_for_change(sentence, requirements) is expected


def test_restrictive_requirements_are_a_setting() -> None:
    only_curfew = frozenset({Requirement.CURFEW})
    assert mandate_for_change(SentenceType.CO, [Requirement.FOREIGN_TRAVEL], only_curfew)
    assert not mandate_for_change(SentenceType.CO, iter([Requirement.CURFEW]), only_curfew)


def test_an_assessment_counts_for_55_weeks() -> None:
    as_at = date(2026, 3, 10)
    limit = as_at - timedelta(weeks=55)
    assert assessment_is_valid(limit, as_at)
    assert not assessment_is_valid(limit - timedelta(days=1), as_at)
    assert assessment_is_valid(as_at, as_at)
    assert assessment_is_valid(as_at + timedelta(days=3), as_at)
    assert not assessment_is_valid(None, as_at)
    assert not assessment_is_valid(as_at - timedelta(weeks=11), as_at, weeks=10)


# --- Properties ----------------------------------------------------------------

ROSH_ORDER: list[Rosh | None] = [None, Rosh.LOW, Rosh.MEDIUM, Rosh.HIGH, Rosh.VERY_HIGH]
MAPPA_ORDER: list[int | None] = [None, 1, 2, 3]
SEVERITIES = list(NeedSeverity)

tier_inputs = st.builds(
    TierInputs,
    rosh=st.sampled_from(ROSH_ORDER),
    rsr_percent=st.none() | st.floats(min_value=0, max_value=100),
    mappa_level=st.sampled_from(MAPPA_ORDER),
    complexity_factors=st.frozensets(st.sampled_from(list(ComplexityFactor))),
    is_female=st.booleans(),
    parenting_responsibilities=st.booleans(),
    impulsivity_or_temper_control=st.booleans(),
    previous_enforcement=st.booleans(),
    iom_nominal=st.booleans(),
    has_mandate_for_change=st.booleans(),
    has_assessment=st.booleans(),
    ogrs_percent=st.none() | st.integers(min_value=0, max_value=100),
    needs=st.dictionaries(st.sampled_from(list(Need)), st.sampled_from(SEVERITIES)),
)


def assert_not_lower(before: TierInputs, after: TierInputs) -> None:
    low, high = calculate_tier(before), calculate_tier(after)
    assert protect_rank(high.protect) >= protect_rank(low.protect)
    assert high.protect_points >= low.protect_points
    assert high.change >= low.change
    assert high.change_points >= low.change_points


@given(tier_inputs)
def test_every_result_is_one_of_the_sixteen_tiers(inputs: TierInputs) -> None:
    result = calculate_tier(inputs)
    assert result.tier in ALL_TIERS
    assert result.tier == f"{result.protect}{result.change}"
    assert result.protect == protect_level(result.protect_points)
    assert result.model == MODEL
    assert result.explanation


@given(tier_inputs, st.data())
def test_raising_rosh_never_lowers_the_tier(inputs: TierInputs, data: st.DataObject) -> None:
    start = ROSH_ORDER.index(None if inputs.rosh is None else Rosh(inputs.rosh))
    higher = data.draw(st.sampled_from(ROSH_ORDER[start:]))
    assert_not_lower(inputs, replace(inputs, rosh=higher))


@given(tier_inputs, st.floats(min_value=0, max_value=100))
def test_raising_rsr_never_lowers_the_tier(inputs: TierInputs, extra: float) -> None:
    base = inputs.rsr_percent or 0.0
    assert_not_lower(inputs, replace(inputs, rsr_percent=min(100.0, base + extra)))


@given(tier_inputs, st.data())
def test_raising_mappa_never_lowers_the_tier(inputs: TierInputs, data: st.DataObject) -> None:
    higher = data.draw(st.sampled_from(MAPPA_ORDER[MAPPA_ORDER.index(inputs.mappa_level) :]))
    assert_not_lower(inputs, replace(inputs, mappa_level=higher))


@given(tier_inputs, st.sampled_from(list(ComplexityFactor)))
def test_adding_a_factor_never_lowers_the_tier(
    inputs: TierInputs, factor: ComplexityFactor
) -> None:
    assert_not_lower(
        inputs, replace(inputs, complexity_factors=inputs.complexity_factors | {factor})
    )


@given(tier_inputs, st.sampled_from(list(Need)), st.data())
def test_raising_a_need_never_lowers_the_tier(
    inputs: TierInputs, need: Need, data: st.DataObject
) -> None:
    current = NeedSeverity(inputs.needs.get(need, NeedSeverity.NO_NEED))
    higher = data.draw(st.sampled_from(SEVERITIES[SEVERITIES.index(current) :]))
    assert_not_lower(inputs, replace(inputs, needs={**inputs.needs, need: higher}))


@given(tier_inputs, st.integers(min_value=0, max_value=100))
def test_raising_ogrs_never_lowers_the_tier(inputs: TierInputs, extra: int) -> None:
    base = inputs.ogrs_percent or 0
    assert_not_lower(inputs, replace(inputs, ogrs_percent=min(100, base + extra)))


@given(tier_inputs)
def test_more_risk_flags_never_lower_the_tier(inputs: TierInputs) -> None:
    riskier = replace(
        inputs, iom_nominal=True, previous_enforcement=True, parenting_responsibilities=True
    )
    assert_not_lower(inputs, riskier)


# --- The fast path against DOMAIN.md 3a written out plainly ---------------------

RSR_EDGES = (2.995, 3.0, 6.995, 7.0)
rsr_values = (
    st.none()
    | st.floats(min_value=0, max_value=100)
    | st.integers(min_value=0, max_value=100_000).map(lambda n: n / 1000)
    | st.integers(min_value=0, max_value=100)
    | st.tuples(st.sampled_from(RSR_EDGES), st.integers(min_value=-3, max_value=3)).map(
        lambda edge: nudge(*edge)
    )
)
reference_inputs = st.builds(
    TierInputs,
    rosh=st.sampled_from([None, *Rosh, *(r.value for r in Rosh)]),
    rsr_percent=rsr_values,
    mappa_level=st.sampled_from(MAPPA_ORDER),
    complexity_factors=st.frozensets(st.sampled_from([f.value for f in ComplexityFactor])),
    is_female=st.booleans(),
    parenting_responsibilities=st.booleans(),
    impulsivity_or_temper_control=st.booleans(),
    previous_enforcement=st.booleans(),
    iom_nominal=st.booleans(),
    has_mandate_for_change=st.booleans(),
    has_assessment=st.booleans(),
    ogrs_percent=st.none() | st.integers(min_value=0, max_value=100),
    needs=st.dictionaries(
        st.sampled_from([n.value for n in Need]), st.sampled_from([s.value for s in SEVERITIES])
    ),
)


def nudge(value: float, steps: int) -> float:
    """``value`` moved ``steps`` floats up (or down), staying within 0-100."""
    for _ in range(abs(steps)):
        value = math.nextafter(value, math.inf if steps > 0 else -math.inf)
    return value


def reference_tier(i: TierInputs) -> tuple[int, int, str]:
    """Protect points, change points and tier exactly as DOMAIN.md 3a words them."""
    rosh = {None: 0, "LOW": 0, "MEDIUM": 10, "HIGH": 20, "VERY_HIGH": 150}[i.rosh]
    rsr = 0
    if i.rsr_percent is not None:
        written = Decimal(repr(float(i.rsr_percent)))
        rounded = written.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        rsr = 20 if rounded >= Decimal("7.00") else 10 if rounded >= Decimal("3.00") else 0
    protect_points = max(rosh, rsr) + {None: 0, 1: 5, 2: 150, 3: 150}[i.mappa_level]
    protect_points += 2 * len({str(f) for f in i.complexity_factors})
    if i.is_female:
        protect_points += 2 if i.parenting_responsibilities and i.has_assessment else 0
        protect_points += 2 if i.impulsivity_or_temper_control and i.has_assessment else 0
        protect_points += 2 if i.previous_enforcement else 0
    floors = (("A", 150), ("B", 20), ("C", 10), ("D", 0))
    protect = next(level for level, floor in floors if protect_points >= floor)
    weights = {"THINKING_AND_BEHAVIOUR": 2, "ATTITUDES": 2}
    scores = {"NO_NEED": 0, "STANDARD": 1, "SEVERE": 2}
    if not i.has_mandate_for_change:
        change, change_points = 0, 0
    elif not i.has_assessment:
        change, change_points = 2, 0
    else:
        change_points = sum(weights.get(str(n), 1) * scores[str(s)] for n, s in i.needs.items())
        change_points += (i.ogrs_percent or 0) // 10 + (2 if i.iom_nominal else 0)
        change = 3 if change_points >= 20 else 2 if change_points >= 10 else 1
    return protect_points, change_points, f"{protect}{change}"


@settings(max_examples=examples(500))
@given(reference_inputs)
def test_calculate_tier_agrees_with_the_plain_reading_of_domain_3a(inputs: TierInputs) -> None:
    result = calculate_tier(inputs)
    protect_points, change_points, tier_text = reference_tier(inputs)
    assert (result.protect_points, result.change_points, result.tier) == (
        protect_points,
        change_points,
        tier_text,
    )
    assert (result.protect, result.change) == (tier_text[0], int(tier_text[1]))
    assert result.model == MODEL
    lines = result.explanation
    assert lines and all(isinstance(line, str) and line for line in lines)
    assert f"Protect total {protect_points} point" in "\n".join(lines)
    if inputs.has_mandate_for_change and inputs.has_assessment:
        assert lines[-1].startswith(f"Change total {change_points} point")
    assert f"level {result.change}" in lines[-1]


@given(st.sampled_from(RSR_EDGES), st.integers(min_value=-50, max_value=50))
def test_rsr_bands_match_decimal_rounding_next_to_each_edge(edge: float, steps: int) -> None:
    inputs = TierInputs(rsr_percent=nudge(edge, steps))
    assert calculate_tier(inputs).protect_points == reference_tier(inputs)[0]


@given(tier_inputs)
def test_a_calculated_result_behaves_as_a_plain_frozen_result(inputs: TierInputs) -> None:
    result = calculate_tier(inputs)
    plain = TierResult(
        result.protect,
        result.change,
        result.protect_points,
        result.change_points,
        result.tier,
        explanation=result.explanation,
    )
    assert result == plain and hash(result) == hash(plain) and repr(result) == repr(plain)
    assert replace(result) == result
    assert copy.deepcopy(result) == result == pickle.loads(pickle.dumps(result))
    assert calculate_tier(inputs) == result
    with pytest.raises(FrozenInstanceError):
        result.explanation = ()  # type: ignore[misc]


def test_a_result_made_by_hand_keeps_its_own_explanation() -> None:
    assert TierResult("D", 1, 0, 0, "D1").explanation == ()
    assert TierResult("D", 1, 0, 0, "D1", explanation=("x",)).explanation == ("x",)
