"""Unpaid work deadlines and the at-risk flag (app/domain/unpaid_work_deadlines.py).

DOMAIN.md 5 and 7; SPEC.md 7 section 4.
"""

from __future__ import annotations

import calendar as months
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendar import WorkingCalendar
from app.domain.unpaid_work import (
    DEFAULT_UNPAID_WORK_SETTINGS,
    UnpaidWorkInputError,
    UnpaidWorkSettings,
)
from app.domain.unpaid_work_deadlines import (
    MilestoneKind,
    MilestoneState,
    RequirementFacts,
    completion_date,
    is_at_risk,
    milestone_dates,
    milestone_state,
    milestones,
    minutes_workable_by,
    whole_weeks_left,
)

ENGLAND = WorkingCalendar("england")
S = DEFAULT_UNPAID_WORK_SETTINGS
K = MilestoneKind
M = MilestoneState


def dates_of(sentenced: date) -> dict[MilestoneKind, date]:
    return milestone_dates(RequirementFacts(sentenced), ENGLAND, S)


# -- working-day deadlines with bank holidays --------------------------------------


def test_sentence_on_the_friday_before_spring_bank_holiday() -> None:
    # Friday 22/05/2026; Monday 25/05/2026 is a bank holiday.
    found = dates_of(date(2026, 5, 22))
    assert found[K.ASSESSMENT] == date(2026, 6, 8)
    assert found[K.START] == date(2026, 6, 15)


def test_sentence_before_christmas_skips_three_bank_holidays() -> None:
    # 25/12, 28/12 (Boxing Day substitute) and 01/01/2027 are closed.
    found = dates_of(date(2026, 12, 16))
    assert found[K.ASSESSMENT] == date(2027, 1, 4)
    assert found[K.START] == date(2027, 1, 11)


def test_sentence_on_summer_bank_holiday_counts_from_the_next_working_day() -> None:
    found = dates_of(date(2026, 8, 31))  # the Summer bank holiday itself
    assert found[K.ASSESSMENT] == date(2026, 9, 14)
    assert found[K.START] == date(2026, 9, 21)


def test_a_one_off_bank_holiday_moves_the_deadlines() -> None:
    extra = WorkingCalendar("england", extra_holidays=[date(2026, 6, 1)])
    found = milestone_dates(RequirementFacts(date(2026, 5, 22)), extra, S)
    assert found[K.ASSESSMENT] == date(2026, 6, 9)


def test_the_working_days_are_settings() -> None:
    own = UnpaidWorkSettings(upw_assessment_working_days=5, upw_start_working_days=20)
    found = milestone_dates(RequirementFacts(date(2026, 11, 25)), ENGLAND, own)
    assert found[K.ASSESSMENT] == date(2026, 12, 2)
    assert found[K.START] == date(2026, 12, 23)


# -- calendar-month deadlines -----------------------------------------------------


def test_reviews_at_6_and_9_months_and_completion_at_12() -> None:
    found = dates_of(date(2026, 5, 22))
    assert found[K.FIRST_REVIEW] == date(2026, 11, 22)
    assert found[K.SECOND_REVIEW] == date(2027, 2, 22)
    assert found[K.COMPLETION] == date(2027, 5, 22)


def test_a_review_on_a_day_the_month_lacks_falls_on_its_last_day() -> None:
    found = dates_of(date(2026, 8, 31))
    assert found[K.FIRST_REVIEW] == date(2027, 2, 28)
    assert found[K.SECOND_REVIEW] == date(2027, 5, 31)
    assert dates_of(date(2027, 8, 31))[K.FIRST_REVIEW] == date(2028, 2, 29)  # a leap year


def test_sentenced_on_29_february_completes_on_28_february() -> None:
    assert dates_of(date(2028, 2, 29))[K.COMPLETION] == date(2029, 2, 28)


def test_a_court_extension_sets_the_completion_date() -> None:
    facts = RequirementFacts(date(2026, 5, 22), extended_to=date(2027, 11, 30))
    assert milestone_dates(facts, ENGLAND, S)[K.COMPLETION] == date(2027, 11, 30)
    with pytest.raises(UnpaidWorkInputError, match="before the sentence"):
        completion_date(date(2026, 5, 22), S, extended_to=date(2026, 5, 1))


# -- states ----------------------------------------------------------------------

DUE = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("done_on", "as_at", "ended_on", "state"),
    [
        (date(2026, 11, 20), date(2026, 11, 25), None, M.MET),
        (date(2026, 11, 2), date(2026, 11, 25), None, M.MET),
        (date(2026, 11, 23), date(2026, 11, 25), None, M.LATE),
        (None, date(2026, 11, 20), None, M.DUE),
        (None, date(2026, 11, 1), None, M.DUE),
        (None, date(2026, 11, 21), None, M.OVERDUE),
        (date(2026, 11, 30), date(2026, 11, 25), None, M.OVERDUE),  # done after the as-at day
        (None, date(2026, 11, 25), date(2026, 11, 10), M.NOT_NEEDED),
        (None, date(2026, 11, 25), date(2026, 11, 22), M.MISSED),
        (None, date(2026, 11, 19), date(2026, 11, 22), M.DUE),  # not yet ended on the day
    ],
)
def test_milestone_states(
    done_on: date | None, as_at: date, ended_on: date | None, state: MilestoneState
) -> None:
    assert milestone_state(DUE, done_on, as_at, ended_on) is state


def test_states_have_labels_and_only_due_and_overdue_are_open() -> None:
    assert [s.label for s in MilestoneState] == [
        *("Met", "Done late", "Due", "Overdue", "Missed", "Not needed")
    ]
    assert {s for s in MilestoneState if s.is_open} == {M.DUE, M.OVERDUE}


def test_a_requirement_s_milestones_in_order_with_their_states() -> None:
    facts = RequirementFacts(
        date(2026, 5, 22),
        assessed_on=date(2026, 6, 5),
        started_on=date(2026, 6, 20),
        first_review_on=None,
    )
    found = milestones(facts, date(2026, 11, 25), ENGLAND, S)
    assert [m.kind for m in found] == list(MilestoneKind)
    assert [m.state for m in found] == [M.MET, M.LATE, M.OVERDUE, M.DUE, M.DUE]
    assert [m.done_by_deadline for m in found] == [True, False, False, False, False]
    assert found[0].done_on == date(2026, 6, 5)


def test_completion_is_met_when_completed_in_time_and_a_termination_ends_the_rest() -> None:
    done = RequirementFacts(date(2026, 1, 5), completed_on=date(2026, 10, 1))
    states = {m.kind: m.state for m in milestones(done, date(2026, 11, 25), ENGLAND, S)}
    assert states[K.COMPLETION] is M.MET
    assert states[K.FIRST_REVIEW] is M.MISSED  # due 05/07/2026, never recorded
    assert states[K.SECOND_REVIEW] is M.NOT_NEEDED  # due 05/10/2026, after completion
    ended = RequirementFacts(date(2026, 1, 5), terminated_on=date(2026, 3, 1))
    states = {m.kind: m.state for m in milestones(ended, date(2026, 11, 25), ENGLAND, S)}
    assert states[K.ASSESSMENT] is M.MISSED
    assert states[K.FIRST_REVIEW] is M.NOT_NEEDED
    assert states[K.COMPLETION] is M.NOT_NEEDED


def test_completion_after_the_12_months_is_done_late() -> None:
    facts = RequirementFacts(date(2025, 9, 1), completed_on=date(2026, 9, 15))
    found = {m.kind: m for m in milestones(facts, date(2026, 11, 25), ENGLAND, S)}
    assert found[K.COMPLETION].state is M.LATE


# -- at risk ----------------------------------------------------------------------

AS_AT = date(2026, 11, 25)
SENTENCED = date(2026, 1, 1)  # 12 months: 01/01/2027, 37 days (5 whole weeks) after 25/11


def test_whole_weeks_to_the_completion_date() -> None:
    assert whole_weeks_left(date(2027, 1, 1), AS_AT) == 5
    assert whole_weeks_left(AS_AT + timedelta(days=6), AS_AT) == 0
    assert whole_weeks_left(AS_AT - timedelta(days=30), AS_AT) == 0


def test_at_risk_when_the_hours_left_exceed_7_a_week_of_whole_weeks() -> None:
    facts = RequirementFacts(SENTENCED)
    assert not is_at_risk(facts, 35 * 60, AS_AT, S)
    assert is_at_risk(facts, 35 * 60 + 1, AS_AT, S)


def test_intensive_working_allows_28_hours_a_week() -> None:
    facts = RequirementFacts(SENTENCED, intensive=True)
    assert not is_at_risk(facts, 140 * 60, AS_AT, S)
    assert is_at_risk(facts, 140 * 60 + 1, AS_AT, S)


def test_past_the_completion_date_any_hours_left_are_at_risk() -> None:
    facts = RequirementFacts(date(2025, 10, 1))
    assert is_at_risk(facts, 1, AS_AT, S)
    assert not is_at_risk(facts, 0, AS_AT, S)


def test_a_court_extension_gives_the_weeks_to_the_new_date() -> None:
    facts = RequirementFacts(date(2025, 10, 1), extended_to=date(2027, 5, 26))  # 26 weeks on
    assert not is_at_risk(facts, 26 * 7 * 60, AS_AT, S)
    assert is_at_risk(facts, 26 * 7 * 60 + 1, AS_AT, S)


def test_completed_terminated_or_future_requirements_are_not_at_risk() -> None:
    assert not is_at_risk(
        RequirementFacts(date(2025, 10, 1), completed_on=date(2026, 11, 1)), 600, AS_AT, S
    )
    assert not is_at_risk(
        RequirementFacts(date(2025, 10, 1), terminated_on=date(2026, 11, 1)), 600, AS_AT, S
    )
    assert not is_at_risk(RequirementFacts(date(2026, 12, 1)), 600, AS_AT, S)


def test_the_weekly_hours_are_settings() -> None:
    own = UnpaidWorkSettings(upw_standard_hours_per_week=6.0)
    assert minutes_workable_by(date(2027, 1, 1), AS_AT, False, own) == 5 * 6 * 60
    assert is_at_risk(RequirementFacts(SENTENCED), 31 * 60, AS_AT, own)


# -- hypothesis: the deadlines and the flag hold their definitions ----------------

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


def naive_add_working_days(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        n -= ENGLAND.is_working_day(day)
    return day


@given(days)
def test_assessment_and_start_are_the_10th_and_15th_working_day_after_sentence(
    sentenced: date,
) -> None:
    found = dates_of(sentenced)
    for kind, n in ((K.ASSESSMENT, 10), (K.START, 15)):
        assert found[kind] == naive_add_working_days(sentenced, n)
        assert ENGLAND.is_working_day(found[kind])
        assert ENGLAND.working_days_between(sentenced, found[kind]) == n
    assert sentenced < found[K.ASSESSMENT] < found[K.START]


@given(days)
def test_month_deadlines_keep_the_day_or_take_the_month_s_last(sentenced: date) -> None:
    found = dates_of(sentenced)
    expected_months = {K.FIRST_REVIEW: 6, K.SECOND_REVIEW: 9, K.COMPLETION: 12}
    for kind, n in expected_months.items():
        due = found[kind]
        assert (due.year * 12 + due.month) - (sentenced.year * 12 + sentenced.month) == n
        last = months.monthrange(due.year, due.month)[1]
        assert due.day == min(sentenced.day, last)
    assert found[K.START] < found[K.FIRST_REVIEW] < found[K.SECOND_REVIEW] < found[K.COMPLETION]


@given(days, st.one_of(st.none(), days), days, st.one_of(st.none(), days))
def test_a_state_follows_from_its_definition(
    due: date, done_on: date | None, as_at: date, ended_on: date | None
) -> None:
    state = milestone_state(due, done_on, as_at, ended_on)
    done = done_on is not None and done_on <= as_at
    ended = ended_on is not None and ended_on <= as_at
    assert (state in (M.MET, M.LATE)) == done
    assert (state is M.MET) == (done and done_on is not None and done_on <= due)
    assert (state is M.OVERDUE) == (not done and not ended and as_at > due)
    assert (state is M.DUE) == (not done and not ended and as_at <= due)


@given(
    sentenced=days,
    as_at=days,
    left=st.integers(0, 300 * 60),
    more=st.integers(0, 6000),
    intensive=st.booleans(),
)
def test_at_risk_is_hours_left_beyond_whole_weeks_at_the_weekly_rate(
    sentenced: date, as_at: date, left: int, more: int, intensive: bool
) -> None:
    facts = RequirementFacts(sentenced, intensive=intensive)
    risky = is_at_risk(facts, left, as_at, S)
    if sentenced > as_at or left == 0:
        assert not risky
        return
    weeks = max(0, (add_year(sentenced) - as_at).days // 7)
    assert risky == (left > weeks * (28 if intensive else 7) * 60)
    if risky:
        assert is_at_risk(facts, left + more, as_at, S)
    if not intensive and not risky:
        assert not is_at_risk(RequirementFacts(sentenced, intensive=True), left, as_at, S)


def add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 2, 28)
