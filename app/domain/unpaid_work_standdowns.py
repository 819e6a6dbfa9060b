"""Stand-downs: what one does to each person booked, and the week's figures.

A session is stood down when the service cancels it for everyone booked
(DOMAIN.md 5). Stood down in advance, each booking gets AASD (acceptable
absence, nothing credited, not enforceable); on the day, after people
reported, ATSS (sent home for service issues) with the time actually spent
credited. Either way the person is rebooked. One person sent away alone gets
AASD or ATSS too and counts in the person-hours lost, but does not make the
session stood down.

Figures (issue 18, "Decided before you start"; SPEC.md 7 section 4):
- sessions held = scheduled - stood down;
- person-hours offered = the booked places of the sessions times their hours;
- person-hours lost = for each booking stood down, the session's hours (AASD)
  or its hours less those credited (ATSS);
- the **stand-down rate** = sessions stood down / sessions scheduled; beside
  it, the **hours lost to stand-downs** = person-hours lost / person-hours
  offered. Two names, two numbers: never one under the other's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import time
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import MappingProxyType

from app.domain.unpaid_work import Notice, Outcome, StandDownReason, UnpaidWorkInputError
from app.domain.unpaid_work_hours import minutes_between


@dataclass(frozen=True)
class StandDownEffect:
    """What a stand-down records for one booking."""

    outcome: Outcome
    credited_minutes: int
    lost_minutes: int
    rebook: bool = True


def stand_down_effect(
    notice: Notice,
    session_start: time,
    session_end: time,
    *,
    remaining_minutes: int,
    arrived_at: time | None = None,
    sent_home_at: time | None = None,
) -> StandDownEffect:
    """AASD for a stand-down in advance; ATSS on the day, crediting the time spent.

    On the day the time spent runs from when the person arrived (the
    session's start by default) to when they were sent home, and is credited
    within the hours left on the order. The person-hours lost are the
    session's length less what was credited.
    """
    length = minutes_between(session_start, session_end)
    if notice is Notice.ADVANCE:
        return StandDownEffect(Outcome.AASD, 0, length)
    if sent_home_at is None:
        raise UnpaidWorkInputError("A stand-down on the day needs the time people were sent home")
    start = session_start if arrived_at is None else arrived_at
    spent = 0 if sent_home_at <= start else minutes_between(start, sent_home_at)
    credited = max(0, min(spent, length, remaining_minutes))
    return StandDownEffect(Outcome.ATSS, credited, length - credited)


def person_minutes_lost(outcome: Outcome, session_minutes: int, credited_minutes: int) -> int:
    """Person-minutes one stood-down booking lost: all (AASD) or all less credited (ATSS)."""
    if outcome is Outcome.AASD:
        return session_minutes
    if outcome is Outcome.ATSS:
        return max(0, session_minutes - credited_minutes)
    return 0


@dataclass(frozen=True)
class StoodDownBooking:
    """One booking given AASD or ATSS by a stand-down, with the work it was credited."""

    outcome: Outcome
    credited_minutes: int = 0


@dataclass(frozen=True)
class SessionStandDown:
    """A whole session stood down: its reason and notice."""

    reason: StandDownReason
    notice: Notice


@dataclass(frozen=True)
class ScheduledSession:
    """One scheduled session of the period, as the figures need it.

    ``booked`` counts the places booked; ``stood_down_bookings`` lists every
    booking stood down, the whole session's or one person's sent away.
    """

    minutes: int
    booked: int
    stand_down: SessionStandDown | None = None
    stood_down_bookings: tuple[StoodDownBooking, ...] = ()


def _zeros(kind: type[StandDownReason] | type[Notice]) -> dict[str, int]:
    return {member.value: 0 for member in kind}


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` as a percentage rounded half up to one decimal; None on no base."""
    if whole == 0:
        return None
    exact = Fraction(part * 100, whole)
    rounded = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )
    return float(rounded)


@dataclass(frozen=True)
class StandDownFigures:
    """The stand-down figures of a period (SPEC.md 7 section 4).

    ``by_reason`` holds all nine reasons and ``by_notice`` both notices, zeros
    included, keyed by their codes.
    """

    sessions_scheduled: int
    sessions_stood_down: int
    sessions_stood_down_on_the_day: int
    by_reason: Mapping[str, int] = field(default_factory=lambda: _zeros(StandDownReason))
    by_notice: Mapping[str, int] = field(default_factory=lambda: _zeros(Notice))
    person_minutes_offered: int = 0
    person_minutes_lost: int = 0

    @property
    def sessions_held(self) -> int:
        return self.sessions_scheduled - self.sessions_stood_down

    @property
    def stand_down_rate(self) -> Fraction | None:
        """Sessions stood down / sessions scheduled (the weekly return's figure)."""
        if self.sessions_scheduled == 0:
            return None
        return Fraction(self.sessions_stood_down, self.sessions_scheduled)

    @property
    def hours_lost_share(self) -> Fraction | None:
        """Person-hours lost to stand-downs / person-hours offered."""
        if self.person_minutes_offered == 0:
            return None
        return Fraction(self.person_minutes_lost, self.person_minutes_offered)

    @property
    def stand_down_rate_percent(self) -> float | None:
        return percent(self.sessions_stood_down, self.sessions_scheduled)

    @property
    def hours_lost_percent(self) -> float | None:
        return percent(self.person_minutes_lost, self.person_minutes_offered)


def stand_down_figures(sessions: Iterable[ScheduledSession]) -> StandDownFigures:
    """The figures of the sessions scheduled in a period."""
    scheduled = stood_down = on_the_day = offered = lost = 0
    by_reason, by_notice = _zeros(StandDownReason), _zeros(Notice)
    for s in sessions:
        scheduled += 1
        offered += s.booked * s.minutes
        lost += sum(
            person_minutes_lost(b.outcome, s.minutes, b.credited_minutes)
            for b in s.stood_down_bookings
        )
        if s.stand_down is not None:
            stood_down += 1
            on_the_day += s.stand_down.notice is Notice.ON_THE_DAY
            by_reason[s.stand_down.reason.value] += 1
            by_notice[s.stand_down.notice.value] += 1
    return StandDownFigures(
        sessions_scheduled=scheduled,
        sessions_stood_down=stood_down,
        sessions_stood_down_on_the_day=on_the_day,
        by_reason=MappingProxyType(by_reason),
        by_notice=MappingProxyType(by_notice),
        person_minutes_offered=offered,
        person_minutes_lost=lost,
    )
