"""Reading import cells and headers (app/domain/parsing.py, coded.py, columns.py; SPEC.md 5)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import coded
from app.domain.parsing import (
    ParseError,
    clean_text,
    format_date,
    is_blank,
    is_unallocated_code,
    normalise_key,
    parse_crn,
    parse_date,
    parse_days,
    parse_number,
    parse_percent,
    parse_staff_code,
    parse_time,
)

cells = st.one_of(
    st.none(), st.text(), st.integers(), st.floats(), st.booleans(), st.text("0123456789/-: ")
)

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

# -- blanks and text ----------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", "\t", "N/A", "n/a", " N/a "])
def test_blank_cells(value: str | None) -> None:
    assert is_blank(value)


@pytest.mark.parametrize("value", ["0", "NA", "-", "x", 0, 0.0, False])
def test_not_blank_cells(value: object) -> None:
    assert not is_blank(value)


def test_clean_text_tidies_spaces_and_blanks_to_none() -> None:
    assert clean_text("  Mary   Ann ") == "Mary Ann"
    assert clean_text(" n/a ") is None


def test_normalise_key_ignores_case_spaces_underscores_hyphens_and_bom() -> None:
    assert normalise_key("\ufeffVery_High-risk ") == normalise_key("very high risk")


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/01/2024", date(2024, 1, 5)),
        ("5/1/2024", date(2024, 1, 5)),
        ("05.01.2024", date(2024, 1, 5)),
        ("05-01-2024", date(2024, 1, 5)),
        ("2024-01-05", date(2024, 1, 5)),
        ("2024-1-5", date(2024, 1, 5)),
        ("2024-01-05 00:00:00", date(2024, 1, 5)),
        ("2024-01-05T13:45", date(2024, 1, 5)),
        ("05/01/2024 09:30", date(2024, 1, 5)),
        ("05-JAN-24", date(2024, 1, 5)),
        ("05-jan-24", date(2024, 1, 5)),
        ("5-Jan-69", date(2069, 1, 5)),
        ("05-JAN-70", date(1970, 1, 5)),
        ("05-JAN-99", date(1999, 1, 5)),
        ("05-JAN-00", date(2000, 1, 5)),
        ("05-JAN-2024", date(2024, 1, 5)),
        ("05 January 2024", date(2024, 1, 5)),
        ("1-Sept-2025", date(2025, 9, 1)),
        (" 29/02/2024 ", date(2024, 2, 29)),
    ],
)
def test_date_formats(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/12/9999", "9999-12-31", "31-DEC-9999", "", " ", "N/A"])
def test_no_end_date_and_blank_read_as_none(text: str) -> None:
    assert parse_date(text) is None


def test_excel_date_cells() -> None:
    assert parse_date(datetime(2024, 1, 5, 0, 0)) == date(2024, 1, 5)
    assert parse_date(date(2024, 1, 5)) == date(2024, 1, 5)
    assert parse_date(datetime(9999, 12, 31)) is None
    assert parse_date(None) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/2026", "'31/02/2026' is not a date: there is no 31 February 2026"),
        ("29/02/2025", "there is no 29 February 2025"),
        ("01/13/2026", "there is no month 13"),
        ("2026-00-10", "there is no month 0"),
        ("00/01/2026", "there is no 0 January 2026"),
        ("01/01/0000", "the year 0 is not possible"),
        ("05/01/24", "write the year in full"),
        ("31-FOO-24", "'FOO' is not a month"),
        ("yesterday", "'yesterday' is not a date: use dd/mm/yyyy"),
        ("2026/01/05", "is not a date"),
        ("5 1 2026", "is not a date"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_date(text)


def test_a_number_is_not_a_date() -> None:
    with pytest.raises(ParseError, match="is not a date"):
        parse_date(45000)  # type: ignore[arg-type]


def test_long_values_are_shortened_in_messages() -> None:
    with pytest.raises(ParseError) as caught:
        parse_date("x" * 500)
    assert len(str(caught.value)) < 120


def test_format_date_is_dd_mm_yyyy() -> None:
    assert format_date(date(2026, 1, 5)) == "05/01/2026"
    assert format_date(None) == ""


PLAUSIBLE = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(PLAUSIBLE)
def test_dates_round_trip_as_dd_mm_yyyy_and_iso(day: date) -> None:
    assert parse_date(f"{day.day:02d}/{day.month:02d}/{day.year:04d}") == day
    assert parse_date(f"{day.day}/{day.month}/{day.year:04d}") == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(format_date(day)) == day


@given(PLAUSIBLE)
def test_dates_round_trip_as_dd_mon_yyyy(day: date) -> None:
    month = MONTHS[day.month - 1]
    assert parse_date(f"{day.day:02d}-{month}-{day.year}") == day


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2069, 12, 31)))
def test_two_digit_years_pivot_at_70(day: date) -> None:
    month = MONTHS[day.month - 1]
    assert parse_date(f"{day.day:02d}-{month}-{day.year % 100:02d}") == day


# -- identifiers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"), [("X123456", "X123456"), (" a654321 ", "A654321"), ("Z000001", "Z000001")]
)
def test_crns(text: str, expected: str) -> None:
    assert parse_crn(text) == expected


@pytest.mark.parametrize(
    "text", ["X12345", "X1234567", "1234567", "XX12345", "X 123456", "X12345٣"]
)
def test_bad_crns_are_refused(text: str) -> None:
    with pytest.raises(ParseError, match="is not a CRN \\(one letter then six digits"):
        parse_crn(text)


def test_missing_crn_is_refused() -> None:
    with pytest.raises(ParseError, match="CRN is missing"):
        parse_crn("  ")
    with pytest.raises(ParseError, match="CRN is missing"):
        parse_crn(None)


@given(
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
    st.text("0123456789", min_size=6, max_size=6),
)
def test_crns_round_trip(letter: str, digits: str) -> None:
    assert parse_crn(f" {letter}{digits} ") == f"{letter.upper()}{digits}"


def test_staff_codes_and_unallocated_codes() -> None:
    assert parse_staff_code(" n07a123 ") == "N07A123"
    assert parse_staff_code("") is None
    assert is_unallocated_code("N07UATU")
    assert not is_unallocated_code("N07A123")
    with pytest.raises(ParseError, match="is not a staff code"):
        parse_staff_code("N07 A12")


# -- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        (" 7.5 ", 7.5),
        ("-2", -2.0),
        ("+3", 3.0),
        (".5", 0.5),
        ("1,234.5", 1234.5),
        (12, 12.0),
        (2.25, 2.25),
    ],
)
def test_numbers(value: str | float, expected: float) -> None:
    assert parse_number(value) == expected


@pytest.mark.parametrize(
    "value",
    ["seven", "7 hours", "1e5", "inf", "nan", "1_000", "12,34", "٣", "--1", True, float("nan")],
)
def test_text_in_number_columns_is_refused(value: str | float) -> None:
    with pytest.raises(ParseError, match="is not a number"):
        parse_number(value)


def test_negative_numbers_refused_when_minimum_is_zero() -> None:
    with pytest.raises(ParseError, match="'-3' cannot be negative"):
        parse_number("-3", minimum=0)
    with pytest.raises(ParseError, match="less than the lowest allowed, 40"):
        parse_number("39", minimum=40)
    assert parse_number("0", minimum=0) == 0


def test_whole_numbers() -> None:
    assert parse_number("7.0", allow_decimal=False) == 7
    assert isinstance(parse_number("7", allow_decimal=False), int)
    with pytest.raises(ParseError, match="not a whole number"):
        parse_number("7.5", allow_decimal=False)
    assert parse_number(" ", allow_decimal=False) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7.5", 7.5), ("7.5%", 7.5), (" 7.5 % ", 7.5), ("0", 0.0), ("100", 100.0), (6.99, 6.99)],
)
def test_percentages(value: str | float, expected: float) -> None:
    assert parse_percent(value) == expected


@pytest.mark.parametrize("value", ["101", "-1", "%", "abc%", "7.5%%"])
def test_bad_percentages(value: str) -> None:
    with pytest.raises(ParseError):
        parse_percent(value)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integers_round_trip(number: int) -> None:
    assert parse_number(str(number), allow_decimal=False) == number


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_decimals_round_trip(number: float) -> None:
    assert parse_number(f"{number:.6f}") == pytest.approx(number, abs=1e-6)


# -- times and days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("09:00", time(9)),
        ("9:00", time(9)),
        ("17:30", time(17, 30)),
        ("9.30", time(9, 30)),
        ("0930", time(9, 30)),
        ("09:00:15", time(9, 0, 15)),
        ("9am", time(9)),
        ("5:30 pm", time(17, 30)),
        ("12pm", time(12)),
        ("12am", time(0)),
        (time(8, 15), time(8, 15)),
        (datetime(2026, 1, 1, 8, 15), time(8, 15)),
    ],
)
def test_times(value: str | time, expected: time) -> None:
    assert parse_time(value) == expected


@pytest.mark.parametrize("value", ["24:00", "9", "09:60", "13pm", "noon", "9:5", "2500"])
def test_bad_times(value: str) -> None:
    with pytest.raises(ParseError, match="is not a time"):
        parse_time(value)


@given(st.times())
def test_times_round_trip(moment: time) -> None:
    assert parse_time(moment.strftime("%H:%M")) == moment.replace(second=0, microsecond=0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sat,Sun", {5, 6}),
        ("sat; sun", {5, 6}),
        ("Monday Friday", {0, 4}),
        ("Mon-Fri", {0, 1, 2, 3, 4}),
        ("Mon - Wed", {0, 1, 2}),
        ("Fri to Mon", {4, 5, 6, 0}),
        ("Tues & Thurs", {1, 3}),
        ("weekends", {5, 6}),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("daily", set(range(7))),
        ("", set()),
    ],
)
def test_days(value: str, expected: set[int]) -> None:
    assert parse_days(value) == expected


@pytest.mark.parametrize("value", ["Funday", "Mon-", ",", "Sat,Sin"])
def test_bad_days(value: str) -> None:
    with pytest.raises(ParseError):
        parse_days(value)


@given(st.sets(st.integers(min_value=0, max_value=6), min_size=1))
def test_days_round_trip(days: set[int]) -> None:
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert parse_days(",".join(names[d] for d in sorted(days))) == days


# -- totality -----------------------------------------------------------------------------------

TEXT_PARSERS: list[Callable[[str], object]] = [
    parse_date,
    parse_crn,
    parse_staff_code,
    parse_number,
    lambda t: parse_number(t, minimum=0, allow_decimal=False),
    parse_percent,
    parse_time,
    parse_days,
    coded.parse_sentence_type,
    coded.parse_rosh,
    coded.parse_grade,
    coded.parse_gender,
    coded.parse_requirements,
    coded.parse_mappa_level,
    coded.parse_mappa_category,
    coded.parse_yes_no,
    coded.parse_need_severity,
    coded.parse_complexity_factors,
    coded.parse_specialisms,
    coded.parse_tier_code,
]


@pytest.mark.parametrize("parser", TEXT_PARSERS)
@given(text=st.text())
def test_every_parser_is_total_on_any_text(parser: Callable[[str], object], text: str) -> None:
    try:
        parser(text)
    except ParseError as error:
        assert str(error)


@given(value=cells)
def test_coded_parsers_are_total_on_any_cell(value: object) -> None:
    for parser in TEXT_PARSERS[8:]:
        with contextlib.suppress(ParseError):
            parser(value)  # type: ignore[arg-type]


@given(st.text())
def test_blank_text_reads_as_none_or_empty(text: str) -> None:
    if is_blank(text):
        assert parse_date(text) is None
        assert coded.parse_rosh(text) is None
        assert coded.parse_requirements(text) == frozenset()


@given(st.dates(max_value=date(1899, 12, 31)) | st.dates(date(2101, 1, 1), date(9999, 12, 30)))
def test_dates_before_1900_or_after_2100_are_refused_as_implausible(day: date) -> None:
    for text in (format_date(day), day.isoformat()):
        with pytest.raises(ParseError, match="not a plausible date: dates from 1900 to 2100"):
            parse_date(text)
    with pytest.raises(ParseError, match="not a plausible date"):
        parse_date(day)


def test_31_12_9999_still_means_no_end_date() -> None:
    assert parse_date("31/12/9999") is None
    assert parse_date(date(9999, 12, 31)) is None
