"""The weekly return's week, its inputs and its figures for caseload and allocation (SPEC.md 7).

A return covers one PDU and one week of seven days ending on the
``week_end_day`` setting (Friday by default: Saturday to Friday), figures as
at the end of that day. Everything here is worked out from plain facts the
services gather (:class:`CaseFacts` for each person); nothing reads a
database or a clock, so a past week is worked out exactly as it was.

Definitions (SPEC.md 7, "Figure definitions"):

- A case (a person) is **active** on a day when one of their sentences is
  running then (sentenced on or before it, not ended on or before it).
- **Started** / **ended**: a case starts on the day it becomes active having
  not been active the day before, and ends on the day it stops being active
  (a sentence's end date, or the day the case was ended). So a case ended on
  the Monday and sentenced again on the Thursday has started once and ended
  once; an extra sentence of a running case starts nothing. The week's
  active count is then the count before the week plus started less ended.
- **Allocation deadline**: the clock start (DOMAIN.md 2: sentence, or
  release for licence and PSS) plus 5 working days (bank holidays
  honoured); **due in the week**: the deadline of the case's main sentence
  fell in the week; **allocated on time**: some allocation of that case
  started on or before the deadline and was still in force at the clock
  start. **Unallocated**: active at the week's end with no allocation in
  force then; **oldest unallocated**: working days after the clock start up
  to and including the as-at day.
- **Reallocations**: allocations starting in the week that took a case over
  from another allocation (one ending that day) or carry a reallocation
  reason. **Tier changes**: tiers dated in the week that differ from the
  case's tier before them (a case's first tier is not a change).
- A percentage is rounded half up to one decimal and is ``None`` on a zero base.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from app.domain.calendar import WorkingCalendar
from app.domain.cases import EventFacts, allocation_clock_start, is_running, main_event
from app.domain.codes import ROSH_NOT_ASSESSED_LABEL, Rosh, SentenceType
from app.domain.tiering import ALL_TIERS, parse_tier
from app.domain.unpaid_work_standdowns import percent

RULES_VERSION = "2026.1"
"""The version of the return's figure rules, stored with every built return.

Bump it whenever a definition here changes, so a stored return says which
rules made it.
"""

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ROSH_ORDER: tuple[Rosh | None, ...] = (Rosh.VERY_HIGH, Rosh.HIGH, Rosh.MEDIUM, Rosh.LOW, None)

T = TypeVar("T")


class ReturnInputError(ValueError):
    """A week or a fact a return cannot be built from; the message is written for the user."""


@dataclass(frozen=True)
class Week:
    """Seven days ending on ``ending`` (the as-at day), both ends included."""

    ending: date

    @property
    def starting(self) -> date:
        return self.ending - timedelta(days=6)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.starting <= day <= self.ending

    def days(self) -> list[date]:
        return [self.starting + timedelta(days=n) for n in range(7)]

    @property
    def label(self) -> str:
        """As a user reads it: "Saturday 21/11/2026 to Friday 27/11/2026"."""
        first, last = self.starting, self.ending
        return (
            f"{WEEKDAY_NAMES[first.weekday()]} {first:%d/%m/%Y} to "
            f"{WEEKDAY_NAMES[last.weekday()]} {last:%d/%m/%Y}"
        )


def week_ending(day: date, week_end_day: str) -> Week:
    """The week ending on ``day``; refused with the reason unless ``day`` is the week-end day."""
    code = week_end_day.strip().upper()[:3]
    if code not in WEEKDAYS:
        raise ReturnInputError(
            f"The week-end day setting {week_end_day!r} is not a day of the week"
        )
    wanted = WEEKDAYS.index(code)
    if day.weekday() != wanted:
        raise ReturnInputError(
            f"{day:%d/%m/%Y} is a {WEEKDAY_NAMES[day.weekday()]}: the weekly return's week "
            f"ends on a {WEEKDAY_NAMES[wanted]} (the week-end day setting), so choose "
            f"{last_week_end(day, week_end_day):%d/%m/%Y} or "
            f"{last_week_end(day, week_end_day) + timedelta(days=7):%d/%m/%Y}"
        )
    return Week(day)


def last_week_end(day: date, week_end_day: str) -> date:
    """The week-end day on or before ``day``."""
    wanted = WEEKDAYS.index(week_end_day.strip().upper()[:3])
    return day - timedelta(days=(day.weekday() - wanted) % 7)


def current_week(today: date, week_end_day: str) -> Week:
    """The week holding ``today``: it ends on the next week-end day (today if it is one)."""
    return Week(last_week_end(today + timedelta(days=6), week_end_day))


def round_percent(value: float | Decimal | None) -> float | None:
    """A percentage computed elsewhere, rounded half up to one decimal (None stays None)."""
    if value is None:
        return None
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return float(exact.quantize(Decimal("0.1"), ROUND_HALF_UP))


def hours_of(minutes: int) -> float:
    """Minutes as decimal hours for the return, to two places half up (440 -> 7.33)."""
    exact = Decimal(minutes) / Decimal(60)
    return float(exact.quantize(Decimal("0.01"), ROUND_HALF_UP))


# -- the facts of one case ----------------------------------------------------


@dataclass(frozen=True)
class AllocationSpan:
    """One allocation of a case: from ``start`` up to (not including) ``end``."""

    staff_id: int
    start: date
    end: date | None = None
    reason: str | None = None
    confirmed: bool = False

    def in_force(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end > day)


@dataclass(frozen=True)
class CaseFacts:
    """One person on probation as the return needs them, every fact dated.

    ``tiers`` and ``rosh`` are (date, value) in the order recorded (a tier
    ``None`` is untiered, a RoSH ``None`` not assessed); ``mappa`` likewise.
    The answers for a day are kept, as each section asks the same ones.
    """

    case_id: int
    events: tuple[EventFacts, ...]
    tiers: tuple[tuple[date, str | None], ...] = ()
    rosh: tuple[tuple[date, Rosh | None], ...] = ()
    mappa: tuple[tuple[date, int | None], ...] = ()
    allocations: tuple[AllocationSpan, ...] = ()
    _memo: dict[tuple[str, date], Any] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def _kept(self, what: str, day: date, work: Callable[[], T]) -> T:
        key = (what, day)
        if key not in self._memo:
            self._memo[key] = work()
        found: T = self._memo[key]
        return found

    def active_on(self, day: date) -> bool:
        return self._kept("active", day, lambda: any(is_running(e, day) for e in self.events))

    def main_event(self, as_at: date) -> EventFacts | None:
        return self._kept(
            "main",
            as_at,
            lambda: main_event([e for e in self.events if e.sentence_date <= as_at], as_at),
        )

    def tier_on(self, day: date) -> str | None:
        return self._kept("tier", day, lambda: value_on(self.tiers, day))

    def rosh_on(self, day: date) -> Rosh | None:
        return self._kept("rosh", day, lambda: value_on(self.rosh, day))

    def mappa_on(self, day: date) -> int | None:
        return self._kept("mappa", day, lambda: value_on(self.mappa, day))

    def allocation_on(self, day: date) -> AllocationSpan | None:
        def work() -> AllocationSpan | None:
            held = [a for a in self.allocations if a.in_force(day)]
            return max(held, key=lambda a: a.start, default=None)

        return self._kept("allocation", day, work)


def value_on(history: Sequence[tuple[date, T | None]], day: date) -> T | None:
    """The latest value dated on or before ``day`` (the last recorded among equal dates)."""
    found: T | None = None
    latest: date | None = None
    for dated, value in history:
        if dated <= day and (latest is None or dated >= latest):
            found, latest = value, dated
    return found


def tier_changes(history: Sequence[tuple[date, str | None]]) -> list[date]:
    """The dates a case's tier changed: each record differing from the one before it by date."""
    ordered = sorted(enumerate(history), key=lambda item: (item[1][0], item[0]))
    changes = []
    previous: tuple[str | None] | None = None
    for _n, (dated, tier) in ordered:
        if previous is not None and previous[0] != tier:
            changes.append(dated)
        previous = (tier,)
    return changes


def starts_and_ends(case: CaseFacts, week: Week) -> tuple[int, int]:
    """How many times the case started and ended in the week (module docstring)."""
    dates = {e.sentence_date for e in case.events}
    dates |= {d for e in case.events for d in (e.end_date, e.ended_on) if d is not None}
    if not any(d in week for d in dates):
        return 0, 0
    started = ended = 0
    before = case.active_on(week.starting - timedelta(days=1))
    for day in week.days():
        now = case.active_on(day)
        started += now and not before
        ended += before and not now
        before = now
    return started, ended


# -- section 1: caseload --------------------------------------------------------


def _zeros(keys: Iterable[str]) -> dict[str, int]:
    return dict.fromkeys(keys, 0)


def rosh_label(rosh: Rosh | None) -> str:
    return ROSH_NOT_ASSESSED_LABEL if rosh is None else rosh.label


def caseload_figures(cases: Sequence[CaseFacts], week: Week) -> dict[str, Any]:
    """Active cases by sentence type, tier and RoSH; cases started and ended (SPEC.md 7.1).

    Unsupervised ``S`` tiers count in their base tier; untiered cases beside them.
    """
    as_at = week.ending
    by_type = _zeros(t.label for t in SentenceType)
    tiers = _zeros(ALL_TIERS)
    rosh = _zeros(rosh_label(r) for r in ROSH_ORDER)
    active = untiered = started = ended = 0
    for case in cases:
        s, e = starts_and_ends(case, week)
        started, ended = started + s, ended + e
        event = case.main_event(as_at)
        if event is None or not case.active_on(as_at):
            continue
        active += 1
        by_type[event.sentence_type.label] += 1
        parsed = parse_tier(case.tier_on(as_at))
        if parsed is None:
            untiered += 1
        else:
            tiers[f"{parsed[0]}{parsed[1]}"] += 1
        rosh[rosh_label(case.rosh_on(as_at))] += 1
    return {
        "active": active,
        "by_sentence_type": by_type,
        "tiers": tiers,
        "untiered": untiered,
        "rosh": rosh,
        "started": started,
        "ended": ended,
    }


# -- section 2: allocation ------------------------------------------------------


@dataclass(frozen=True)
class AllocationRules:
    calendar: WorkingCalendar
    working_days: int = 5


DEADLINE_REACH_DAYS = 120
"""No allocation deadline (working days after a clock start) reaches further than this."""


@dataclass
class _AllocationCounts:
    due: int = 0
    on_time: int = 0
    unallocated: int = 0
    oldest: int | None = None
    reallocations: int = 0
    tier_changes: int = 0


def clock_start(event: EventFacts) -> date:
    return allocation_clock_start(event.sentence_type, event.sentence_date, event.release_date)


def allocated_by(case: CaseFacts, start: date, deadline: date) -> bool:
    """Some allocation began by the deadline and was still in force at the clock start."""
    return any(a.start <= deadline and (a.end is None or a.end > start) for a in case.allocations)


def reallocations_in(case: CaseFacts, week: Week) -> int:
    """Allocations starting in the week that took the case over from another, or give a reason."""
    count = 0
    for a in case.allocations:
        if a.start not in week:
            continue
        handed_over = any(b is not a and b.end == a.start for b in case.allocations)
        count += handed_over or a.reason is not None
    return count


def _allocation_case(
    case: CaseFacts, week: Week, rules: AllocationRules, counts: _AllocationCounts
) -> None:
    as_at = week.ending
    if any(a.start in week for a in case.allocations):
        counts.reallocations += reallocations_in(case, week)
    if any(d in week for d, _t in case.tiers):
        counts.tier_changes += sum(1 for d in tier_changes(case.tiers) if d in week)
    event = case.main_event(as_at)
    if event is None:
        return
    start = clock_start(event)
    # A deadline in the week needs a clock start within a few weeks before it.
    if week.starting - timedelta(days=DEADLINE_REACH_DAYS) <= start <= as_at:
        deadline = rules.calendar.add_working_days(start, rules.working_days)
        if deadline in week:
            counts.due += 1
            counts.on_time += allocated_by(case, start, deadline)
    if case.active_on(as_at) and case.allocation_on(as_at) is None:
        counts.unallocated += 1
        waited = max(0, rules.calendar.working_days_between(start, as_at))
        counts.oldest = waited if counts.oldest is None else max(counts.oldest, waited)


def allocation_figures(
    cases: Sequence[CaseFacts], week: Week, rules: AllocationRules
) -> dict[str, Any]:
    """Allocation within 5 working days, the unallocated, reallocations, tier changes (7.2)."""
    counts = _AllocationCounts()
    for case in cases:
        _allocation_case(case, week, rules, counts)
    return {
        "due_in_week": counts.due,
        "allocated_on_time": counts.on_time,
        "on_time_pct": percent(counts.on_time, counts.due),
        "unallocated": counts.unallocated,
        "oldest_unallocated_working_days": counts.oldest or 0,
        "reallocations": counts.reallocations,
        "tier_changes": counts.tier_changes,
    }
