"""Settings declared once, validated before they reach the store."""

from __future__ import annotations

import pytest

from app.domain.settings import SETTINGS


def test_bank_holidays_must_be_dates() -> None:
    spec = SETTINGS["extra_bank_holidays"]
    assert spec.validate(["2027-06-07"]) == ["2027-06-07"]
    with pytest.raises(ValueError, match="not a date"):
        spec.validate(["07/06/2027"])


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("allocation_working_days", 0),
        ("po_mix_min_cases", "five"),
        ("assessment_valid_weeks", 1000),
    ],
)
def test_numbers_outside_their_range_are_refused(key: str, bad: object) -> None:
    with pytest.raises(ValueError):
        SETTINGS[key].validate(bad)


def test_every_setting_names_its_source_and_its_default_is_valid() -> None:
    for spec in SETTINGS.values():
        assert spec.source and spec.label
        assert spec.validate(spec.default) == spec.default


def test_the_points_table_takes_only_its_own_cells() -> None:
    spec = SETTINGS["workload_points"]
    table = dict(spec.default)
    assert spec.validate(table | {"community:B:1": 120})["community:B:1"] == 120
    with pytest.raises(ValueError, match="no place for"):
        spec.validate(table | {"community:Z:9": 1})
    with pytest.raises(ValueError, match="no value for"):
        spec.validate({k: v for k, v in table.items() if k != "licence:A:3"})
    with pytest.raises(ValueError, match="whole numbers"):
        spec.validate(table | {"community:B:1": -5})


def test_a_setting_with_choices_takes_only_them_and_reads_in_words() -> None:
    import pytest

    spec = SETTINGS["week_end_day"]
    assert spec.validate("SAT") == "SAT" and spec.label_of("FRI") == "Friday"
    with pytest.raises(ValueError, match="must be one of: Monday"):
        spec.validate("Friday")
