"""Whether a practitioner is there to take a new case over the next working days.

A new case needs its first appointment within a week of sentence (TOM 791),
so a practitioner who is away on the allocation date, or for most of the
working week after it, or who leaves within it, cannot take it on time. The
allocation desk ranks such a practitioner after everyone available and asks
for a recorded reason to choose them (issue 16); a shorter absence is a note.

- **Unavailable**: absent on the allocation date; absent on ``absent_days``
  (3) or more of the ``working_days`` (5) working days after it; left, or
  leaving on or before the last of those days.
- **A note**: absent on fewer of those days.

An absence is a period with a first and a last day (both included; no last
day means no return date recorded). The service passes recorded absences
and any reduction taking all of a practitioner's contracted hours (DOMAIN.md
4a: an absence is a 100% reduction). ``leave_date`` is the first day no
longer in post, as everywhere else. Working days follow the calendar
(weekends and bank holidays are not counted). Pure rules: no Qt, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.calendar import WorkingCalendar
from app.domain.setting_spec import SettingSpec

SAFEGUARD_WORKING_DAYS = 5
"""Working days after the allocation date that are looked at (a setting)."""

SAFEGUARD_ABSENT_DAYS = 3
"""Absent on this many of them or more: unavailable (a setting)."""

AVAILABILITY_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "safeguard_working_days",
        int,
        SAFEGUARD_WORKING_DAYS,
        "Working days after the allocation date checked for absence and leaving",
        "PDU Manager: the first appointment is due within a week of sentence (TOM)",
        1,
        20,
    ),
    SettingSpec(
        "safeguard_absent_days",
        int,
        SAFEGUARD_ABSENT_DAYS,
        "Absent on this many of those working days: not available for a new case",
        "PDU Manager: a shorter absence is only a note in the ranking",
        1,
        20,
    ),
)


@dataclass(frozen=True)
class Absence:
    """A period away: ``start`` to ``end`` included; ``end`` None when no return is recorded."""

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(
                f"An absence cannot end ({self.end:%d/%m/%Y}) before it starts "
                f"({self.start:%d/%m/%Y})"
            )

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Availability:
    """What the next working days hold for a practitioner.

    ``unavailable``: why they cannot take a case now, in words ("absent until
    14/09/2026"), or "" when they can. ``note``: a shorter absence to mention.
    """

    unavailable: str = ""
    note: str = ""

    @property
    def available(self) -> bool:
        return not self.unavailable


AVAILABLE = Availability()


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def window(as_at: date, calendar: WorkingCalendar, working_days: int) -> list[date]:
    """The ``working_days`` working days after ``as_at`` (never ``as_at`` itself)."""
    days: list[date] = []
    day = as_at
    for _ in range(working_days):
        day = calendar.next_working_day(day)
        days.append(day)
    return days


def _covering(absences: Sequence[Absence], day: date) -> list[Absence]:
    return [a for a in absences if a.covers(day)]


def absence_end(absences: Sequence[Absence], day: date, calendar: WorkingCalendar) -> date | None:
    """The last day of the time away that includes ``day``; None when no return is recorded.

    Absences that touch, or are separated only by days that are not working
    days (a weekend, a bank holiday), are one time away.
    """
    covering = _covering(absences, day)
    if not covering:
        return day
    end = day
    while covering:
        if any(a.end is None for a in covering):
            return None
        end = max(a.end for a in covering if a.end is not None)
        covering = _covering(absences, calendar.working_day_on_or_after(end + timedelta(days=1)))
    return end


def _period(first: date, last: date | None) -> str:
    if last is None:
        return f"from {_dmy(first)}, with no return date recorded"
    if last == first:
        return f"on {_dmy(first)}"
    return f"from {_dmy(first)} until {_dmy(last)}"


def _of(n: int, working_days: int) -> str:
    return f"{n} of the next {working_days} working day" + ("" if working_days == 1 else "s")


def _leaving(leave_date: date | None, as_at: date, last_day: date) -> str:
    if leave_date is None or leave_date > last_day:
        return ""
    if leave_date <= as_at:
        return f"left on {_dmy(leave_date)}"
    return f"leaves on {_dmy(leave_date)}"


def availability(
    absences: Iterable[Absence],
    leave_date: date | None,
    as_at: date,
    calendar: WorkingCalendar,
    working_days: int = SAFEGUARD_WORKING_DAYS,
    absent_days: int = SAFEGUARD_ABSENT_DAYS,
) -> Availability:
    """Whether a practitioner can take a case allocated on ``as_at`` (see the module)."""
    if working_days < 1 or absent_days < 1:
        raise ValueError("The days looked at and the absent days must be at least 1")
    spans = sorted(absences, key=lambda a: (a.start, a.end or date.max))
    days = window(as_at, calendar, working_days)
    reasons: list[str] = []
    note = ""
    if _covering(spans, as_at):
        end = absence_end(spans, as_at, calendar)
        reasons.append(
            "absent, with no return date recorded" if end is None else f"absent until {_dmy(end)}"
        )
    else:
        away = [d for d in days if _covering(spans, d)]
        if away:
            first = away[0]
            period = _period(first, absence_end(spans, first, calendar))
            text = f"absent {period} ({_of(len(away), working_days)})"
            if len(away) >= absent_days:
                reasons.append(text)
            else:
                note = text
    leaving = _leaving(leave_date, as_at, days[-1])
    if leaving:
        reasons.append(leaving)
    return Availability("; ".join(reasons), note)
