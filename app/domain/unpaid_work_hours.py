"""Unpaid work hours: what one attendance credits, and a person's hours to date.

Rules (DOMAIN.md 5, issue 18):
- hours credited = end - start - penalty minutes, only for outcomes where the
  person attended, never more than the hours remaining (CP-API
  ``AppointmentCalculationService``, ``validateMinutesToCredit``);
- hours on ETE projects never take the person past the PDU's ETE allowance
  (20% of the hours ordered; 30% in London PDUs);
- supervised travel on group and individual placements is credited up to a cap
  each way (60 minutes by default), also within the hours remaining;
- hours worked to date = the extract's ``upw_hours_completed`` as at its
  import, plus hours credited in the app for sessions after that import's
  date ("hours from two sources", issue 18).

All durations are whole minutes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from decimal import ROUND_FLOOR, Decimal

from app.domain.unpaid_work import Outcome, ProjectType, UnpaidWorkInputError, hours


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


def minutes_between(start: time, end: time) -> int:
    """Minutes from ``start`` to ``end`` on one day; the end must come after the start."""
    length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if length <= 0:
        raise UnpaidWorkInputError(
            f"The end time {_clock(end)} is not after the start time {_clock(start)}"
        )
    return length


def ete_allowance_minutes(ordered_minutes: int, share_percent: float) -> int:
    """The ETE allowance: ``share_percent`` of the hours ordered, rounded down to a minute."""
    if ordered_minutes < 0:
        raise UnpaidWorkInputError("The hours ordered cannot be negative")
    if not 0 <= share_percent <= 100:
        raise UnpaidWorkInputError(f"An ETE share of {share_percent:g}% is not a percentage")
    allowance = Decimal(ordered_minutes) * Decimal(str(share_percent)) / 100
    return int(allowance.to_integral_value(ROUND_FLOOR))


def travel_credit_minutes(outward: int, back: int, cap_each_way: int) -> int:
    """Supervised travel credited: each way up to the cap (60 minutes by default)."""
    if outward < 0 or back < 0:
        raise UnpaidWorkInputError("Travel time cannot be negative")
    if cap_each_way < 0:
        raise UnpaidWorkInputError("The travel cap cannot be negative")
    return min(outward, cap_each_way) + min(back, cap_each_way)


@dataclass(frozen=True)
class Credit:
    """What one attendance credits against the order, and why it is less than the time.

    ``work_minutes`` includes ``ete_minutes`` (the part on an ETE project);
    ``travel_minutes`` is credited on top. ``limited_by`` names each cap that
    cut the credit, in words ("the hours left on the order").
    """

    work_minutes: int = 0
    travel_minutes: int = 0
    ete_minutes: int = 0
    limited_by: tuple[str, ...] = ()

    @property
    def total_minutes(self) -> int:
        return self.work_minutes + self.travel_minutes


NO_CREDIT = Credit()
HOURS_LEFT = "the hours left on the order"
ETE_LEFT = "the ETE allowance left"
TRAVEL_CAP = "the travel credit allowed each way"


def worked_minutes(start: time, end: time, penalty_minutes: int = 0) -> int:
    """End - start - penalty; the penalty cannot exceed the session's length (CP-API)."""
    length = minutes_between(start, end)
    if penalty_minutes < 0:
        raise UnpaidWorkInputError("Penalty minutes cannot be negative")
    if penalty_minutes > length:
        raise UnpaidWorkInputError(
            f"A penalty of {penalty_minutes} minutes is longer than the {length} minutes "
            f"from {_clock(start)} to {_clock(end)}"
        )
    return length - penalty_minutes


def credit_attendance(
    outcome: Outcome,
    project_type: ProjectType,
    start: time | None,
    end: time | None,
    *,
    remaining_minutes: int,
    ete_left_minutes: int,
    penalty_minutes: int = 0,
    travel_out_minutes: int = 0,
    travel_back_minutes: int = 0,
    travel_cap_each_way: int = 60,
) -> Credit:
    """The credit for one person's attendance at one session (DOMAIN.md 5).

    Outcomes where the person did not attend credit nothing (their times are
    not needed). Work is credited first, then travel, both within
    ``remaining_minutes``; on an ETE project the work also stays within
    ``ete_left_minutes``. Raises :class:`UnpaidWorkInputError` for times that
    make no sense.
    """
    if not outcome.credits_hours:
        return NO_CREDIT
    if start is None or end is None:
        raise UnpaidWorkInputError(f"{outcome.label} needs a start and an end time")
    raw = worked_minutes(start, end, penalty_minutes)
    limits: list[str] = []
    work = _capped(raw, max(0, remaining_minutes), HOURS_LEFT, limits)
    if project_type.is_ete:
        work = _capped(work, max(0, ete_left_minutes), ETE_LEFT, limits)
    travel = 0
    if project_type.credits_travel:
        asked = travel_out_minutes + travel_back_minutes
        travel = travel_credit_minutes(travel_out_minutes, travel_back_minutes, travel_cap_each_way)
        if travel < asked:
            limits.append(TRAVEL_CAP)
        travel = _capped(travel, max(0, remaining_minutes - work), HOURS_LEFT, limits)
    ete = work if project_type.is_ete else 0
    return Credit(work, travel, ete, tuple(limits))


def _capped(value: int, cap: int, why: str, limits: list[str]) -> int:
    if value <= cap:
        return value
    if why not in limits:
        limits.append(why)
    return cap


# -- a person's hours to date ------------------------------------------------------


@dataclass(frozen=True)
class CreditedSession:
    """One session's credit as recorded in the app (a stored attendance)."""

    day: date
    work_minutes: int
    travel_minutes: int = 0
    ete_minutes: int = 0

    @property
    def total_minutes(self) -> int:
        return self.work_minutes + self.travel_minutes


@dataclass(frozen=True)
class ExtractHours:
    """The caseload extract's ``upw_hours_completed``, as at the day it was imported."""

    completed_minutes: int
    imported_on: date


def counts_in_app(session_day: date, extract: ExtractHours | None) -> bool:
    """An app session adds to hours worked unless the extract already holds it.

    The extract counts every session up to its import date, so only sessions
    after that date are added (issue 18, "hours from two sources").
    """
    return extract is None or session_day > extract.imported_on


@dataclass(frozen=True)
class HoursSummary:
    """A person's hours on one requirement (issue 18 point 6, SPEC.md 7 section 4).

    ``worked_minutes`` = ``from_extract_minutes`` + ``in_app_minutes`` (the
    app's work and travel after the extract's import). ETE and travel are
    known only from the app's own records, so ``ete_used_minutes`` and
    ``travel_credited_minutes`` count every app session up to the as-at date.
    """

    ordered_minutes: int
    from_extract_minutes: int
    in_app_minutes: int
    ete_used_minutes: int
    ete_allowance_minutes: int
    travel_credited_minutes: int

    @property
    def worked_minutes(self) -> int:
        return self.from_extract_minutes + self.in_app_minutes

    @property
    def remaining_minutes(self) -> int:
        """Hours left to work; never below nothing."""
        return max(0, self.ordered_minutes - self.worked_minutes)

    @property
    def ete_left_minutes(self) -> int:
        """ETE hours still allowed: within the allowance and within the hours left."""
        allowed = self.ete_allowance_minutes - self.ete_used_minutes
        return max(0, min(allowed, self.remaining_minutes))

    @property
    def ordered_hours(self) -> float:
        return hours(self.ordered_minutes)

    @property
    def worked_hours(self) -> float:
        return hours(self.worked_minutes)

    @property
    def remaining_hours(self) -> float:
        return hours(self.remaining_minutes)

    @property
    def ete_used_hours(self) -> float:
        return hours(self.ete_used_minutes)

    @property
    def ete_left_hours(self) -> float:
        return hours(self.ete_left_minutes)

    @property
    def travel_credited_hours(self) -> float:
        return hours(self.travel_credited_minutes)


def hours_summary(
    ordered_minutes: int,
    sessions: Iterable[CreditedSession],
    *,
    ete_share_percent: float,
    as_at: date,
    extract: ExtractHours | None = None,
) -> HoursSummary:
    """A person's hours as at a day, from the extract and the app's sessions.

    Sessions after ``as_at`` are left out, and the extract only when it was
    imported after ``as_at`` (a past week's return is then reproduced).
    """
    if extract is not None and extract.imported_on > as_at:
        extract = None
    in_app = ete = travel = 0
    for s in sessions:
        if s.day > as_at:
            continue
        ete += s.ete_minutes
        travel += s.travel_minutes
        if counts_in_app(s.day, extract):
            in_app += s.total_minutes
    return HoursSummary(
        ordered_minutes=ordered_minutes,
        from_extract_minutes=0 if extract is None else extract.completed_minutes,
        in_app_minutes=in_app,
        ete_used_minutes=ete,
        ete_allowance_minutes=ete_allowance_minutes(ordered_minutes, ete_share_percent),
        travel_credited_minutes=travel,
    )


def minutes_worked_between(
    sessions: Iterable[CreditedSession],
    first_day: date,
    last_day: date,
    extract: ExtractHours | None = None,
) -> int:
    """Minutes credited in the app on sessions from ``first_day`` to ``last_day`` inclusive.

    For "hours worked in the week" (SPEC.md 7 section 4); sessions the extract
    already holds are not counted again.
    """
    return sum(
        s.total_minutes
        for s in sessions
        if first_day <= s.day <= last_day and counts_in_app(s.day, extract)
    )


def prefer_app_date(in_app: date | None, from_extract: date | None) -> date | None:
    """An assessment or start date recorded in the app wins over the extract's (issue 18)."""
    return in_app if in_app is not None else from_extract


def dates_conflict(in_app: date | None, from_extract: date | None) -> bool:
    """Both sources give the date and they differ: the import preview shows it."""
    return in_app is not None and from_extract is not None and in_app != from_extract
