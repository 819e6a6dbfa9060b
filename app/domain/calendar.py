"""Working days in England and Wales, and the deadlines counted in them.

Working days are Monday to Friday except bank holidays (DOMAIN.md 2). Bank
holidays come from the ``holidays`` package, England or Wales, plus one-off
days the Head of PDU adds later (SPEC.md 3). "Within N working days of D"
means the deadline is D plus N working days (DOMAIN.md 2, TOM 775).

The arithmetic counts weekdays with a formula and subtracts the bank holidays
that fall on weekdays (kept as a sorted tuple of day ordinals and searched
with ``bisect``), so each call costs a few microseconds: the allocation queue
asks for thousands of deadlines at once.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

import holidays

Nation = Literal["england", "wales"]
DeadlineState = Literal["due", "due_today", "overdue"]

_SUBDIVISIONS: dict[str, str] = {"england": "ENG", "wales": "WLS"}
EXTRA_HOLIDAY_NAME = "Additional bank holiday"
# ``holidays`` imports each country's module on first use; two threads importing it at
# once crash PySide6's import hook (shiboken ``none_dealloc``), so one loads at a time.
_LOAD_LOCK = threading.Lock()


@lru_cache(maxsize=1024)
def _bank_holidays(subdivision: str, year: int) -> tuple[tuple[date, str], ...]:
    """The bank holidays of one year, sorted, as (date, name); cached for all calendars."""
    if not 1 <= year <= 9999:
        return ()
    with _LOAD_LOCK:
        table = holidays.country_holidays("GB", subdiv=subdivision, years=year)
    return tuple(sorted((day, str(name)) for day, name in table.items()))


def _weekdays_up_to(ordinal: int) -> int:
    """How many Mondays-to-Fridays fall in ordinals 1..ordinal (ordinal 1 is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _nth_weekday(count: int) -> int:
    """The ordinal of the ``count``-th weekday since ordinal 1: inverse of ``_weekdays_up_to``."""
    weeks, rest = divmod(count - 1, 5)
    return weeks * 7 + rest + 1


def _is_weekday(ordinal: int) -> bool:
    return (ordinal - 1) % 7 < 5


class WorkingCalendar:
    """Working-day arithmetic for one nation of England and Wales (DOMAIN.md 2).

    Bank-holiday years are loaded on first use and kept; a calendar is safe to
    share between threads.
    """

    def __init__(self, nation: Nation = "england", extra_holidays: Iterable[date] = ()) -> None:
        if nation not in _SUBDIVISIONS:
            raise ValueError(f"nation must be 'england' or 'wales', not {nation!r}")
        self.nation: Nation = nation
        self._subdivision = _SUBDIVISIONS[nation]
        self.extra_holidays: frozenset[date] = frozenset(extra_holidays)
        self._lock = threading.Lock()
        self._first_year = 0
        self._last_year = -1
        self._ordinals: tuple[int, ...] = ()  # bank holidays on weekdays, sorted
        self._ordinal_set: frozenset[int] = frozenset()

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.nation!r}, extra_holidays={sorted(self.extra_holidays)!r})"

    # -- loading -----------------------------------------------------------

    def _holidays_of_year(self, year: int) -> list[tuple[date, str]]:
        days = dict(_bank_holidays(self._subdivision, year))
        for extra in self.extra_holidays:
            if extra.year == year:
                days.setdefault(extra, EXTRA_HOLIDAY_NAME)
        return sorted(days.items())

    def _ensure(self, first: int, last: int) -> None:
        """Load bank holidays so that ordinals ``first`` to ``last`` are covered."""
        first_year = date.fromordinal(max(first, 1)).year
        last_year = date.fromordinal(min(max(last, 1), date.max.toordinal())).year
        if self._first_year <= first_year and last_year <= self._last_year:
            return
        with self._lock:
            if self._last_year >= self._first_year:
                first_year = min(first_year, self._first_year)
                last_year = max(last_year, self._last_year)
            ordinals = [
                day.toordinal()
                for year in range(first_year, last_year + 1)
                for day, _ in self._holidays_of_year(year)
                if day.weekday() < 5
            ]
            self._ordinals = tuple(ordinals)
            self._ordinal_set = frozenset(ordinals)
            self._first_year, self._last_year = first_year, last_year

    def _holidays_after_up_to(self, low: int, high: int) -> int:
        """How many weekday bank holidays have ordinals in (low, high]; low <= high."""
        self._ensure(low, high)
        ordinals = self._ordinals
        return bisect_right(ordinals, high) - bisect_right(ordinals, low)

    # -- questions ---------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """True on Monday to Friday unless a bank holiday."""
        ordinal = day.toordinal()
        if not _is_weekday(ordinal):
            return False
        self._ensure(ordinal, ordinal)
        return ordinal not in self._ordinal_set

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when end < start."""
        low, high = start.toordinal(), end.toordinal()
        if high < low:
            return -self.working_days_between(end, start)
        weekdays = _weekdays_up_to(high) - _weekdays_up_to(low)
        return weekdays - self._holidays_after_up_to(low, high)

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` ("within n working days of day"); n=0 gives day.

        Raises ValueError for a negative n (use ``subtract_working_days``) or a
        result outside the years 1-9999.
        """
        if n < 0:
            raise ValueError(f"n must be 0 or more, not {n}")
        if n == 0:
            return day
        start = day.toordinal()
        base = _weekdays_up_to(start) + n
        # Each round adds back the bank holidays met so far; it stops when no
        # new one is met (the candidate then has exactly n working days).
        candidate = _nth_weekday(base)
        while True:
            nxt = _nth_weekday(base + self._holidays_after_up_to(start, candidate))
            if nxt == candidate:
                return date.fromordinal(candidate)
            candidate = nxt

    def subtract_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day before ``day``; n=0 gives day."""
        if n < 0:
            raise ValueError(f"n must be 0 or more, not {n}")
        if n == 0:
            return day
        before = day.toordinal() - 1
        base = _weekdays_up_to(before) - n + 1
        candidate = _nth_weekday(base)
        while True:
            nxt = _nth_weekday(base - self._holidays_after_up_to(candidate - 1, before))
            if nxt == candidate:
                return date.fromordinal(candidate)
            candidate = nxt

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day`` (never ``day`` itself)."""
        return self.add_working_days(day, 1)

    def working_day_on_or_after(self, day: date) -> date:
        """``day`` when it is a working day, otherwise the next one (rolls a date forward)."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Bank holidays that close the office from ``start`` to ``end`` inclusive.

        Like GOV.UK's list, a holiday falling on a weekend is left out: its
        substitute weekday ("Boxing Day (observed)") is listed instead.
        """
        found: list[tuple[date, str]] = []
        for year in range(start.year, end.year + 1):
            found.extend(
                (day, name)
                for day, name in self._holidays_of_year(year)
                if start <= day <= end and day.weekday() < 5
            )
        return found


@dataclass(frozen=True, slots=True)
class DeadlineStatus:
    """Where a working-day clock stands on a given day (e.g. allocation, TOM 775).

    ``days_elapsed``: working days after the clock start up to and including
    the as-at day (never negative). ``days_left``: working days from the as-at
    day to the deadline; 0 on the deadline day and negative once overdue (at
    least -1, even on a weekend just after the deadline).
    """

    deadline: date
    days_elapsed: int
    days_left: int
    state: DeadlineState

    @property
    def is_overdue(self) -> bool:
        return self.state == "overdue"


def deadline_status(
    clock_start: date, working_days: int, as_at: date, calendar: WorkingCalendar
) -> DeadlineStatus:
    """The deadline ``working_days`` after ``clock_start``, and where it stands on ``as_at``.

    "Within N working days of D" means D plus N working days (DOMAIN.md 2).
    """
    deadline = calendar.add_working_days(clock_start, working_days)
    elapsed = max(0, calendar.working_days_between(clock_start, as_at))
    if as_at > deadline:
        left = min(-1, -calendar.working_days_between(deadline, as_at))
        return DeadlineStatus(deadline, elapsed, left, "overdue")
    left = calendar.working_days_between(as_at, deadline)
    state: DeadlineState = "due_today" if as_at == deadline else "due"
    return DeadlineStatus(deadline, elapsed, left, state)
