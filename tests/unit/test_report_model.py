"""The document model of every export (app/domain/report.py) and its formula-injection rule."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.report import (
    DASH,
    FORMULA_TRIGGERS,
    BarChart,
    Column,
    CoverField,
    Figure,
    Kind,
    Report,
    ReportError,
    Section,
    Series,
    Table,
    format_value,
    neutralise_formula,
)

triggered = st.builds(lambda t, rest: t + rest, st.sampled_from(FORMULA_TRIGGERS), st.text())


@given(st.text())
def test_neutralised_text_never_starts_a_formula(text: str) -> None:
    assert not neutralise_formula(text).startswith(FORMULA_TRIGGERS)


@given(st.text().filter(lambda t: not t.startswith(FORMULA_TRIGGERS)))
def test_text_that_starts_no_formula_is_left_alone(text: str) -> None:
    assert neutralise_formula(text) == text


@given(triggered)
def test_formula_text_gets_an_apostrophe_and_keeps_every_character(text: str) -> None:
    assert neutralise_formula(text) == "'" + text


@given(st.text())
def test_neutralising_twice_changes_nothing_more(text: str) -> None:
    once = neutralise_formula(text)
    assert neutralise_formula(once) == once


@pytest.mark.parametrize("text", ["=1+1", "+44", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_each_trigger_of_spec_section_9_is_neutralised(text: str) -> None:
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (1234567, Kind.INTEGER, "1,234,567"),
        (87.5, Kind.PERCENTAGE, "87.5%"),
        (100, Kind.PERCENTAGE, "100.0%"),
        (0.05, Kind.PERCENTAGE, "0.1%"),
        (Decimal("12.25"), Kind.HOURS, "12.25"),
        (12.5, Kind.HOURS, "12.5"),
        (3, Kind.HOURS, "3.0"),
        (1234.125, Kind.DECIMAL, "1,234.13"),
        (date(2026, 11, 27), Kind.DATE, "27/11/2026"),
        (datetime(2026, 11, 27, 17, 5), Kind.DATETIME, "27/11/2026 17:05"),
        ("Łódź", Kind.TEXT, "Łódź"),
        (None, Kind.PERCENTAGE, DASH),
        (None, Kind.TEXT, DASH),
    ],
)
def test_values_are_shown_as_the_screens_and_pdf_show_them(
    value: object, kind: Kind, shown: str
) -> None:
    assert format_value(value, kind) == shown  # type: ignore[arg-type]


@given(st.decimals(min_value=0, max_value=10_000, places=2))
def test_a_percentage_is_shown_rounded_half_up_to_one_place(value: Decimal) -> None:
    shown = format_value(value, Kind.PERCENTAGE)
    number = Decimal(shown.rstrip("%").replace(",", ""))
    assert abs(number - value) <= Decimal("0.05")
    assert number - value != Decimal("-0.05")  # a half goes up, never down


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("12", Kind.INTEGER),
        (True, Kind.INTEGER),
        (1.5, Kind.INTEGER),
        (datetime(2026, 1, 1), Kind.DATE),
        (date(2026, 1, 1), Kind.DATETIME),
        (float("nan"), Kind.DECIMAL),
        (3, Kind.TEXT),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_with_its_place(value: object, kind: Kind) -> None:
    with pytest.raises(ReportError, match="Table 'T', row 1, V"):
        Table("T", [Column("V", kind)], [[value]])


def test_a_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ReportError, match="row 2: 1 values for 2 columns"):
        Table("T", [Column("A"), Column("B")], [["a", "b"], ["a"]])


def test_two_columns_of_one_name_are_refused_ignoring_case() -> None:
    with pytest.raises(ReportError, match="same name"):
        Table("T", [Column("Cases"), Column("cases", Kind.INTEGER)])


def test_lists_become_tuples_so_a_report_is_immutable_and_comparable() -> None:
    table = Table("T", [Column("A", Kind.INTEGER)], [[1], [2]])
    assert table.rows == ((1,), (2,))
    assert table == Table("T", (Column("A", Kind.INTEGER),), ((1,), (2,)))
    assert isinstance(Section("S", tables=[table]).tables, tuple)


def test_a_map_becomes_a_two_column_table_in_its_own_order() -> None:
    table = Table.from_mapping("By reason", "Reason", "Sessions", {"Weather": 2, "Other": 0})
    assert [c.title for c in table.columns] == ["Reason", "Sessions"]
    assert table.columns[1].kind is Kind.INTEGER
    assert table.rows == (("Weather", 2), ("Other", 0))


def test_a_chart_of_the_tier_matrix_has_a_series_per_level_and_a_bar_per_tier() -> None:
    matrix = Table(
        "Tiers",
        [Column("Tier"), *(Column(str(n), Kind.INTEGER) for n in range(4))],
        [[t, 1, 2, 3, None] for t in "ABCD"],
    )
    chart = BarChart.from_table("Cases by tier", matrix)
    assert chart.categories == ("A", "B", "C", "D")
    assert [s.name for s in chart.series] == ["0", "1", "2", "3"]
    assert chart.series[3].values == (None, None, None, None)
    assert chart.category_title == "Tier"
    assert chart.table().rows == matrix.rows


def test_a_chart_skips_text_columns_of_its_table() -> None:
    table = Table(
        "T", [Column("Team"), Column("Lead"), Column("Cases", Kind.INTEGER)], [["A", "x", 3]]
    )
    chart = BarChart.from_table("C", table)
    assert [s.name for s in chart.series] == ["Cases"]


def test_a_series_must_have_a_value_per_category() -> None:
    with pytest.raises(ReportError, match="2 values for 3 categories"):
        BarChart("C", ["a", "b", "c"], [Series("n", [1, 2])])


def test_figures_and_cover_fields_check_their_values() -> None:
    with pytest.raises(ReportError, match="Active: '12' is not a integer value"):
        Figure("Active", "12")
    with pytest.raises(ReportError, match="Week ending"):
        CoverField("Week ending", "27/11/2026", Kind.DATE)
    assert Figure("On time", None, Kind.PERCENTAGE).value is None


def test_kinds_may_be_given_by_name() -> None:
    assert Column("Cases", "integer").kind is Kind.INTEGER  # type: ignore[arg-type]


def test_two_sections_of_one_title_are_refused() -> None:
    with pytest.raises(ReportError, match="same title"):
        Report("R", sections=[Section("Caseload"), Section("caseload")])


def test_a_report_carries_the_official_sensitive_marking_by_default() -> None:
    assert Report("R").marking == "OFFICIAL-SENSITIVE"
