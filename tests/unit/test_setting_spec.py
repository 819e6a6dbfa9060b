"""One setting's declaration checks what the Head of PDU types (app/domain/setting_spec.py)."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.setting_spec import SettingSpec
from app.domain.settings import CORE_SETTINGS, SETTINGS, _catalogue, default, points_key

WEEKS = SettingSpec("weeks", int, 55, "Weeks an assessment counts", "a source", 1, 260)
SHARE = SettingSpec("share", float, 20.0, "Share of hours", "a source", 0, 100)
SWITCH = SettingSpec("switch", bool, True, "Foreign travel is restrictive", "a source")
TABLE = SettingSpec("table", dict, {"a": 1, "b": 2}, "Points table", "a source")
SHARES = SettingSpec("shares", dict, {"a": 10, "b": 20}, "Shares", "a source", maximum=100)
DAYS = SettingSpec("extra_bank_holidays", list, [], "Extra holidays", "a source")
ANY_LIST = SettingSpec("names", list, [], "Names", "a source")
TEXT = SettingSpec("day", str, "FRI", "Week end day", "a source")


@pytest.mark.parametrize(
    ("spec", "value", "message"),
    [
        (SWITCH, "yes", "Foreign travel is restrictive must be yes or no"),
        (SWITCH, 1, "Foreign travel is restrictive must be yes or no"),
        (WEEKS, "many", "Weeks an assessment counts must be a number, not 'many'"),
        (WEEKS, None, "Weeks an assessment counts must be a number, not None"),
        (WEEKS, 0, "Weeks an assessment counts must be at least 1"),
        (WEEKS, 261, "Weeks an assessment counts must be at most 260"),
        (SHARE, -0.5, "Share of hours must be at least 0"),
        (SHARE, 100.5, "Share of hours must be at most 100"),
        (TABLE, [1, 2], "Points table must map names to whole numbers, none negative"),
        (TABLE, {"a": 1, "b": -1}, "Points table must map names to whole numbers, none negative"),
        (TABLE, {"a": 1, "b": True}, "Points table must map names to whole numbers, none negative"),
        (TABLE, {"a": 1, "b": 2.5}, "Points table must map names to whole numbers, none negative"),
        (TABLE, {"a": 1}, "Points table has no value for b"),
        (TABLE, {"a": 1, "b": 2, "c": 3}, "Points table has no place for 'c'"),
        (SHARES, {"a": 100, "b": 101}, "Shares: b must be at most 100"),
        (DAYS, "2027-06-07", "Extra holidays must be a list"),
        (DAYS, ["2027-13-01"], "Extra holidays: '2027-13-01' is not a date in the form YYYY-MM-DD"),
        (ANY_LIST, ("x",), "Names must be a list"),
    ],
)
def test_a_value_that_cannot_be_right_is_refused_in_words(
    spec: SettingSpec, value: Any, message: str
) -> None:
    with pytest.raises(ValueError) as error:
        spec.validate(value)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("spec", "value", "checked"),
    [
        (WEEKS, 1, 1),
        (WEEKS, 260, 260),
        (WEEKS, "52", 52),
        (SHARE, 0, 0.0),
        (SHARE, 100, 100.0),
        (SHARE, "30", 30.0),
        (SWITCH, False, False),
        (TABLE, {"a": 0, "b": 7}, {"a": 0, "b": 7}),
        (TABLE, {"a": 0, "b": 10**6}, {"a": 0, "b": 10**6}),
        (SHARES, {"a": 0, "b": 100}, {"a": 0, "b": 100}),
        (DAYS, ["2027-06-07", "2028-01-03"], ["2027-06-07", "2028-01-03"]),
        (ANY_LIST, ["x", 1], ["x", 1]),
        (TEXT, "SAT", "SAT"),
        (TEXT, 5, "5"),
    ],
)
def test_a_value_within_its_bounds_comes_back_in_its_type(
    spec: SettingSpec, value: Any, checked: Any
) -> None:
    result = spec.validate(value)
    assert result == checked
    assert type(result) is type(checked)


def test_a_number_without_bounds_takes_any_value() -> None:
    free = SettingSpec("free", int, 0, "Anything", "a source")
    assert free.validate(-10_000) == -10_000
    assert free.validate(10**9) == 10**9


def test_the_catalogue_holds_every_declaration_once_in_order() -> None:
    first = SettingSpec("first", int, 1, "First", "a source")
    second = SettingSpec("second", int, 2, "Second", "a source")
    catalogue = _catalogue((first,), (second,))
    assert list(catalogue) == ["first", "second"]
    assert catalogue == {"first": first, "second": second}
    assert list(SETTINGS)[: len(CORE_SETTINGS)] == [spec.key for spec in CORE_SETTINGS]
    assert all(SETTINGS[spec.key] is spec for spec in CORE_SETTINGS)


def test_a_setting_declared_twice_is_refused_by_name() -> None:
    spec = SettingSpec("twice", int, 1, "Twice", "a source")
    with pytest.raises(ValueError) as error:
        _catalogue((spec,), (SettingSpec("other", int, 1, "Other", "a source"), spec))
    assert str(error.value) == "setting 'twice' is declared twice"


def test_defaults_and_point_keys() -> None:
    assert default("allocation_working_days") == 5
    assert default("capacity_flag_percent") == 110.0
    assert points_key("community", "B", 2) == "community:B:2"
    assert default("workload_points")["licence:A:3"] == 219
    assert default("grade_target_points") == {
        "PO": 2176,
        "PQIP": 2176,
        "PSO": 2176,
        "SPO": 0,
    }
    assert default("reduction_share_percent")["PQIP_MONTHS_0_6"] == 80


def test_reduction_shares_the_screen_accepts_are_shares_the_rules_accept() -> None:
    spec = SETTINGS["reduction_share_percent"]
    with pytest.raises(ValueError, match="must be at most 100"):
        spec.validate(spec.default | {"SICKNESS": 120})
    assert spec.validate(spec.default | {"TRADE_UNION": 100})["TRADE_UNION"] == 100
