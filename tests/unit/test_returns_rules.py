"""The weekly return's figures for caseload, allocation and workload, worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendar import WorkingCalendar
from app.domain.cases import EventFacts
from app.domain.codes import Grade, Rosh, SentenceType
from app.domain.returns import (
    AllocationRules,
    AllocationSpan,
    CaseFacts,
    ReturnInputError,
    Week,
    allocation_figures,
    caseload_figures,
    current_week,
    hours_of,
    round_percent,
    starts_and_ends,
    tier_changes,
    value_on,
    week_ending,
)
from app.domain.returns_workload import PractitionerFacts, workload_figures
from app.domain.tiering import ALL_TIERS
from app.domain.workload import DEFAULT_SETTINGS

WEEK = Week(date(2026, 11, 27))  # Saturday 21/11/2026 to Friday 27/11/2026
CAL = WorkingCalendar("england")
RULES = AllocationRules(CAL)
_ids = iter(range(1, 10_000))


def event(
    sentenced: date,
    kind: SentenceType = SentenceType.CO,
    *,
    release: date | None = None,
    end: date | None = None,
    ended_on: date | None = None,
) -> EventFacts:
    return EventFacts(next(_ids), kind, sentenced, release, end, ended_on)


def case(*events: EventFacts, **facts: object) -> CaseFacts:
    return CaseFacts(next(_ids), tuple(events), **facts)  # type: ignore[arg-type]


OLD = date(2026, 1, 5)


# -- the week -------------------------------------------------------------------


def test_a_week_runs_saturday_to_friday_both_included() -> None:
    week = week_ending(date(2026, 11, 27), "FRI")
    assert week.starting == date(2026, 11, 21)
    assert date(2026, 11, 21) in week and date(2026, 11, 27) in week
    assert date(2026, 11, 20) not in week and date(2026, 11, 28) not in week
    assert week.label == "Saturday 21/11/2026 to Friday 27/11/2026"


def test_a_week_ending_on_another_day_is_refused_with_the_reason() -> None:
    with pytest.raises(ReturnInputError) as refused:
        week_ending(date(2026, 11, 25), "FRI")
    message = str(refused.value)
    assert "25/11/2026 is a Wednesday" in message
    assert "ends on a Friday" in message
    assert "20/11/2026" in message and "27/11/2026" in message


def test_the_week_end_day_setting_moves_the_week() -> None:
    week = week_ending(date(2026, 11, 29), "SUN")
    assert week.starting == date(2026, 11, 23)


def test_this_week_ends_on_the_next_week_end_day_or_today() -> None:
    assert current_week(date(2026, 11, 25), "FRI").ending == date(2026, 11, 27)
    assert current_week(date(2026, 11, 27), "FRI").ending == date(2026, 11, 27)
    assert current_week(date(2026, 11, 28), "FRI").ending == date(2026, 12, 4)


def test_hours_and_percentages_round_half_up() -> None:
    assert hours_of(440) == 7.33
    assert hours_of(90) == 1.5
    assert hours_of(1) == 0.02  # 0.01666...
    assert round_percent(12.25) == 12.3
    assert round_percent(0.05) == 0.1
    assert round_percent(None) is None


# -- caseload ----------------------------------------------------------------------


def test_every_map_lists_all_its_keys_with_zeros() -> None:
    figures = caseload_figures([], WEEK)
    assert list(figures["tiers"]) == list(ALL_TIERS)
    assert set(figures["tiers"].values()) == {0}
    assert list(figures["rosh"]) == ["Very High", "High", "Medium", "Low", "Not assessed"]
    assert list(figures["by_sentence_type"]) == [
        "Community Order",
        "Suspended Sentence Order",
        "Licence",
        "Post-Sentence Supervision",
        "Custody pre-release",
    ]
    assert figures["active"] == figures["untiered"] == figures["started"] == 0


def test_active_cases_by_type_tier_and_rosh_as_at_the_end_of_the_week() -> None:
    cases = [
        case(event(OLD), tiers=((OLD, "B2"),), rosh=((OLD, Rosh.HIGH),)),
        # unsupervised counts in its base tier
        case(event(OLD, SentenceType.LICENCE, release=OLD), tiers=((OLD, "B2S"),)),
        # the tier on the as-at day, not a later one
        case(event(OLD), tiers=((OLD, "C1"), (date(2026, 11, 30), "A3"))),
        # untiered, not assessed
        case(event(OLD, SentenceType.SSO)),
        # ended on the Friday: not active at the end of it
        case(event(OLD, end=date(2026, 11, 27)), tiers=((OLD, "D0"),)),
        # sentenced after the week
        case(event(date(2026, 11, 28)), tiers=((date(2026, 11, 28), "A0"),)),
    ]
    figures = caseload_figures(cases, WEEK)
    assert figures["active"] == 4
    assert figures["by_sentence_type"]["Community Order"] == 2
    assert figures["by_sentence_type"]["Licence"] == 1
    assert figures["by_sentence_type"]["Suspended Sentence Order"] == 1
    assert figures["tiers"]["B2"] == 2
    assert figures["tiers"]["C1"] == 1
    assert figures["tiers"]["A3"] == figures["tiers"]["D0"] == figures["tiers"]["A0"] == 0
    assert figures["untiered"] == 1
    assert figures["rosh"]["High"] == 1
    assert figures["rosh"]["Not assessed"] == 3
    assert figures["ended"] == 1


def test_a_case_ended_and_restarted_in_the_week_has_started_and_ended_once() -> None:
    person = case(
        event(OLD, end=date(2026, 11, 23)),  # ends Monday
        event(date(2026, 11, 26)),  # sentenced again Thursday
    )
    assert starts_and_ends(person, WEEK) == (1, 1)
    figures = caseload_figures([person], WEEK)
    assert (figures["active"], figures["started"], figures["ended"]) == (1, 1, 1)


def test_a_new_sentence_of_a_running_case_starts_nothing() -> None:
    person = case(event(OLD), event(date(2026, 11, 24)))
    assert starts_and_ends(person, WEEK) == (0, 0)


def test_a_case_sentenced_on_the_first_day_of_the_week_started_in_it() -> None:
    assert starts_and_ends(case(event(date(2026, 11, 21))), WEEK) == (1, 0)
    assert starts_and_ends(case(event(date(2026, 11, 20))), WEEK) == (0, 0)


def test_a_case_ended_by_hand_in_the_week_ended_in_it() -> None:
    person = case(event(OLD, ended_on=date(2026, 11, 25)))
    assert starts_and_ends(person, WEEK) == (0, 1)


@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.one_of(st.none(), st.integers(0, 30))),
        min_size=1,
        max_size=4,
    )
)
def test_active_after_is_active_before_plus_started_less_ended(spans: list) -> None:
    base = date(2026, 11, 7)
    events = [
        event(base + timedelta(days=s), end=None if e is None else base + timedelta(days=s + e))
        for s, e in spans
    ]
    person = case(*events)
    started, ended = starts_and_ends(person, WEEK)
    before = person.active_on(WEEK.starting - timedelta(days=1))
    assert int(person.active_on(WEEK.ending)) == int(before) + started - ended


def test_the_value_on_a_day_is_the_latest_dated_on_or_before_it() -> None:
    history = ((date(2026, 1, 1), "B2"), (date(2026, 6, 1), "C1"), (date(2026, 6, 1), "A3"))
    assert value_on(history, date(2025, 12, 31)) is None
    assert value_on(history, date(2026, 5, 31)) == "B2"
    assert value_on(history, date(2026, 6, 1)) == "A3"


def test_a_tier_change_is_a_tier_that_differs_from_the_one_before() -> None:
    history = (
        (date(2026, 1, 1), "B2"),
        (date(2026, 2, 1), "B2"),  # recalculated, same tier
        (date(2026, 3, 1), "A2"),
        (date(2026, 4, 1), None),
    )
    assert tier_changes(history) == [date(2026, 3, 1), date(2026, 4, 1)]


# -- allocation ---------------------------------------------------------------------


def test_a_case_sentenced_the_friday_before_a_bank_holiday_monday() -> None:
    # Spring bank holiday: Monday 25/05/2026. Five working days after Friday 22/05
    # are Tue, Wed, Thu, Fri and Monday 01/06: the deadline falls in the next week.
    sentenced = date(2026, 5, 22)
    person = case(event(sentenced))
    first = Week(date(2026, 5, 29))
    second = Week(date(2026, 6, 5))
    assert allocation_figures([person], first, RULES)["due_in_week"] == 0
    figures = allocation_figures([person], second, RULES)
    assert figures["due_in_week"] == 1
    assert figures["allocated_on_time"] == 0
    assert figures["on_time_pct"] == 0.0
    # Unallocated at 29/05: Tue, Wed, Thu, Fri after the sentence (Monday is a holiday).
    assert allocation_figures([person], first, RULES)["oldest_unallocated_working_days"] == 4


def test_allocated_by_the_deadline_counts_on_time_and_after_it_does_not() -> None:
    sentenced = date(2026, 11, 16)  # Monday: deadline Monday 23/11, in the week
    on_time = case(event(sentenced), allocations=(AllocationSpan(1, date(2026, 11, 23)),))
    late = case(event(sentenced), allocations=(AllocationSpan(1, date(2026, 11, 24)),))
    never = case(event(sentenced))
    figures = allocation_figures([on_time, late, never], WEEK, RULES)
    assert figures["due_in_week"] == 3
    assert figures["allocated_on_time"] == 1
    assert figures["on_time_pct"] == 33.3
    assert figures["unallocated"] == 1
    # 17/11 .. 27/11: nine working days after Monday 16/11.
    assert figures["oldest_unallocated_working_days"] == 9


def test_a_licence_clock_starts_at_release() -> None:
    person = case(event(date(2025, 1, 10), SentenceType.LICENCE, release=date(2026, 11, 16)))
    assert allocation_figures([person], WEEK, RULES)["due_in_week"] == 1


def test_no_deadline_in_the_week_gives_a_null_percentage() -> None:
    figures = allocation_figures([case(event(OLD))], WEEK, RULES)
    assert figures["due_in_week"] == 0
    assert figures["on_time_pct"] is None


def test_an_allocation_that_ended_before_the_week_end_leaves_the_case_unallocated() -> None:
    person = case(event(OLD), allocations=(AllocationSpan(1, OLD, date(2026, 11, 24), None),))
    assert allocation_figures([person], WEEK, RULES)["unallocated"] == 1


def test_reallocations_and_tier_changes_dated_in_the_week() -> None:
    moved = case(
        event(OLD),
        allocations=(
            AllocationSpan(1, OLD, date(2026, 11, 24)),
            AllocationSpan(2, date(2026, 11, 24), reason="CASELOAD_ADJUSTMENT"),
        ),
        tiers=((OLD, "C2"), (date(2026, 11, 22), "B2"), (date(2026, 11, 28), "A2")),
    )
    first = case(event(date(2026, 11, 23)), allocations=(AllocationSpan(3, date(2026, 11, 24)),))
    figures = allocation_figures([moved, first], WEEK, RULES)
    assert figures["reallocations"] == 1
    assert figures["tier_changes"] == 1


# -- workload -------------------------------------------------------------------------


def held(
    staff: int, tier: str, rosh: Rosh | None, kind: SentenceType = SentenceType.CO
) -> CaseFacts:
    return case(
        event(OLD, kind, release=OLD if kind is SentenceType.LICENCE else None),
        tiers=((OLD, tier),),
        rosh=((OLD, rosh),),
        allocations=(AllocationSpan(staff, OLD),),
    )


def test_capacity_mean_highest_and_over_100_and_110_by_hand() -> None:
    practitioners = [
        PractitionerFacts(1, Grade.PO, 206.0, "North", "Pod 1"),  # A3 community: 206 -> 100%
        PractitionerFacts(2, Grade.PSO, 100.0, "North", "Pod 1"),  # B3 146 -> 146%
        PractitionerFacts(3, Grade.PQIP, 0.0, "South"),  # no available points
    ]
    cases = [held(1, "A3", Rosh.HIGH), held(2, "B3", Rosh.HIGH), held(3, "C1", Rosh.LOW)]
    figures = workload_figures(practitioners, cases, WEEK.ending, DEFAULT_SETTINGS, 5)
    assert figures["practitioners"] == 3
    assert figures["cases"] == 3
    assert figures["workload_points"] == 206 + 146 + 50
    assert figures["mean_capacity_pct"] == 123.0  # (100 + 146) / 2
    assert figures["max_capacity_pct"] == 146.0
    assert figures["over_100"] == 1  # exactly 100% is not over
    assert figures["over_110"] == 1
    assert figures["pso_with_high_rosh"] == 1
    assert figures["po_without_mix"] == 0
    north, south = figures["teams"]
    assert north["team"] == "North" and north["practitioners"] == 2
    assert [p["pod"] for p in north["pods"]] == ["Pod 1"]
    assert south["mean_capacity_pct"] is None and south["pods"][0]["pod"] == "No POD"


def test_a_po_with_five_high_cases_has_no_mix() -> None:
    po = [PractitionerFacts(1, Grade.PO, 5000.0)]
    cases = [held(1, "B2", Rosh.HIGH) for _ in range(5)]
    assert workload_figures(po, cases, WEEK.ending, DEFAULT_SETTINGS, 5)["po_without_mix"] == 1
    assert workload_figures(po, cases[:4], WEEK.ending, DEFAULT_SETTINGS, 5)["po_without_mix"] == 0


def test_a_practitioner_who_left_mid_week_adds_to_nobody() -> None:
    # The services pass only those in post on the as-at day: the leaver is not among them.
    stayer = PractitionerFacts(1, Grade.PO, 1000.0, "North")
    cases = [held(1, "D1", Rosh.LOW), held(2, "A3", Rosh.HIGH)]
    figures = workload_figures([stayer], cases, WEEK.ending, DEFAULT_SETTINGS, 5)
    assert figures["practitioners"] == 1
    assert figures["cases"] == 1
    assert figures["workload_points"] == 29
    assert figures["mean_capacity_pct"] == 2.9


def test_cases_ended_before_the_week_end_are_not_held() -> None:
    po = [PractitionerFacts(1, Grade.PO, 1000.0)]
    ended = case(
        event(OLD, end=date(2026, 11, 25)),
        tiers=((OLD, "A3"),),
        allocations=(AllocationSpan(1, OLD),),
    )
    assert workload_figures(po, [ended], WEEK.ending, DEFAULT_SETTINGS, 5)["cases"] == 0
