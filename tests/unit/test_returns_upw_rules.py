"""The weekly return's unpaid work and victim liaison figures, worked out by hand."""

from __future__ import annotations

from datetime import date

from app.domain.calendar import WorkingCalendar
from app.domain.returns import Week
from app.domain.returns_upw import (
    UnpaidWorkInputs,
    UpwRequirement,
    VcsCaseFacts,
    VictimInputs,
    VictimTaskFacts,
    requirement_as_at,
    unpaid_work_figures,
    victim_figures,
)
from app.domain.unpaid_work import (
    DEFAULT_UNPAID_WORK_SETTINGS,
    Notice,
    Outcome,
    StandDownReason,
)
from app.domain.unpaid_work_deadlines import RequirementFacts
from app.domain.unpaid_work_hours import CreditedSession, ExtractHours
from app.domain.unpaid_work_standdowns import ScheduledSession, SessionStandDown, StoodDownBooking
from app.domain.victims import DEFAULT_VICTIM_SETTINGS
from app.domain.victims_task_types import TaskStatus

WEEK = Week(date(2026, 11, 27))
CAL = WorkingCalendar("england")
UPW = DEFAULT_UNPAID_WORK_SETTINGS


def upw(inputs: UnpaidWorkInputs) -> dict:
    return unpaid_work_figures(inputs, WEEK, CAL, UPW)


def test_no_unpaid_work_gives_every_key_with_zeros_and_null_percentages() -> None:
    figures = upw(UnpaidWorkInputs())
    assert list(figures["stand_downs_by_reason"]) == [r.value for r in StandDownReason]
    assert set(figures["stand_downs_by_reason"].values()) == {0}
    for key in ("stand_down_rate_pct", "person_hours_lost_pct", "ete_share_pct"):
        assert figures[key] is None
    assert figures["assessed_within_10_pct"] is None
    assert figures["active_requirements"] == figures["sessions_scheduled"] == 0
    assert figures["hours_ordered"] == 0.0


def test_a_stand_down_on_the_day_and_one_in_advance() -> None:
    day = 7 * 60
    sessions = (
        ScheduledSession(day, 5),
        ScheduledSession(
            day,
            4,
            SessionStandDown(StandDownReason.WEATHER, Notice.ADVANCE),
            tuple(StoodDownBooking(Outcome.AASD) for _ in range(4)),
        ),
        ScheduledSession(
            day,
            3,
            SessionStandDown(StandDownReason.SUPERVISOR_ABSENT, Notice.ON_THE_DAY),
            tuple(StoodDownBooking(Outcome.ATSS, 60) for _ in range(3)),
        ),
        # One person sent away alone: hours lost, but the session was held.
        ScheduledSession(day, 6, None, (StoodDownBooking(Outcome.AASD),)),
    )
    figures = upw(UnpaidWorkInputs(sessions=sessions))
    assert figures["sessions_scheduled"] == 4
    assert figures["sessions_held"] == 2
    assert figures["sessions_stood_down"] == 2
    assert figures["sessions_stood_down_on_day"] == 1
    assert figures["stand_down_rate_pct"] == 50.0
    assert figures["stand_downs_by_reason"]["weather"] == 1
    assert figures["stand_downs_by_reason"]["supervisor_absent"] == 1
    assert figures["stand_downs_by_reason"]["oversubscribed"] == 0
    # Offered (5 + 4 + 3 + 6) x 7 = 126; lost 4 x 7 + 3 x 6 + 7 = 53; 53 / 126 = 42.06%.
    assert figures["person_hours_offered"] == 126.0
    assert figures["person_hours_lost"] == 53.0
    assert figures["person_hours_lost_pct"] == 42.1


def test_assessment_and_start_shares_of_deadlines_falling_in_the_week() -> None:
    # Sentenced Friday 13/11: 10 working days later is Friday 27/11.
    assessed = RequirementFacts(date(2026, 11, 13), assessed_on=date(2026, 11, 20))
    # Assessed only after the week: not done as at its end.
    later = RequirementFacts(date(2026, 11, 13), assessed_on=date(2026, 11, 30))
    # Sentenced Friday 06/11: 15 working days later is Friday 27/11.
    started = RequirementFacts(date(2026, 11, 6), started_on=date(2026, 11, 25))
    reqs = tuple(UpwRequirement(f, 6000) for f in (assessed, later, started))
    figures = upw(UnpaidWorkInputs(reqs))
    assert figures["assessed_within_10_pct"] == 50.0
    assert figures["started_within_15_pct"] == 100.0


def test_reviews_due_in_the_week_and_overdue_before_it() -> None:
    # 6 months after 24/05/2026 is Tuesday 24/11; 9 months after 24/02/2026 is 24/11 too.
    six = RequirementFacts(date(2026, 5, 24))
    nine = RequirementFacts(date(2026, 2, 24), first_review_on=date(2026, 8, 20))
    reviewed = RequirementFacts(date(2026, 5, 24), first_review_on=date(2026, 11, 24))
    reqs = tuple(UpwRequirement(f, 6000) for f in (six, nine, reviewed))
    figures = upw(UnpaidWorkInputs(reqs))
    assert figures["reviews_due"] == 3
    assert figures["reviews_overdue"] == 2  # six's and nine's reviews of 24/11, not recorded


def test_at_risk_of_missing_twelve_months_at_seven_or_twenty_eight_hours_a_week() -> None:
    # 12 months after 05/01/2026 is 05/01/2027: 39 days from 27/11, 5 whole weeks.
    standard = RequirementFacts(date(2026, 1, 5))
    intensive = RequirementFacts(date(2026, 1, 5), intensive=True)
    # 40 hours left: more than 5 x 7 = 35, less than 5 x 28 = 140.
    reqs = (
        UpwRequirement(standard, 100 * 60, 60 * 60),
        UpwRequirement(intensive, 100 * 60, 60 * 60),
        UpwRequirement(standard, 100 * 60, 66 * 60),  # 34 hours left: fits
    )
    figures = upw(UnpaidWorkInputs(reqs))
    assert figures["at_risk_12_months"] == 1
    assert figures["active_requirements"] == 3
    assert figures["hours_ordered"] == 300.0
    assert figures["hours_worked_to_date"] == 186.0


def test_hours_worked_in_the_week_count_a_requirement_completed_in_it() -> None:
    done = RequirementFacts(date(2026, 1, 5), completed_on=date(2026, 11, 26))
    running = RequirementFacts(date(2026, 1, 5))
    reqs = (
        UpwRequirement(done, 40 * 60, 40 * 60, week_minutes=7 * 60),
        UpwRequirement(
            running, 80 * 60, 20 * 60, week_minutes=7 * 60, week_ete_minutes=3 * 60 + 30
        ),
    )
    figures = upw(UnpaidWorkInputs(reqs))
    assert figures["active_requirements"] == 1
    assert figures["hours_worked_week"] == 14.0
    assert figures["ete_hours_week"] == 3.5
    assert figures["ete_share_pct"] == 25.0


def test_a_requirements_hours_as_at_the_week_end_from_extract_and_sessions() -> None:
    facts = RequirementFacts(date(2026, 6, 1))
    sessions = [
        CreditedSession(date(2026, 11, 14), 420),  # before the week, after the extract
        CreditedSession(date(2026, 11, 22), 400, travel_minutes=20, ete_minutes=0),
        CreditedSession(date(2026, 11, 25), 240, ete_minutes=240),
        CreditedSession(date(2026, 11, 28), 420),  # after the week
    ]
    extract = ExtractHours(completed_minutes=1200, imported_on=date(2026, 11, 10))
    req = requirement_as_at(facts, 6000, sessions, WEEK, ete_share_percent=20, extract=extract)
    assert req.worked_minutes == 1200 + 420 + 420 + 240
    assert req.week_minutes == 660
    assert req.week_ete_minutes == 240
    # An extract imported after the week is not known at its end.
    late = ExtractHours(completed_minutes=3000, imported_on=date(2026, 12, 1))
    again = requirement_as_at(facts, 6000, sessions, WEEK, ete_share_percent=20, extract=late)
    assert again.worked_minutes == 420 + 420 + 240


# -- victim liaison -----------------------------------------------------------------------


def victims(inputs: VictimInputs) -> dict:
    return victim_figures(inputs, WEEK, CAL, DEFAULT_VICTIM_SETTINGS)


def test_no_victim_work_gives_zeros_and_a_null_percentage() -> None:
    figures = victims(VictimInputs())
    assert figures == {
        "open_cases": 0,
        "tasks_due": 0,
        "tasks_completed": 0,
        "tasks_overdue": 0,
        "first_offer_on_time_pct": None,
        "releases_next_4_weeks": 0,
        "parole_next_4_weeks": 0,
    }


def test_a_task_completed_late_is_due_completed_and_not_overdue() -> None:
    tasks = (
        VictimTaskFacts(date(2026, 11, 23), TaskStatus.COMPLETED, date(2026, 11, 26)),
        VictimTaskFacts(date(2026, 11, 10), TaskStatus.COMPLETED, date(2026, 11, 24)),
        VictimTaskFacts(date(2026, 11, 24), TaskStatus.OPEN),
        VictimTaskFacts(date(2026, 11, 27), TaskStatus.OPEN),  # due today: not yet overdue
        VictimTaskFacts(date(2026, 11, 20), TaskStatus.CANCELLED),
        # completed only after the week: still open at its end
        VictimTaskFacts(date(2026, 11, 25), TaskStatus.COMPLETED, date(2026, 11, 30)),
    )
    figures = victims(VictimInputs(tasks=tasks))
    assert figures["tasks_due"] == 4
    assert figures["tasks_completed"] == 2
    assert figures["tasks_overdue"] == 2


def test_first_offers_in_time_and_releases_and_paroles_in_four_weeks() -> None:
    # Referred Thursday 29/10: 20 working days later is Thursday 26/11.
    on_time = VcsCaseFacts(
        date(2026, 10, 29),
        first_offer_date=date(2026, 11, 20),
        expected_release_date=date(2026, 12, 20),
        parole_review_date=date(2026, 12, 25),  # 28 days on: inside
    )
    # Referred Friday 30/10: due Friday 27/11; offered after it.
    late = VcsCaseFacts(
        date(2026, 10, 30),
        first_offer_date=date(2026, 11, 30),
        parole_review_date=date(2026, 12, 26),  # 29 days on: outside
    )
    closed = VcsCaseFacts(
        date(2026, 1, 5), closed_on=date(2026, 11, 27), expected_release_date=date(2026, 12, 1)
    )
    figures = victims(VictimInputs(cases=(on_time, late, closed)))
    assert figures["open_cases"] == 2
    assert figures["first_offer_on_time_pct"] == 50.0
    assert figures["releases_next_4_weeks"] == 1
    assert figures["parole_next_4_weeks"] == 1
