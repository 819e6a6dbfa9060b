"""Booking checks and outcome checks (app/domain/unpaid_work_booking.py, DOMAIN.md 5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendar import WorkingCalendar
from app.domain.codes import Gender, Rosh
from app.domain.unpaid_work import DEFAULT_UNPAID_WORK_SETTINGS, Outcome, ProjectType
from app.domain.unpaid_work_booking import (
    BookingRule,
    PersonFacts,
    ProjectFacts,
    SessionFacts,
    Severity,
    booking_warnings,
    outcome_problem,
    practitioner_notice_due,
    refusals,
    session_warnings,
    worst,
)

DAY = date(2026, 11, 28)  # a Saturday
CANAL = ProjectFacts(1, "Canal clearance", ProjectType.GROUP)
SESSION = SessionFacts(10, CANAL, DAY, time(9), time(16), places=3, supervisor_id=7)


def man(n: int, **kw: object) -> PersonFacts:
    return PersonFacts(n, f"Man {n}", gender=Gender.MALE, **kw)  # type: ignore[arg-type]


def woman(n: int, **kw: object) -> PersonFacts:
    return PersonFacts(n, f"Woman {n}", gender=Gender.FEMALE, **kw)  # type: ignore[arg-type]


def rules(warnings: list) -> list[BookingRule]:  # type: ignore[type-arg]
    return [w.rule for w in warnings]


def test_a_well_formed_session_has_no_warnings() -> None:
    assert session_warnings(SESSION, [man(1), man(2)]) == []


def test_a_session_without_a_supervisor_is_flagged_but_bookings_are_not_stopped() -> None:
    bare = replace(SESSION, supervisor_id=None)
    warnings = session_warnings(bare, [])
    assert rules(warnings) == [BookingRule.NO_SUPERVISOR]
    assert warnings[0].message == "No supervisor is assigned to this session"
    assert warnings[0].severity is Severity.NOTICE
    assert booking_warnings(bare, man(1), []) == []


def test_over_capacity_asks_for_a_reason() -> None:
    full = [man(1), man(2), man(3)]
    assert session_warnings(SESSION, full) == []
    warnings = booking_warnings(SESSION, man(4), full)
    assert rules(warnings) == [BookingRule.OVER_CAPACITY]
    assert warnings[0].message == "4 people are booked for 3 places"
    assert worst(warnings) is Severity.NEEDS_REASON
    assert rules(session_warnings(SESSION, [*full, man(4)])) == [BookingRule.OVER_CAPACITY]


def test_a_woman_alone_in_an_all_male_group_without_consent_is_refused() -> None:
    warnings = booking_warnings(SESSION, woman(9), [man(1), man(2)])
    assert rules(warnings) == [BookingRule.ALL_MALE_GROUP]
    assert warnings[0].message == (
        "Woman 9 would be the only woman in an all-male group and has not recorded her "
        "consent to it"
    )
    assert warnings[0].person_id == 9
    assert refusals(warnings) == warnings


def test_her_recorded_consent_allows_the_booking() -> None:
    assert booking_warnings(SESSION, woman(9, all_male_group_consent=True), [man(1)]) == []


def test_booking_a_man_into_a_group_with_one_woman_breaks_the_rule_for_her() -> None:
    warnings = booking_warnings(SESSION, man(2), [woman(9)])
    assert rules(warnings) == [BookingRule.ALL_MALE_GROUP]
    assert warnings[0].person_id == 9


def test_two_women_or_an_unknown_gender_are_not_an_all_male_group() -> None:
    assert booking_warnings(SESSION, woman(9), [man(1), woman(8)]) == []
    assert booking_warnings(SESSION, woman(9), [man(1), PersonFacts(3, "Someone")]) == []
    assert booking_warnings(SESSION, woman(9), []) == []


def test_the_all_male_rule_is_for_groups_and_inductions_not_individual_or_women_only() -> None:
    for kind, applies in (
        (ProjectType.GROUP, True),
        (ProjectType.INDUCTION, True),
        (ProjectType.INDIVIDUAL, False),
        (ProjectType.ETE, False),
    ):
        session = replace(SESSION, project=replace(CANAL, project_type=kind))
        assert bool(booking_warnings(session, woman(9), [man(1)])) is applies


def test_a_man_is_refused_on_a_women_only_project() -> None:
    women_only = replace(SESSION, project=replace(CANAL, name="Garden", women_only=True))
    warnings = booking_warnings(women_only, man(1), [woman(9)])
    assert rules(warnings) == [BookingRule.WOMEN_ONLY]
    assert warnings[0].message == "Man 1 is a man and Garden is for women only"
    assert booking_warnings(women_only, woman(8), [woman(9)]) == []


@pytest.mark.parametrize("rosh", [Rosh.HIGH, Rosh.VERY_HIGH])
def test_high_rosh_only_on_projects_marked_suitable(rosh: Rosh) -> None:
    warnings = booking_warnings(SESSION, man(1, rosh=rosh), [])
    assert rules(warnings) == [BookingRule.HIGH_ROSH]
    assert warnings[0].message == (
        f"Man 1 is {rosh.label} RoSH and Canal clearance is not marked suitable for high RoSH"
    )
    assert worst(warnings) is Severity.REFUSED
    suitable = replace(SESSION, project=replace(CANAL, high_rosh_suitable=True))
    assert booking_warnings(suitable, man(1, rosh=rosh), []) == []


@pytest.mark.parametrize("rosh", [None, Rosh.LOW, Rosh.MEDIUM])
def test_other_rosh_levels_go_anywhere(rosh: Rosh | None) -> None:
    assert booking_warnings(SESSION, man(1, rosh=rosh), []) == []


def test_a_second_session_on_the_same_day_asks_for_a_reason_and_overlapping_is_refused() -> None:
    evening = SessionFacts(
        11, replace(CANAL, name="Evening litter pick"), DAY, time(17), time(20), 5
    )
    warnings = booking_warnings(SESSION, man(1), [], [evening])
    assert rules(warnings) == [BookingRule.BOOKED_TWICE]
    assert (
        warnings[0].message
        == "Man 1 is also booked on Evening litter pick on 28/11/2026, 17:00-20:00"
    )
    assert worst(warnings) is Severity.NEEDS_REASON
    lunch = replace(evening, start=time(12), end=time(14))
    assert rules(booking_warnings(SESSION, man(1), [], [lunch])) == [BookingRule.OVERLAPPING]
    other_day = replace(evening, day=date(2026, 11, 29))
    assert booking_warnings(SESSION, man(1), [], [other_day]) == []


def test_the_grid_cell_lists_every_problem_of_the_session() -> None:
    bare = replace(SESSION, supervisor_id=None, places=2)
    evening = SessionFacts(11, CANAL, DAY, time(17), time(20), 5)
    booked = [man(1, rosh=Rosh.HIGH), man(2), woman(3)]
    warnings = session_warnings(bare, booked, {2: [evening]})
    assert rules(warnings) == [
        BookingRule.NO_SUPERVISOR,
        BookingRule.OVER_CAPACITY,
        BookingRule.HIGH_ROSH,
        BookingRule.BOOKED_TWICE,
        BookingRule.ALL_MALE_GROUP,
    ]


def test_booking_someone_already_on_the_session_changes_nothing() -> None:
    assert booking_warnings(SESSION, man(1), [man(1), man(2), man(3)]) == []


def test_every_rule_has_a_label_and_a_severity() -> None:
    for rule in BookingRule:
        assert rule.label and rule.severity in Severity
    assert worst([]) is None


@given(
    st.lists(
        st.builds(
            PersonFacts,
            st.integers(1, 8),
            st.just("Someone"),
            st.one_of(st.none(), st.sampled_from(list(Gender))),
            st.one_of(st.none(), st.sampled_from(list(Rosh))),
            st.booleans(),
        ),
        unique_by=lambda p: p.person_id,
        max_size=8,
    ),
    st.integers(1, 8),
)
def test_adding_a_booking_s_warnings_to_the_session_s_gives_the_session_after(
    people: list[PersonFacts], places: int
) -> None:
    """What booking_warnings reports is what the grid shows newly once booked.

    Over capacity is the exception: every booking beyond the places asks again.
    """
    if not people:
        return
    *booked, person = people
    session = replace(SESSION, places=places)
    before = {(w.rule, w.person_id) for w in session_warnings(session, booked)}
    after = {(w.rule, w.person_id) for w in session_warnings(session, [*booked, person])}
    new = {(w.rule, w.person_id) for w in booking_warnings(session, person, booked)}
    over = (BookingRule.OVER_CAPACITY, None)
    assert (over in new) == (len(people) > places)
    assert new - {over} == after - before - {over}


# -- outcomes ----------------------------------------------------------------------

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize("outcome", list(Outcome))
def test_a_future_session_takes_only_acceptable_absences(outcome: Outcome) -> None:
    problem = outcome_problem(outcome, date(2026, 11, 28), TODAY)
    assert (problem is None) is outcome.acceptable_absence
    assert outcome_problem(outcome, TODAY, TODAY) is None
    assert outcome_problem(outcome, date(2026, 11, 21), TODAY) is None


def test_the_future_outcome_refusal_is_in_words() -> None:
    assert outcome_problem(Outcome.ATTC, date(2026, 11, 28), TODAY) == (
        "The session on 28/11/2026 has not happened yet: only an acceptable absence can be "
        "recorded ahead, not attended: complied"
    )


def test_enforceable_outcomes_are_passed_on_by_the_next_business_day() -> None:
    england = WorkingCalendar("england")
    s = DEFAULT_UNPAID_WORK_SETTINGS
    assert practitioner_notice_due(Outcome.UACP, date(2026, 11, 28), england, s) == date(
        2026, 11, 30
    )
    assert practitioner_notice_due(Outcome.AFTC, date(2026, 12, 24), england, s) == date(
        2026, 12, 29
    )
    assert practitioner_notice_due(Outcome.ATSH, date(2026, 11, 25), england, s) == date(
        2026, 11, 26
    )
    for outcome in Outcome:
        due = practitioner_notice_due(outcome, date(2026, 11, 25), england, s)
        assert (due is not None) is outcome.enforceable
