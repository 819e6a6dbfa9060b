"""What the person who made an import file reads when a cell cannot be read (SPEC.md 5).

Each message is shown as it is, so each is checked word for word, and the
edges of what is accepted are checked on both sides.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, time

import pytest

from app.domain.coded import parse_tier_code
from app.domain.parsing import (
    NAME_LENGTH,
    ParseError,
    normalise_key,
    parse_crn,
    parse_date,
    parse_days,
    parse_name,
    parse_number,
    parse_percent,
    parse_staff_code,
    parse_time,
    show,
)

TIME_HINT = "use the 24-hour clock, e.g. 09:00 or 17:30"
DAY_HINT = "use day names such as Sat,Sun or Mon-Fri"


@pytest.mark.parametrize(
    ("parser", "value", "message"),
    [
        (parse_date, "01/13/2026", "'01/13/2026' is not a date: there is no month 13"),
        (parse_date, "31/02/2026", "'31/02/2026' is not a date: there is no 31 February 2026"),
        (parse_date, "0000-01-01", "'0000-01-01' is not a date: the year 0 is not possible"),
        (parse_date, "1/2/26", "'1/2/26' is not a date: write the year in full, e.g. 31/01/2026"),
        (parse_date, "05-Foo-24", "'05-Foo-24' is not a date: 'Foo' is not a month"),
        (parse_date, "soon", "'soon' is not a date: use dd/mm/yyyy, e.g. 31/01/2026"),
        (parse_date, 3, "'3' is not a date: use dd/mm/yyyy, e.g. 31/01/2026"),
        (parse_date, "31-FEB-2026", "'31-FEB-2026' is not a date: there is no 31 February 2026"),
        (parse_date, "2026-02-30", "'2026-02-30' is not a date: there is no 30 February 2026"),
        (
            parse_tier_code,
            "E1",
            "'E1' is not a tier: use A3 to D0 (B2S when unsupervised) "
            "or an NDelius tier code from 0 to 32",
        ),
        (parse_crn, None, "The CRN is missing (one letter then six digits, e.g. X123456)"),
        (parse_crn, " X12345 ", "'X12345' is not a CRN (one letter then six digits, e.g. X123456)"),
        (
            parse_staff_code,
            " N07-A1 ",
            "'N07-A1' is not a staff code (letters and digits, e.g. N07A123)",
        ),
        (parse_percent, "%", "'%' is not a percentage"),
        (parse_percent, " % ", "'%' is not a percentage"),
        (parse_percent, "101", "'101' is not a percentage from 0 to 100"),
        (parse_percent, -0.5, "'-0.5' is not a percentage from 0 to 100"),
        (parse_number, "abc", "'abc' is not a number"),
        (parse_number, True, "'True' is not a number"),
        (parse_number, float("nan"), "'nan' is not a number"),
        (parse_number, float("-inf"), "'-inf' is not a number"),
        (
            lambda v: parse_number(v, minimum=40),
            "39.5",
            "'39.5' is less than the lowest allowed, 40",
        ),
        (lambda v: parse_number(v, minimum=0), " -3 ", "'-3' cannot be negative"),
        (lambda v: parse_number(v, allow_decimal=False), "7.5", "'7.5' is not a whole number"),
        (parse_time, "25:00", f"'25:00' is not a time: {TIME_HINT}"),
        (parse_time, "2400", f"'2400' is not a time: {TIME_HINT}"),
        (parse_time, "0am", f"'0am' is not a time: {TIME_HINT}"),
        (parse_time, "13pm", f"'13pm' is not a time: {TIME_HINT}"),
        (parse_time, "10:00:60", f"'10:00:60' is not a time: {TIME_HINT}"),
        (parse_time, "10:60", f"'10:60' is not a time: {TIME_HINT}"),
        (parse_time, " nine ", f"'nine' is not a time: {TIME_HINT}"),
        (parse_days, "Sat, Sin", f"'Sin' in 'Sat, Sin' is not a day: {DAY_HINT}"),
        (parse_days, "Sin", f"'Sin' in 'Sin' is not a day: {DAY_HINT}"),
        (parse_days, "Mon-Funday", f"'Funday' in 'Mon-Funday' is not a day: {DAY_HINT}"),
        (parse_days, "Munday-Fri", f"'Munday' in 'Munday-Fri' is not a day: {DAY_HINT}"),
        (parse_days, "Mon-Wed-Fri", f"'Wed-Fri' in 'Mon-Wed-Fri' is not a day: {DAY_HINT}"),
        (parse_days, "and", f"'and' names no days: {DAY_HINT}"),
        (parse_days, " , ", f"',' names no days: {DAY_HINT}"),
        (parse_name, "x" * 101, "is 101 characters long: at most 100 fit"),
        (parse_name, "y" * 1234, "is 1,234 characters long: at most 100 fit"),
    ],
)
def test_a_cell_that_cannot_be_read_says_why_in_words(
    parser: Callable[[object], object], value: object, message: str
) -> None:
    with pytest.raises(ParseError) as error:
        parser(value)
    assert str(error.value) == message


def test_a_name_may_fill_its_column_but_not_overflow_it() -> None:
    assert NAME_LENGTH == 100
    assert parse_name("z" * 100) == "z" * 100
    assert parse_name("  Mary   Ann  ") == "Mary Ann"
    assert parse_name("   ") is None
    assert parse_name(None) is None
    assert parse_name(" " + "w" * 100 + " ") == "w" * 100  # spaces are tidied before counting


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1pm", time(13, 0)),
        ("1am", time(1, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("1330", time(13, 30)),
        ("0000", time(0, 0)),
        ("2359", time(23, 59)),
        ("10:00:59", time(10, 0, 59)),
        ("23:59", time(23, 59)),
    ],
)
def test_times_at_the_edges_of_the_clock(text: str, expected: time) -> None:
    assert parse_time(text) == expected


def test_an_excel_time_loses_its_fraction_of_a_second_and_its_time_zone() -> None:
    parsed = parse_time(time(9, 30, 15, 123456, tzinfo=UTC))
    assert parsed == time(9, 30, 15)
    assert parsed is not None and parsed.tzinfo is None and parsed.microsecond == 0


@pytest.mark.parametrize("blank", ["", "   ", "n/a", None])
def test_blank_times_and_percentages_read_as_none(blank: str | None) -> None:
    assert parse_time(blank) is None
    assert parse_percent(blank) is None


@pytest.mark.parametrize(("text", "expected"), [("0", 0.0), ("100%", 100.0), (" 7.5 % ", 7.5)])
def test_percentages_at_their_edges(text: str, expected: float) -> None:
    assert parse_percent(text) == expected


def test_the_first_and_last_years_a_date_can_name() -> None:
    assert parse_date("01/01/1900") == date(1900, 1, 1)
    assert parse_date("31/12/2100") == date(2100, 12, 31)
    assert parse_date("31/12/9999") is None  # NDelius for "no end date"
    for text in ("31/12/1899", "01/01/2101"):
        with pytest.raises(ParseError) as error:
            parse_date(text)
        assert str(error.value) == (
            f"'{text}' is not a plausible date: dates from 1900 to 2100 are read "
            "(31/12/9999 means no end date)"
        )


def test_a_long_value_is_shown_cut_to_forty_characters() -> None:
    forty, forty_one = "a" * 40, "b" * 41
    assert show(forty) == f"'{forty}'"
    assert show(forty_one) == "'" + "b" * 39 + "…'"
    assert show(f"  {forty}  ") == f"'{forty}'"
    assert len(show("c" * 500)) == 42


def test_a_percent_sign_is_kept_when_matching_names() -> None:
    assert normalise_key("RSR %") == "rsr%"
    assert normalise_key("7.5 %") == "75%"
    assert normalise_key("OGRS_Score") == "ogrsscore"


@pytest.mark.parametrize(
    "text", ["Mon TO Fri", "mon to fri", "Mon - Fri", "Mon\u2013Fri", "Mon To Fri"]
)
def test_a_range_of_days_is_read_however_the_dash_or_to_is_written(text: str) -> None:
    assert parse_days(text) == frozenset(range(5))
