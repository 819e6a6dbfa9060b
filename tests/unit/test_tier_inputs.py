"""What a tier is calculated from, checked and normalised on creation (DOMAIN.md 3a)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import tiering
from app.domain.codes import Rosh
from app.domain.tiering import (
    ComplexityFactor,
    Need,
    NeedSeverity,
    TierInputError,
    TierInputs,
    calculate_tier,
    format_tier,
    parse_tier,
    protect_rank,
)


def test_codes_written_as_text_become_their_enum_members() -> None:
    inputs = TierInputs(
        rosh="VERY_HIGH",
        complexity_factors=frozenset({"TERRORISM", "MENTAL_HEALTH"}),
        needs={"ATTITUDES": "SEVERE", "ACCOMMODATION": "NO_NEED"},
    )
    assert inputs.rosh is Rosh.VERY_HIGH
    assert inputs.complexity_factors == {ComplexityFactor.TERRORISM, ComplexityFactor.MENTAL_HEALTH}
    assert all(type(f) is ComplexityFactor for f in inputs.complexity_factors)
    assert dict(inputs.needs) == {
        Need.ATTITUDES: NeedSeverity.SEVERE,
        Need.ACCOMMODATION: NeedSeverity.NO_NEED,
    }
    assert all(type(n) is Need and type(s) is NeedSeverity for n, s in inputs.needs.items())


def test_complexity_factors_become_a_frozenset_from_any_collection() -> None:
    inputs = TierInputs(complexity_factors=["STREET_GANGS", "STREET_GANGS"])  # type: ignore[arg-type]
    assert type(inputs.complexity_factors) is frozenset
    assert inputs.complexity_factors == {ComplexityFactor.STREET_GANGS}


def test_needs_are_kept_read_only_and_apart_from_the_callers_dict() -> None:
    given_needs = {"DRUG_MISUSE": "STANDARD"}
    inputs = TierInputs(needs=given_needs)
    given_needs["ALCOHOL_MISUSE"] = "SEVERE"
    assert dict(inputs.needs) == {Need.DRUG_MISUSE: NeedSeverity.STANDARD}
    assert isinstance(inputs.needs, MappingProxyType)
    with pytest.raises(TypeError):
        inputs.needs[Need.ATTITUDES] = NeedSeverity.SEVERE  # type: ignore[index]
    assert calculate_tier(inputs).change_points == 1


def test_no_rosh_and_no_needs_stay_empty() -> None:
    inputs = TierInputs()
    assert inputs.rosh is None
    assert inputs.complexity_factors == frozenset()
    assert dict(inputs.needs) == {}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rosh": "EXTREME"}, "Unknown RoSH level 'EXTREME': expected one of LOW, MEDIUM, HIGH"),
        ({"rosh": ["HIGH"]}, r"Unknown RoSH level \['HIGH'\]"),
        ({"complexity_factors": frozenset({"GAMBLING"})}, "Unknown complexity factor 'GAMBLING'"),
        (
            {"complexity_factors": "TERRORISM"},
            "^Complexity factors must be a set of names, not one string$",
        ),
        ({"needs": {"FINANCE": "SEVERE"}}, "Unknown need 'FINANCE'"),
        ({"needs": {"ATTITUDES": "BAD"}}, "Unknown severity for need ATTITUDES 'BAD'"),
        ({"needs": ("ATTITUDES",)}, "Needs must map need names to severities"),
        ({"rsr_percent": "7"}, "RSR '7' is not a number"),
        ({"rsr_percent": True}, "RSR True is not a number"),
        ({"rsr_percent": 100.01}, "RSR 100.01 is not a percentage from 0 to 100"),
        ({"rsr_percent": -0.01}, "RSR -0.01 is not a percentage"),
        ({"ogrs_percent": 7.0}, "OGRS 7.0 is not a whole number"),
        ({"ogrs_percent": False}, "OGRS False is not a whole number"),
        ({"ogrs_percent": 101}, "OGRS 101 is not a percentage from 0 to 100"),
        ({"mappa_level": 4}, "Unknown MAPPA level 4: expected 1, 2 or 3"),
        ({"mappa_level": False}, "Unknown MAPPA level False"),
        ({"iom_nominal": 1}, "iom_nominal must be True or False, not 1"),
        ({"has_mandate_for_change": "no"}, "has_mandate_for_change must be True or False"),
        ({"previous_enforcement": None}, "previous_enforcement must be True or False"),
    ],
)
def test_bad_inputs_are_refused_with_a_message_naming_them(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TierInputError, match=message):
        TierInputs(**kwargs)


@pytest.mark.parametrize(("rsr", "ogrs"), [(0, 0), (0.0, 0), (100, 100), (100.0, 100)])
def test_the_ends_of_the_percentages_are_allowed(rsr: float, ogrs: int) -> None:
    inputs = TierInputs(rsr_percent=rsr, ogrs_percent=ogrs)
    assert (inputs.rsr_percent, inputs.ogrs_percent) == (rsr, ogrs)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_each_mappa_level_is_allowed(level: int) -> None:
    assert TierInputs(mappa_level=level).mappa_level == level


@given(
    st.sampled_from(list(Rosh)),
    st.frozensets(st.sampled_from(list(ComplexityFactor))),
    st.dictionaries(st.sampled_from(list(Need)), st.sampled_from(list(NeedSeverity))),
)
def test_inputs_by_name_and_by_member_are_the_same_inputs(
    rosh: Rosh, factors: frozenset[ComplexityFactor], needs: dict[Need, NeedSeverity]
) -> None:
    by_member = TierInputs(rosh=rosh, complexity_factors=factors, needs=needs)
    by_name = TierInputs(
        rosh=rosh.value,
        complexity_factors=frozenset(f.value for f in factors),
        needs={n.value: s.value for n, s in needs.items()},
    )
    assert by_name == by_member
    assert hash(by_name) == hash(by_member)
    assert calculate_tier(by_name) == calculate_tier(by_member)


# --- Protect levels --------------------------------------------------------------


@pytest.mark.parametrize(("letter", "rank"), [("A", 4), ("B", 3), ("C", 2), ("D", 1), (" c ", 2)])
def test_protect_rank_of_each_level(letter: str, rank: int) -> None:
    assert protect_rank(letter) == rank


@pytest.mark.parametrize("junk", [None, 3, 1.5, b"A", ["A"], "", "AB", "E"])
def test_protect_rank_refuses_anything_but_a_level_with_a_tier_input_error(junk: Any) -> None:
    with pytest.raises(TierInputError, match=r"Unknown protect level .*: expected A, B, C or D"):
        protect_rank(junk)


@pytest.mark.parametrize("junk", [None, 4, -1, True, 1.0, "1"])
def test_format_tier_refuses_a_change_level_that_is_not_0_to_3(junk: Any) -> None:
    with pytest.raises(TierInputError, match=r"Unknown change level .*: expected 0, 1, 2 or 3"):
        format_tier("B", junk)


@pytest.mark.parametrize("junk", [True, 2.0, b"B2", ["B2"]])
def test_parse_tier_refuses_what_is_not_text_or_a_whole_number(junk: Any) -> None:
    with pytest.raises(TierInputError) as error:
        parse_tier(junk)
    assert str(error.value) == f"Tier {junk!r} is not a tier code"


def test_format_tier_tidies_the_letter_and_marks_unsupervised() -> None:
    assert format_tier(" b ", 2) == "B2"
    assert format_tier("d", 0, unsupervised=True) == "D0S"


def test_inputs_are_read_alike_before_and_after_the_tables_of_names_fill(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The names of each kind of code are gathered on first use; a fresh process starts empty.
    monkeypatch.setattr(tiering, "_MEMBERS", {})
    first = TierInputs(rosh="HIGH", needs={"ATTITUDES": "SEVERE"})
    again = TierInputs(rosh="HIGH", needs={"ATTITUDES": "SEVERE"})
    assert first == again
    assert first.rosh is Rosh.HIGH and dict(first.needs) == {Need.ATTITUDES: NeedSeverity.SEVERE}
    with pytest.raises(TierInputError, match="Unknown RoSH level 'NONE'"):
        TierInputs(rosh="NONE")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("33", "Tier code '33' is not an NDelius tier code from 0 to 32"),
        (33, "Tier code 33 is not an NDelius tier code from 0 to 32"),
        ("E1", "Tier 'E1' is not a tier such as B2 or B2S"),
    ],
)
def test_a_tier_that_is_not_one_is_refused_naming_it(text: str | int, message: str) -> None:
    with pytest.raises(TierInputError) as error:
        parse_tier(text)
    assert str(error.value) == message
