"""Who is there to take a new case over the next working days (issue 16)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.availability import Absence, Availability, absence_end, availability, window
from app.domain.calendar import WorkingCalendar

ENGLAND = WorkingCalendar("england")
WEDNESDAY = date(2026, 11, 25)  # next working days: 26, 27, 30/11, 01/12, 02/12


def check(*absences: Absence, leave: date | None = None, on: date = WEDNESDAY) -> Availability:
    return availability(absences, leave, on, ENGLAND)


def test_the_five_working_days_after_the_allocation_date() -> None:
    assert window(WEDNESDAY, ENGLAND, 5) == [
        date(2026, 11, 26),
        date(2026, 11, 27),
        date(2026, 11, 30),
        date(2026, 12, 1),
        date(2026, 12, 2),
    ]
    # Christmas 2026: Friday 25, Monday 28 (Boxing Day's substitute), Friday 1 January.
    assert window(date(2026, 12, 23), ENGLAND, 5) == [
        date(2026, 12, 24),
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 4),
    ]


def test_no_absence_and_no_leaving_is_available() -> None:
    assert check() == Availability("", "")
    assert check().available


def test_absent_on_the_allocation_date_says_until_when() -> None:
    found = check(Absence(date(2026, 8, 31), date(2026, 9, 14)), on=date(2026, 9, 4))
    assert found == Availability("absent until 14/09/2026")
    assert not found.available


def test_absent_today_with_no_return_date() -> None:
    assert check(Absence(date(2026, 11, 2))).unavailable == "absent, with no return date recorded"


def test_absences_that_meet_over_a_weekend_are_one_time_away() -> None:
    # Monday 23 to Friday 27, then Monday 30 to Friday 4 December.
    spans = (
        Absence(date(2026, 11, 23), date(2026, 11, 27)),
        Absence(date(2026, 11, 30), date(2026, 12, 4)),
    )
    assert check(*spans).unavailable == "absent until 04/12/2026"
    # A working day between them (Monday 30) ends the first time away.
    gap = (
        Absence(date(2026, 11, 23), date(2026, 11, 27)),
        Absence(date(2026, 12, 1), date(2026, 12, 4)),
    )
    assert check(*gap).unavailable == "absent until 27/11/2026"


def test_absent_on_three_of_the_next_five_working_days_is_unavailable() -> None:
    found = check(Absence(date(2026, 11, 27), date(2026, 12, 1)))  # Fri, Mon, Tue
    assert found.unavailable == (
        "absent from 27/11/2026 until 01/12/2026 (3 of the next 5 working days)"
    )


def test_a_shorter_absence_is_a_note() -> None:
    two = check(Absence(date(2026, 11, 27), date(2026, 11, 30)))  # Fri and Mon
    assert two == Availability(
        "", "absent from 27/11/2026 until 30/11/2026 (2 of the next 5 working days)"
    )
    one = check(Absence(date(2026, 12, 2), date(2026, 12, 2)))
    assert one == Availability("", "absent on 02/12/2026 (1 of the next 5 working days)")


def test_an_absence_over_bank_holidays_and_a_weekend_counts_no_working_day() -> None:
    christmas = Absence(date(2026, 12, 25), date(2026, 12, 28))  # Fri holiday to Mon holiday
    assert check(christmas, on=date(2026, 12, 23)) == Availability()


def test_leaving_within_the_next_five_working_days_is_unavailable() -> None:
    assert check(leave=date(2026, 12, 2)).unavailable == "leaves on 02/12/2026"
    assert check(leave=date(2026, 12, 3)) == Availability()
    assert check(leave=WEDNESDAY).unavailable == "left on 25/11/2026"


def test_absence_and_leaving_are_both_said() -> None:
    found = check(Absence(WEDNESDAY, date(2026, 11, 26)), leave=date(2026, 11, 30))
    assert found.unavailable == "absent until 26/11/2026; leaves on 30/11/2026"


def test_the_days_looked_at_are_settings() -> None:
    span = Absence(date(2026, 11, 26), date(2026, 11, 26))
    assert availability([span], None, WEDNESDAY, ENGLAND, 2, 1).unavailable == (
        "absent on 26/11/2026 (1 of the next 2 working days)"
    )
    assert availability([], date(2026, 11, 30), WEDNESDAY, ENGLAND, 2, 1) == Availability()
    with pytest.raises(ValueError):
        availability([], None, WEDNESDAY, ENGLAND, 0, 1)


def test_an_absence_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Absence(date(2026, 11, 26), date(2026, 11, 25))


def test_the_end_of_time_away_not_covering_a_day_is_that_day() -> None:
    assert absence_end([], WEDNESDAY, ENGLAND) == WEDNESDAY


# --- properties on the working-day edges ---------------------------------------------

BASE = date(2026, 12, 14)  # the weeks around Christmas and New Year


@st.composite
def absences(draw: st.DrawFn) -> Absence:
    start = BASE + timedelta(days=draw(st.integers(0, 40)))
    length = draw(st.none() | st.integers(0, 12))
    return Absence(start, None if length is None else start + timedelta(days=length))


def _next_working_days(day: date, n: int) -> list[date]:
    """Counted one calendar day at a time: the slow, obvious way."""
    found: list[date] = []
    while len(found) < n:
        day += timedelta(days=1)
        if ENGLAND.is_working_day(day):
            found.append(day)
    return found


@given(
    st.lists(absences(), max_size=4),
    st.integers(0, 40),
    st.none() | st.integers(0, 40),
    st.integers(1, 6),
    st.integers(1, 6),
)
def test_unavailable_exactly_when_absent_today_most_of_the_days_or_leaving(
    spans: list[Absence], offset: int, leave_offset: int | None, days: int, absent: int
) -> None:
    as_at = BASE + timedelta(days=offset)
    leave = None if leave_offset is None else BASE + timedelta(days=leave_offset)
    found = availability(spans, leave, as_at, ENGLAND, days, absent)
    ahead = _next_working_days(as_at, days)
    away = [d for d in ahead if any(a.covers(d) for a in spans)]
    today = any(a.covers(as_at) for a in spans)
    leaving = leave is not None and leave <= ahead[-1]
    assert found.available == (not today and len(away) < absent and not leaving)
    assert bool(found.note) == (not today and 0 < len(away) < absent)
    assert ("leave" in found.unavailable or "left" in found.unavailable) == leaving
    # The same answer whatever order the absences were recorded in.
    assert availability(list(reversed(spans)), leave, as_at, ENGLAND, days, absent) == found


@given(st.integers(0, 40), st.integers(1, 6))
def test_an_absence_on_days_off_only_never_counts(offset: int, days: int) -> None:
    as_at = BASE + timedelta(days=offset)
    ahead = _next_working_days(as_at, days)
    off = [
        Absence(d, d)
        for d in (as_at + timedelta(days=i) for i in range(1, 20))
        if not ENGLAND.is_working_day(d) and d <= ahead[-1]
    ]
    if not ENGLAND.is_working_day(as_at):
        off = [a for a in off if a.start != as_at]
    assert availability(off, None, as_at, ENGLAND, days, 1) == Availability()


@given(st.lists(absences(), min_size=1, max_size=4), st.integers(0, 40))
def test_absent_until_is_the_last_day_of_the_time_away(spans: list[Absence], offset: int) -> None:
    day = BASE + timedelta(days=offset)
    end = absence_end(spans, day, ENGLAND)
    if not any(a.covers(day) for a in spans):
        assert end == day
        return
    if end is None:
        assert any(a.end is None for a in spans)
        return
    # Every day from ``day`` to the end is away or not a working day, and the
    # next working day after the end is not away.
    d = day
    while d <= end:
        assert any(a.covers(d) for a in spans) or not ENGLAND.is_working_day(d)
        d += timedelta(days=1)
    after = ENGLAND.working_day_on_or_after(end + timedelta(days=1))
    assert not any(a.covers(after) for a in spans)
