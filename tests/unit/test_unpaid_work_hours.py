"""Hours credited, the ETE allowance, travel credit and hours from two sources.

app/domain/unpaid_work_hours.py; DOMAIN.md 5 and issue 18.
"""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.unpaid_work import Outcome, ProjectType, UnpaidWorkInputError
from app.domain.unpaid_work_hours import (
    ETE_LEFT,
    HOURS_LEFT,
    NO_CREDIT,
    TRAVEL_CAP,
    CreditedSession,
    ExtractHours,
    credit_attendance,
    dates_conflict,
    ete_allowance_minutes,
    hours_summary,
    minutes_between,
    minutes_worked_between,
    prefer_app_date,
    travel_credit_minutes,
    worked_minutes,
)

NINE, FOUR_PM = time(9, 0), time(16, 0)
PLENTY = 300 * 60


def credit(outcome: Outcome = Outcome.ATTC, project: ProjectType = ProjectType.GROUP, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("remaining_minutes", PLENTY)
    kw.setdefault("ete_left_minutes", PLENTY)
    start, end = kw.pop("start", NINE), kw.pop("end", FOUR_PM)
    return credit_attendance(outcome, project, start, end, **kw)


# -- one attendance ----------------------------------------------------------------


def test_a_full_day_credits_end_minus_start() -> None:
    assert credit().work_minutes == 7 * 60
    assert credit().limited_by == ()


def test_penalty_minutes_come_off_the_time() -> None:
    assert credit(penalty_minutes=45).work_minutes == 7 * 60 - 45


def test_credit_never_goes_beyond_the_hours_left() -> None:
    result = credit(remaining_minutes=150)
    assert result.work_minutes == 150
    assert result.limited_by == (HOURS_LEFT,)


def test_nothing_is_credited_once_the_order_is_done() -> None:
    assert credit(remaining_minutes=0).total_minutes == 0


@pytest.mark.parametrize("outcome", [o for o in Outcome if not o.credits_hours])
def test_absences_and_reschedules_credit_nothing_and_need_no_times(outcome: Outcome) -> None:
    assert credit(outcome, start=None, end=None) == NO_CREDIT


@pytest.mark.parametrize("outcome", [Outcome.ATTC, Outcome.AFTC, Outcome.ATSH, Outcome.ATSS])
def test_attended_outcomes_need_both_times(outcome: Outcome) -> None:
    with pytest.raises(UnpaidWorkInputError, match="needs a start and an end time"):
        credit(outcome, end=None)


def test_an_end_not_after_the_start_is_refused_in_words() -> None:
    with pytest.raises(UnpaidWorkInputError, match="16:00 is not after the start time 16:00"):
        minutes_between(FOUR_PM, FOUR_PM)
    with pytest.raises(UnpaidWorkInputError, match="end time 09:00"):
        credit(start=FOUR_PM, end=NINE)


def test_a_penalty_longer_than_the_session_or_negative_is_refused() -> None:
    with pytest.raises(UnpaidWorkInputError, match="longer than the 420 minutes"):
        worked_minutes(NINE, FOUR_PM, 421)
    assert worked_minutes(NINE, FOUR_PM, 420) == 0
    with pytest.raises(UnpaidWorkInputError, match="negative"):
        worked_minutes(NINE, FOUR_PM, -1)


def test_ete_hours_stop_at_the_allowance_left() -> None:
    result = credit(project=ProjectType.ETE, ete_left_minutes=60)
    assert (result.work_minutes, result.ete_minutes) == (60, 60)
    assert result.limited_by == (ETE_LEFT,)


def test_hours_on_other_projects_are_not_ete_and_ignore_the_ete_allowance() -> None:
    for project in (ProjectType.GROUP, ProjectType.INDIVIDUAL, ProjectType.INDUCTION):
        result = credit(project=project, ete_left_minutes=0)
        assert (result.work_minutes, result.ete_minutes) == (420, 0)


def test_travel_is_credited_up_to_an_hour_each_way_on_placements() -> None:
    result = credit(travel_out_minutes=75, travel_back_minutes=40)
    assert result.travel_minutes == 60 + 40
    assert result.total_minutes == 420 + 100
    assert result.limited_by == (TRAVEL_CAP,)


def test_the_travel_cap_is_the_setting_given() -> None:
    assert (
        credit(travel_out_minutes=75, travel_back_minutes=75, travel_cap_each_way=90).travel_minutes
        == 150
    )


def test_no_travel_credit_on_ete_or_induction() -> None:
    for project in (ProjectType.ETE, ProjectType.INDUCTION):
        assert (
            credit(project=project, travel_out_minutes=30, travel_back_minutes=30).travel_minutes
            == 0
        )


def test_travel_is_credited_after_work_within_the_hours_left() -> None:
    result = credit(remaining_minutes=450, travel_out_minutes=30, travel_back_minutes=30)
    assert (result.work_minutes, result.travel_minutes) == (420, 30)
    assert result.limited_by == (HOURS_LEFT,)


def test_negative_travel_is_refused() -> None:
    with pytest.raises(UnpaidWorkInputError):
        travel_credit_minutes(-5, 0, 60)


# -- the ETE allowance -------------------------------------------------------------


def test_ete_allowance_is_20_percent_or_30_in_london() -> None:
    assert ete_allowance_minutes(100 * 60, 20.0) == 20 * 60
    assert ete_allowance_minutes(100 * 60, 30.0) == 30 * 60


def test_ete_allowance_rounds_down_to_a_whole_minute() -> None:
    # 20% of 40 hours 7 minutes is 8 hours 1.4 minutes.
    assert ete_allowance_minutes(40 * 60 + 7, 20.0) == 8 * 60 + 1


def test_ete_allowance_refuses_impossible_shares() -> None:
    with pytest.raises(UnpaidWorkInputError):
        ete_allowance_minutes(6000, 120)


# -- hypothesis: the caps hold whatever the inputs --------------------------------

minutes = st.integers(0, 600)
crediting = st.sampled_from([o for o in Outcome if o.credits_hours])


@st.composite
def session_times(draw: st.DrawFn) -> tuple[time, time, int]:
    """A start, a later end on the same day, and a penalty no longer than the session."""
    start = draw(st.integers(0, 24 * 60 - 2))
    end = draw(st.integers(start + 1, 24 * 60 - 1))
    penalty = draw(st.integers(0, end - start))
    return time(*divmod(start, 60)), time(*divmod(end, 60)), penalty


@given(
    outcome=crediting,
    project=st.sampled_from(list(ProjectType)),
    times=session_times(),
    remaining=st.integers(-60, 20000),
    ete_left=st.integers(-60, 20000),
    travel=st.tuples(minutes, minutes),
    cap=st.integers(0, 180),
)
def test_credit_stays_within_every_cap(
    outcome: Outcome,
    project: ProjectType,
    times: tuple[time, time, int],
    remaining: int,
    ete_left: int,
    travel: tuple[int, int],
    cap: int,
) -> None:
    start, end, penalty = times
    result = credit_attendance(
        outcome,
        project,
        start,
        end,
        penalty_minutes=penalty,
        remaining_minutes=remaining,
        ete_left_minutes=ete_left,
        travel_out_minutes=travel[0],
        travel_back_minutes=travel[1],
        travel_cap_each_way=cap,
    )
    assert 0 <= result.work_minutes <= minutes_between(start, end) - penalty
    assert result.total_minutes <= max(0, remaining)
    assert 0 <= result.travel_minutes <= 2 * cap
    assert result.travel_minutes <= min(travel[0], cap) + min(travel[1], cap)
    if project.is_ete:
        assert result.ete_minutes == result.work_minutes <= max(0, ete_left)
    else:
        assert result.ete_minutes == 0
    if not project.credits_travel:
        assert result.travel_minutes == 0
    uncut = minutes_between(start, end) - penalty == result.work_minutes
    assert uncut or result.limited_by


@given(
    ordered_hours=st.integers(40, 300),
    share=st.sampled_from([20.0, 30.0, 0.0, 100.0, 12.5]),
    days=st.lists(
        st.tuples(st.sampled_from(list(ProjectType)), session_times(), st.tuples(minutes, minutes)),
        max_size=60,
    ),
)
def test_any_run_of_sessions_never_passes_the_order_or_the_ete_allowance(
    ordered_hours: int,
    share: float,
    days: list[tuple[ProjectType, tuple[time, time, int], tuple[int, int]]],
) -> None:
    ordered = ordered_hours * 60
    as_at = date(2026, 11, 25)
    sessions: list[CreditedSession] = []
    for project, (start, end, penalty), (out, back) in days:
        summary = hours_summary(ordered, sessions, ete_share_percent=share, as_at=as_at)
        result = credit_attendance(
            Outcome.ATTC,
            project,
            start,
            end,
            penalty_minutes=penalty,
            remaining_minutes=summary.remaining_minutes,
            ete_left_minutes=summary.ete_left_minutes,
            travel_out_minutes=out,
            travel_back_minutes=back,
        )
        sessions.append(
            CreditedSession(as_at, result.work_minutes, result.travel_minutes, result.ete_minutes)
        )
    final = hours_summary(ordered, sessions, ete_share_percent=share, as_at=as_at)
    assert final.worked_minutes <= ordered
    assert final.ete_used_minutes <= final.ete_allowance_minutes
    assert final.remaining_minutes == ordered - final.worked_minutes


@given(st.integers(0, 300 * 60), st.floats(0, 100, allow_nan=False))
def test_the_ete_allowance_is_at_most_the_order_and_within_a_minute_of_its_share(
    ordered: int, share: float
) -> None:
    allowance = ete_allowance_minutes(ordered, share)
    assert 0 <= allowance <= ordered
    assert ordered * share / 100 - 1 < allowance <= ordered * share / 100 + 1e-6


@given(st.integers(0, 600), st.integers(0, 600), st.integers(0, 180))
def test_travel_credit_is_each_way_capped(out: int, back: int, cap: int) -> None:
    credited = travel_credit_minutes(out, back, cap)
    assert credited == min(out, cap) + min(back, cap)
    assert credited <= out + back


# -- a person's hours: two sources --------------------------------------------------

EXTRACT = ExtractHours(completed_minutes=30 * 60, imported_on=date(2026, 11, 16))
SESSIONS = (
    CreditedSession(date(2026, 11, 14), 7 * 60),  # before the extract: in its total
    CreditedSession(date(2026, 11, 16), 7 * 60),  # on the import day: in its total
    CreditedSession(date(2026, 11, 21), 6 * 60, travel_minutes=60),
    CreditedSession(date(2026, 11, 23), 5 * 60, ete_minutes=5 * 60),
    CreditedSession(date(2026, 12, 5), 7 * 60),  # after the as-at day
)


def test_hours_worked_add_the_app_sessions_after_the_extract_to_its_total() -> None:
    summary = hours_summary(
        100 * 60, SESSIONS, ete_share_percent=20.0, as_at=date(2026, 11, 25), extract=EXTRACT
    )
    assert summary.from_extract_minutes == 30 * 60
    assert summary.in_app_minutes == 7 * 60 + 5 * 60
    assert summary.worked_hours == 42.0
    assert summary.remaining_hours == 58.0
    assert summary.ete_used_hours == 5.0
    assert summary.ete_left_hours == 15.0
    assert summary.travel_credited_hours == 1.0
    assert summary.ordered_hours == 100.0


def test_without_an_extract_every_app_session_counts() -> None:
    summary = hours_summary(100 * 60, SESSIONS, ete_share_percent=30.0, as_at=date(2026, 11, 25))
    assert summary.worked_minutes == (7 + 7 + 7 + 5) * 60
    assert summary.ete_allowance_minutes == 30 * 60


def test_an_extract_imported_after_the_as_at_day_is_not_yet_known() -> None:
    summary = hours_summary(
        100 * 60, SESSIONS, ete_share_percent=20.0, as_at=date(2026, 11, 15), extract=EXTRACT
    )
    assert summary.from_extract_minutes == 0
    assert summary.worked_minutes == 7 * 60


def test_hours_left_never_go_below_nothing_and_ete_left_never_exceeds_them() -> None:
    summary = hours_summary(
        40 * 60, SESSIONS, ete_share_percent=20.0, as_at=date(2026, 11, 25), extract=EXTRACT
    )
    assert summary.worked_minutes == 42 * 60
    assert summary.remaining_minutes == 0
    assert summary.ete_left_minutes == 0


def test_hours_worked_in_a_week_leave_out_what_the_extract_holds() -> None:
    week = (date(2026, 11, 14), date(2026, 11, 20))
    assert minutes_worked_between(SESSIONS, *week) == 14 * 60
    assert minutes_worked_between(SESSIONS, *week, extract=EXTRACT) == 0
    assert (
        minutes_worked_between(SESSIONS, date(2026, 11, 21), date(2026, 11, 27), EXTRACT) == 12 * 60
    )


def test_a_date_recorded_in_the_app_wins_and_a_difference_is_a_conflict() -> None:
    app, extract = date(2026, 3, 2), date(2026, 3, 4)
    assert prefer_app_date(app, extract) == app
    assert prefer_app_date(None, extract) == extract
    assert prefer_app_date(None, None) is None
    assert dates_conflict(app, extract)
    assert not dates_conflict(app, app)
    assert not dates_conflict(None, extract)
    assert not dates_conflict(app, None)
