"""Stand-down effects and figures (app/domain/unpaid_work_standdowns.py, DOMAIN.md 5)."""

from __future__ import annotations

from datetime import time
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.unpaid_work import Notice, Outcome, StandDownReason, UnpaidWorkInputError
from app.domain.unpaid_work_standdowns import (
    ScheduledSession,
    SessionStandDown,
    StandDownEffect,
    StoodDownBooking,
    percent,
    person_minutes_lost,
    stand_down_effect,
    stand_down_figures,
)

NINE, FOUR_PM = time(9), time(16)
DAY = 7 * 60


def test_stood_down_in_advance_is_aasd_nothing_credited_the_whole_session_lost() -> None:
    effect = stand_down_effect(Notice.ADVANCE, NINE, FOUR_PM, remaining_minutes=6000)
    assert effect == StandDownEffect(Outcome.AASD, 0, DAY, rebook=True)


def test_on_the_day_is_atss_with_the_time_actually_spent_credited() -> None:
    effect = stand_down_effect(
        Notice.ON_THE_DAY, NINE, FOUR_PM, remaining_minutes=6000, sent_home_at=time(11, 30)
    )
    assert effect == StandDownEffect(Outcome.ATSS, 150, DAY - 150)


def test_on_the_day_counts_from_arrival_and_within_the_hours_left() -> None:
    late = stand_down_effect(
        Notice.ON_THE_DAY,
        NINE,
        FOUR_PM,
        remaining_minutes=6000,
        arrived_at=time(10),
        sent_home_at=time(12),
    )
    assert (late.credited_minutes, late.lost_minutes) == (120, DAY - 120)
    short = stand_down_effect(
        Notice.ON_THE_DAY, NINE, FOUR_PM, remaining_minutes=30, sent_home_at=time(12)
    )
    assert (short.credited_minutes, short.lost_minutes) == (30, DAY - 30)


def test_sent_home_on_arrival_credits_nothing() -> None:
    effect = stand_down_effect(
        Notice.ON_THE_DAY, NINE, FOUR_PM, remaining_minutes=6000, sent_home_at=NINE
    )
    assert (effect.outcome, effect.credited_minutes, effect.lost_minutes) == (Outcome.ATSS, 0, DAY)


def test_on_the_day_needs_the_time_people_were_sent_home() -> None:
    with pytest.raises(UnpaidWorkInputError, match="sent home"):
        stand_down_effect(Notice.ON_THE_DAY, NINE, FOUR_PM, remaining_minutes=6000)


def test_person_minutes_lost_per_booking() -> None:
    assert person_minutes_lost(Outcome.AASD, DAY, 0) == DAY
    assert person_minutes_lost(Outcome.ATSS, DAY, 120) == DAY - 120
    assert person_minutes_lost(Outcome.ATTC, DAY, DAY) == 0


def held(booked: int = 4, *stood: StoodDownBooking) -> ScheduledSession:
    return ScheduledSession(DAY, booked, None, tuple(stood))


def stood_down(reason: StandDownReason, notice: Notice, booked: int = 4) -> ScheduledSession:
    outcome = notice.outcome
    credited = 0 if notice is Notice.ADVANCE else 60
    bookings = tuple(StoodDownBooking(outcome, credited) for _ in range(booked))
    return ScheduledSession(DAY, booked, SessionStandDown(reason, notice), bookings)


def test_a_week_of_sessions_gives_both_figures_under_their_own_names() -> None:
    week = [
        held(),
        held(),
        held(5, StoodDownBooking(Outcome.AASD)),  # one person sent away alone, in advance
        stood_down(StandDownReason.WEATHER, Notice.ADVANCE),
        stood_down(StandDownReason.NO_SUPERVISOR, Notice.ON_THE_DAY, booked=2),
    ]
    figures = stand_down_figures(week)
    assert figures.sessions_scheduled == 5
    assert figures.sessions_stood_down == 2
    assert figures.sessions_held == 3
    assert figures.sessions_stood_down_on_the_day == 1
    assert figures.by_reason["weather"] == 1
    assert figures.by_reason["no_supervisor"] == 1
    assert sum(figures.by_reason.values()) == 2
    assert dict(figures.by_notice) == {"advance": 1, "on_the_day": 1}
    assert figures.person_minutes_offered == (4 + 4 + 5 + 4 + 2) * DAY
    assert figures.person_minutes_lost == DAY + 4 * DAY + 2 * (DAY - 60)
    assert figures.stand_down_rate == Fraction(2, 5)
    assert figures.stand_down_rate_percent == 40.0
    lost = Fraction(7 * DAY - 120, 19 * DAY)
    assert figures.hours_lost_share == lost
    assert figures.hours_lost_percent == 35.3  # 2820 / 7980 = 35.34...
    assert figures.stand_down_rate != figures.hours_lost_share


def test_every_reason_and_notice_is_listed_with_zeros() -> None:
    figures = stand_down_figures([held()])
    assert list(figures.by_reason) == [r.value for r in StandDownReason]
    assert set(figures.by_reason.values()) == {0}
    assert dict(figures.by_notice) == {"advance": 0, "on_the_day": 0}


def test_no_sessions_gives_no_rate_rather_than_zero() -> None:
    figures = stand_down_figures([])
    assert figures.sessions_held == 0
    assert figures.stand_down_rate is None and figures.stand_down_rate_percent is None
    assert figures.hours_lost_share is None and figures.hours_lost_percent is None


def test_percentages_round_half_up_to_one_decimal() -> None:
    assert percent(1, 8) == 12.5
    assert percent(1, 16) == 6.3  # 6.25
    assert percent(1, 3) == 33.3
    assert percent(2, 3) == 66.7
    assert percent(0, 5) == 0.0
    assert percent(1, 0) is None


@given(
    st.lists(
        st.tuples(
            st.integers(30, 600),
            st.integers(0, 12),
            st.one_of(
                st.none(),
                st.tuples(st.sampled_from(list(StandDownReason)), st.sampled_from(list(Notice))),
            ),
            st.integers(0, 600),
        ),
        max_size=30,
    )
)
def test_figures_add_up_whatever_the_week(
    rows: list[tuple[int, int, tuple[StandDownReason, Notice] | None, int]],
) -> None:
    sessions = []
    for minutes, booked, stand, credited in rows:
        if stand is None:
            sessions.append(ScheduledSession(minutes, booked))
            continue
        outcome = stand[1].outcome
        got = 0 if outcome is Outcome.AASD else min(credited, minutes)
        bookings = tuple(StoodDownBooking(outcome, got) for _ in range(booked))
        sessions.append(ScheduledSession(minutes, booked, SessionStandDown(*stand), bookings))
    figures = stand_down_figures(sessions)
    assert figures.sessions_held + figures.sessions_stood_down == len(rows)
    assert sum(figures.by_reason.values()) == figures.sessions_stood_down
    assert sum(figures.by_notice.values()) == figures.sessions_stood_down
    assert figures.by_notice["on_the_day"] == figures.sessions_stood_down_on_the_day
    assert 0 <= figures.person_minutes_lost <= figures.person_minutes_offered
    if figures.stand_down_rate is not None:
        assert 0 <= figures.stand_down_rate <= 1
