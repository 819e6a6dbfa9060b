"""Working days in England and Wales (app/domain/calendar.py, DOMAIN.md 2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendar import DeadlineStatus, Nation, WorkingCalendar, deadline_status

ENGLAND = WorkingCalendar("england")
WALES = WorkingCalendar("wales")

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))
counts = st.integers(min_value=0, max_value=400)


def naive_add(calendar: WorkingCalendar, day: date, n: int) -> date:
    """Step one day at a time: slow, obviously right."""
    while n > 0:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def naive_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    if end < start:
        return -naive_between(calendar, end, start)
    return sum(
        calendar.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1)
    )


# -- real dates ---------------------------------------------------------------


def test_weekends_are_not_working_days() -> None:
    assert ENGLAND.is_working_day(date(2026, 3, 6))  # Friday
    assert not ENGLAND.is_working_day(date(2026, 3, 7))  # Saturday
    assert not ENGLAND.is_working_day(date(2026, 3, 8))  # Sunday
    assert ENGLAND.is_working_day(date(2026, 3, 9))  # Monday


def test_christmas_2026_closes_friday_and_the_substitute_boxing_day_monday() -> None:
    assert not ENGLAND.is_working_day(date(2026, 12, 25))  # Friday
    assert not ENGLAND.is_working_day(date(2026, 12, 28))  # Monday, substitute Boxing Day
    assert ENGLAND.is_working_day(date(2026, 12, 24))
    assert ENGLAND.is_working_day(date(2026, 12, 29))
    assert ENGLAND.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert ENGLAND.working_days_between(date(2026, 12, 24), date(2026, 12, 31)) == 3


def test_christmas_2026_holidays_listed_like_gov_uk() -> None:
    listed = ENGLAND.holidays_between(date(2026, 12, 1), date(2026, 12, 31))
    assert [day for day, _ in listed] == [date(2026, 12, 25), date(2026, 12, 28)]
    assert "Christmas" in listed[0][1]
    assert "Boxing" in listed[1][1]


def test_easter_2027_good_friday_and_easter_monday() -> None:
    assert not ENGLAND.is_working_day(date(2027, 3, 26))  # Good Friday
    assert not ENGLAND.is_working_day(date(2027, 3, 29))  # Easter Monday
    # Sentenced Thursday 25/03/2027: Tue 30, Wed 31, Thu 1, Fri 2, Mon 5 April.
    assert ENGLAND.add_working_days(date(2027, 3, 25), 5) == date(2027, 4, 5)
    assert ENGLAND.working_days_between(date(2027, 3, 25), date(2027, 4, 2)) == 4


def test_sentence_on_friday_before_a_bank_holiday_monday() -> None:
    # Friday 22/05/2026, Spring Bank Holiday Monday 25/05/2026.
    sentenced = date(2026, 5, 22)
    assert ENGLAND.add_working_days(sentenced, 1) == date(2026, 5, 26)
    assert ENGLAND.add_working_days(sentenced, 5) == date(2026, 6, 1)
    assert ENGLAND.next_working_day(sentenced) == date(2026, 5, 26)


def test_wales_has_the_same_bank_holidays_and_st_davids_day_is_not_one() -> None:
    assert WALES.is_working_day(date(2027, 3, 1))  # St David's Day, a Monday
    assert WALES.is_working_day(date(2029, 3, 1))  # St David's Day, a Thursday
    assert ENGLAND.holidays_between(date(2020, 1, 1), date(2030, 12, 31)) == (
        WALES.holidays_between(date(2020, 1, 1), date(2030, 12, 31))
    )


def test_special_one_off_bank_holidays_of_the_package_are_honoured() -> None:
    assert not ENGLAND.is_working_day(date(2022, 9, 19))  # State funeral
    assert not ENGLAND.is_working_day(date(2023, 5, 8))  # Coronation


def test_extra_one_off_holiday_is_honoured() -> None:
    extra = date(2026, 7, 15)  # a Wednesday
    calendar = WorkingCalendar("england", extra_holidays=[extra])
    assert not calendar.is_working_day(extra)
    assert ENGLAND.is_working_day(extra)
    assert calendar.add_working_days(date(2026, 7, 14), 1) == date(2026, 7, 16)
    assert calendar.working_days_between(date(2026, 7, 13), date(2026, 7, 17)) == 3
    assert (extra, "Additional bank holiday") in calendar.holidays_between(extra, extra)


def test_extra_holiday_on_a_weekend_changes_nothing() -> None:
    calendar = WorkingCalendar(extra_holidays=[date(2026, 7, 18)])
    assert calendar.add_working_days(date(2026, 7, 17), 1) == date(2026, 7, 20)
    assert calendar.holidays_between(date(2026, 7, 1), date(2026, 7, 31)) == []


def test_unknown_nation_is_refused() -> None:
    with pytest.raises(ValueError) as error:
        WorkingCalendar("scotland")  # type: ignore[arg-type]
    assert str(error.value) == "nation must be 'england' or 'wales', not 'scotland'"


@pytest.mark.parametrize("nation", ["england", "wales"])
def test_a_new_calendar_closes_on_its_nations_bank_holidays(nation: Nation) -> None:
    # Built here, not at import, so that every part of building one is exercised.
    calendar = WorkingCalendar(nation)
    assert calendar.nation == nation
    assert repr(calendar) == f"WorkingCalendar({nation!r}, extra_holidays=[])"
    assert not calendar.is_working_day(date(2026, 4, 6))  # Easter Monday: not in Scotland
    assert not calendar.is_working_day(date(2026, 8, 31))  # Summer bank holiday, late August
    assert calendar.is_working_day(date(2026, 8, 3))  # Scotland's, early August
    assert calendar.working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    fresh = WorkingCalendar(nation)
    assert fresh.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    fresh = WorkingCalendar(nation)
    assert fresh.subtract_working_days(date(2026, 4, 7), 1) == date(2026, 4, 2)
    fresh = WorkingCalendar(nation)
    assert [day for day, _ in fresh.holidays_between(date(2026, 8, 1), date(2026, 8, 31))] == [
        date(2026, 8, 31)
    ]


def test_a_calendar_shows_its_extra_holidays_in_order() -> None:
    calendar = WorkingCalendar("wales", [date(2027, 6, 4), date(2026, 7, 15)])
    assert calendar.extra_holidays == frozenset({date(2027, 6, 4), date(2026, 7, 15)})
    assert repr(calendar) == (
        "WorkingCalendar('wales', extra_holidays="
        "[datetime.date(2026, 7, 15), datetime.date(2027, 6, 4)])"
    )


def test_a_calendar_first_asked_about_the_year_1_loads_it() -> None:
    calendar = WorkingCalendar("england", extra_holidays=[date(1, 1, 3)])  # a Wednesday
    assert not calendar.is_working_day(date(1, 1, 3))
    assert calendar.is_working_day(date(1, 1, 2))


def test_add_zero_returns_the_day_itself_even_on_a_weekend() -> None:
    saturday = date(2026, 3, 7)
    assert ENGLAND.add_working_days(saturday, 0) == saturday
    assert ENGLAND.subtract_working_days(saturday, 0) == saturday


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^n must be 0 or more, not -1$"):
        ENGLAND.add_working_days(date(2026, 3, 6), -1)
    with pytest.raises(ValueError, match=r"^n must be 0 or more, not -2$"):
        ENGLAND.subtract_working_days(date(2026, 3, 6), -2)


def test_from_a_weekend_the_first_working_day_is_monday() -> None:
    assert ENGLAND.add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)
    assert ENGLAND.subtract_working_days(date(2026, 3, 7), 1) == date(2026, 3, 6)
    assert ENGLAND.subtract_working_days(date(2026, 3, 9), 1) == date(2026, 3, 6)


def test_subtract_over_christmas() -> None:
    assert ENGLAND.subtract_working_days(date(2026, 12, 30), 1) == date(2026, 12, 29)
    assert ENGLAND.subtract_working_days(date(2026, 12, 30), 2) == date(2026, 12, 24)
    assert ENGLAND.subtract_working_days(date(2026, 12, 29), 1) == date(2026, 12, 24)
    assert ENGLAND.subtract_working_days(date(2027, 1, 4), 2) == date(2026, 12, 30)


def test_working_days_between_is_signed_and_zero_for_the_same_day() -> None:
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)
    assert ENGLAND.working_days_between(friday, friday) == 0
    assert ENGLAND.working_days_between(friday, monday) == 1
    assert ENGLAND.working_days_between(monday, friday) == -1
    assert ENGLAND.working_days_between(friday, date(2026, 3, 8)) == 0


def test_working_day_on_or_after_rolls_forward_only_when_closed() -> None:
    assert ENGLAND.working_day_on_or_after(date(2026, 12, 24)) == date(2026, 12, 24)
    assert ENGLAND.working_day_on_or_after(date(2026, 12, 25)) == date(2026, 12, 29)


def test_holidays_between_spans_years() -> None:
    listed = ENGLAND.holidays_between(date(2026, 12, 20), date(2027, 1, 5))
    assert [day for day, _ in listed] == [date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)]


# -- deadline status ------------------------------------------------------------


def test_allocation_clock_due_due_today_and_overdue() -> None:
    sentenced = date(2026, 3, 2)  # Monday; deadline Monday 09/03
    due = deadline_status(sentenced, 5, date(2026, 3, 4), ENGLAND)
    assert due == DeadlineStatus(date(2026, 3, 9), 2, 3, "due")
    today = deadline_status(sentenced, 5, date(2026, 3, 9), ENGLAND)
    assert today == DeadlineStatus(date(2026, 3, 9), 5, 0, "due_today")
    late = deadline_status(sentenced, 5, date(2026, 3, 11), ENGLAND)
    assert late == DeadlineStatus(date(2026, 3, 9), 7, -2, "overdue")
    assert late.is_overdue and not due.is_overdue


def test_overdue_on_the_weekend_after_a_friday_deadline_counts_minus_one() -> None:
    status = deadline_status(date(2026, 3, 6), 5, date(2026, 3, 14), ENGLAND)
    assert status.deadline == date(2026, 3, 13)
    assert status.state == "overdue"
    assert status.days_left == -1


def test_days_elapsed_is_never_negative_before_the_clock_starts() -> None:
    status = deadline_status(date(2026, 3, 9), 5, date(2026, 3, 2), ENGLAND)
    assert status.days_elapsed == 0
    assert status.days_left == 10
    assert status.state == "due"


def test_deadline_status_of_a_queue_spanning_years_agrees_with_counting_day_by_day() -> None:
    # The allocation queue asks for thousands of clocks at once, so the calendar counts
    # with a formula (its speed is the bench's business); here every clock of a queue
    # whose starts span two and a half years, holidays included, must be right.
    as_at = date(2026, 6, 1)
    for i in range(0, 900, 7):
        start = date(2024, 1, 1) + timedelta(days=i)
        status = deadline_status(start, 5, as_at, ENGLAND)
        assert status.deadline == naive_add(ENGLAND, start, 5)
        assert status.days_elapsed == max(0, naive_between(ENGLAND, start, as_at))


# -- properties -------------------------------------------------------------------


@given(days, st.integers(min_value=1, max_value=400))
def test_adding_working_days_lands_on_a_working_day(day: date, n: int) -> None:
    result = ENGLAND.add_working_days(day, n)
    assert result.weekday() < 5
    assert ENGLAND.is_working_day(result)
    assert ENGLAND.holidays_between(result, result) == []


@given(days, counts)
def test_working_days_between_undoes_adding(day: date, n: int) -> None:
    assert ENGLAND.working_days_between(day, ENGLAND.add_working_days(day, n)) == n


@given(days, counts)
def test_subtracting_back_returns_the_day_or_the_working_day_before(day: date, n: int) -> None:
    back = ENGLAND.subtract_working_days(ENGLAND.add_working_days(day, n), n)
    assert back <= day
    if n == 0 or ENGLAND.is_working_day(day):
        assert back == day
    else:
        assert ENGLAND.is_working_day(back)
        assert ENGLAND.working_days_between(back, day) == 0


@given(days, counts, counts)
def test_adding_is_monotonic_in_n(day: date, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert ENGLAND.add_working_days(day, low) <= ENGLAND.add_working_days(day, high)
    if low < high:
        assert ENGLAND.add_working_days(day, low) < ENGLAND.add_working_days(day, high)


@given(days, st.integers(min_value=0, max_value=40))
def test_adding_agrees_with_stepping_day_by_day(day: date, n: int) -> None:
    assert ENGLAND.add_working_days(day, n) == naive_add(ENGLAND, day, n)


@given(days, st.integers(min_value=-60, max_value=60))
def test_between_agrees_with_counting_day_by_day(day: date, offset: int) -> None:
    other = day + timedelta(days=offset)
    assert ENGLAND.working_days_between(day, other) == naive_between(ENGLAND, day, other)
    assert ENGLAND.working_days_between(other, day) == -ENGLAND.working_days_between(day, other)


@given(days, st.integers(min_value=1, max_value=400))
def test_subtracting_lands_on_a_working_day_n_before(day: date, n: int) -> None:
    back = ENGLAND.subtract_working_days(day, n)
    assert ENGLAND.is_working_day(back)
    assert back < day
    # n working days from back up to the day before: back itself is the first.
    assert ENGLAND.working_days_between(back, day - timedelta(days=1)) == n - 1


@given(days, days, counts)
def test_deadline_status_agrees_with_its_parts(start: date, as_at: date, n: int) -> None:
    status = deadline_status(start, n, as_at, ENGLAND)
    assert status.deadline == ENGLAND.add_working_days(start, n)
    assert status.days_elapsed >= 0
    assert (status.state == "overdue") == (as_at > status.deadline)
    assert (status.state == "due_today") == (as_at == status.deadline)
    assert (status.days_left < 0) == (status.state == "overdue")
