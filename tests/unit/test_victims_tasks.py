"""VLO tasks generated from a case's facts, and the idempotent plan.

app/domain/victims_tasks.py and app/domain/victims_plan.py; DOMAIN.md 6, issue 19.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendar import WorkingCalendar
from app.domain.victims import (
    DEFAULT_VICTIM_SETTINGS,
    EligibilityBasis,
    KeyStage,
    SecurityCategory,
    VictimSettings,
)
from app.domain.victims_plan import plan_tasks
from app.domain.victims_task_types import TaskOutcome, TaskStatus, TaskType
from app.domain.victims_tasks import (
    CaseFacts,
    ExistingTask,
    KeyStageEvent,
    TaskPlan,
    VictimFacts,
    annual_letter_must_give,
    task_key,
)

T = TaskType
ENGLAND = WorkingCalendar("england")
S = DEFAULT_VICTIM_SETTINGS
TODAY = date(2026, 11, 25)
REFERRED = date(2026, 3, 2)  # a Monday


def plan(
    case: CaseFacts,
    existing: list[ExistingTask] | None = None,
    as_at: date = TODAY,
    settings: VictimSettings = S,
    calendar: WorkingCalendar = ENGLAND,
) -> TaskPlan:
    return plan_tasks(case, existing or [], as_at, calendar, settings)


def apply(existing: list[ExistingTask], result: TaskPlan) -> list[ExistingTask]:
    """What a service does with a plan: create, cancel and complete."""
    tasks = {t.task_id: t for t in existing}
    for c in result.cancel:
        tasks[c.task_id] = replace(tasks[c.task_id], status=TaskStatus.CANCELLED)
    for c in result.complete:
        tasks[c.task_id] = replace(tasks[c.task_id], status=TaskStatus.COMPLETED, completed_on=c.on)
    next_id = max(tasks, default=0) + 1
    for n, new in enumerate(result.create, start=next_id):
        status = TaskStatus.OPEN if new.completed_on is None else TaskStatus.COMPLETED
        tasks[n] = ExistingTask(
            n, new.task_type, new.victim_id, status, new.due, new.key, new.completed_on
        )
    return list(tasks.values())


def settle(case: CaseFacts, existing: list[ExistingTask] | None = None, **kw) -> list[ExistingTask]:  # type: ignore[no-untyped-def]
    return apply(existing or [], plan(case, existing, **kw))


def done(tasks: list[ExistingTask], kind: TaskType, on: date, victim: int | None = None):  # type: ignore[no-untyped-def]
    """The VLO completes the open task of this kind."""
    return [
        replace(t, status=TaskStatus.COMPLETED, completed_on=on)
        if t.task_type is kind and t.victim_id == victim and t.status is TaskStatus.OPEN
        else t
        for t in tasks
    ]


def open_of(tasks: list[ExistingTask], victim: int | None = ...) -> dict[TaskType, date]:  # type: ignore[assignment]
    return {
        t.task_type: t.due
        for t in tasks
        if t.status is TaskStatus.OPEN and (victim is ... or t.victim_id == victim)
    }


def created(result: TaskPlan) -> dict[TaskType, date]:
    return {t.task_type: t.due for t in result.create}


CASE = CaseFacts(REFERRED, EligibilityBasis.STATUTORY)


# -- referral and offers -----------------------------------------------------------


def test_a_referral_creates_the_eligibility_check_and_the_first_offer_in_20_working_days() -> None:
    result = plan(CASE)
    assert created(result) == {
        T.ELIGIBILITY_CHECK: date(2026, 3, 9),
        T.FIRST_OFFER: date(2026, 3, 30),
    }
    first = next(t for t in result.create if t.task_type is T.FIRST_OFFER)
    assert first.victim_id is None
    assert first.detail == "Send the first offer of contact (referred 02/03/2026)"
    assert first.key == task_key(T.FIRST_OFFER, None, REFERRED)


def test_the_first_offer_deadline_skips_bank_holidays() -> None:
    case = CaseFacts(date(2026, 12, 10), EligibilityBasis.STATUTORY)
    assert created(plan(case))[T.FIRST_OFFER] == date(2027, 1, 12)


def test_each_victim_gets_an_offer_and_the_case_one_eligibility_check() -> None:
    case = replace(CASE, victims=(VictimFacts(1), VictimFacts(2)))
    kinds = sorted((t.task_type.value, t.victim_id or 0) for t in plan(case).create)
    assert kinds == [("ELIGIBILITY_CHECK", 0), ("FIRST_OFFER", 1), ("FIRST_OFFER", 2)]


def test_no_reply_to_the_first_offer_creates_a_second_20_working_days_later() -> None:
    tasks = done(settle(CASE), T.FIRST_OFFER, date(2026, 3, 25))
    result = plan(CASE, tasks)
    # Good Friday 03/04 and Easter Monday 06/04/2026 are bank holidays.
    assert created(result) == {T.SECOND_OFFER: date(2026, 4, 24)}
    assert (
        result.create[0].detail == "No reply to the first offer of 25/03/2026: send a second offer"
    )


def test_no_reply_to_the_second_offer_asks_to_record_the_decision() -> None:
    tasks = done(settle(CASE), T.FIRST_OFFER, date(2026, 3, 25))
    tasks = done(settle(CASE, tasks), T.SECOND_OFFER, date(2026, 4, 24))
    assert created(plan(CASE, tasks)) == {T.RECORD_DECISION: date(2026, 5, 26)}  # after 25/05


def test_a_reply_cancels_the_open_offer_with_the_reason() -> None:
    tasks = done(settle(CASE), T.FIRST_OFFER, date(2026, 3, 25))
    tasks = settle(CASE, tasks)
    replied = replace(CASE, victims=(VictimFacts(opted_in_on=date(2026, 4, 2)),))
    result = plan(replied, tasks)
    second = next(t for t in tasks if t.task_type is T.SECOND_OFFER)
    assert [(c.task_id, c.reason) for c in result.cancel] == [
        (second.task_id, "The victim opted in on 02/04/2026")
    ]


def test_an_imported_first_offer_date_is_recorded_as_a_task_done_then() -> None:
    case = replace(CASE, victims=(VictimFacts(first_offer_on=date(2026, 3, 20)),))
    result = plan(case)
    first = next(t for t in result.create if t.task_type is T.FIRST_OFFER)
    assert first.completed_on == date(2026, 3, 20)
    assert created(result)[T.SECOND_OFFER] == date(2026, 4, 21)  # over Easter


def test_an_imported_first_offer_date_completes_the_open_offer() -> None:
    tasks = settle(CASE)
    case = replace(CASE, victims=(VictimFacts(first_offer_on=date(2026, 3, 20)),))
    result = plan(case, tasks)
    first = next(t for t in tasks if t.task_type is T.FIRST_OFFER)
    assert [(c.task_id, c.on, c.outcome) for c in result.complete] == [
        (first.task_id, date(2026, 3, 20), TaskOutcome.LETTER_SENT)
    ]
    assert created(result) == {T.SECOND_OFFER: date(2026, 4, 21)}


# -- opted in ------------------------------------------------------------------------

JOINED = date(2026, 4, 10)
IN = VictimFacts(1, opted_in_on=JOINED)
RELEASE = date(2027, 6, 15)  # a Tuesday
CUSTODY = replace(
    CASE,
    victims=(IN,),
    expected_release_date=RELEASE,
    security_category=SecurityCategory.C,
)


def test_opting_in_creates_the_release_month_notice_8_weeks_before_and_representations_6() -> None:
    found = created(plan(CUSTODY))
    assert found[T.RELEASE_MONTH_NOTICE] == date(2027, 4, 20)
    assert found[T.LICENCE_REPRESENTATIONS] == date(2027, 5, 4)
    notice = next(t for t in plan(CUSTODY).create if t.task_type is T.RELEASE_MONTH_NOTICE)
    assert notice.detail == "Tell the victim the expected month of release: June 2027"
    assert T.FIRST_OFFER not in found  # the victim has replied


def test_weeks_before_a_release_roll_back_over_easter_to_a_working_day() -> None:
    # 8 weeks before Monday 24/05/2027 is Easter Monday 29/03/2027; Good Friday is 26/03.
    case = replace(CUSTODY, expected_release_date=date(2027, 5, 24))
    assert created(plan(case))[T.RELEASE_MONTH_NOTICE] == date(2027, 3, 25)


def test_a_late_opt_in_is_not_given_a_task_due_before_it() -> None:
    late = replace(CUSTODY, victims=(VictimFacts(1, opted_in_on=date(2027, 6, 1)),))
    found = created(plan(late, as_at=date(2027, 6, 1)))
    assert found[T.RELEASE_MONTH_NOTICE] == date(2027, 6, 8)  # 5 working days after opting in
    assert found[T.LICENCE_REPRESENTATIONS] == date(2027, 6, 8)


def test_the_annual_letter_falls_on_the_anniversary_and_gives_the_security_category() -> None:
    letters = [t for t in plan(CUSTODY).create if t.task_type is T.ANNUAL_LETTER]
    assert [t.due for t in letters] == [date(2027, 4, 12)]  # 10/04/2027 is a Saturday
    assert letters[0].detail == (
        "Send the annual letter; it must give the security category: Category C"
    )


def test_the_annual_letter_asks_for_the_category_when_none_is_recorded() -> None:
    assert annual_letter_must_give(replace(CUSTODY, security_category=None)) == (
        "Send the annual letter; it must give the security category, not recorded yet"
    )
    hospital = replace(CUSTODY, basis=EligibilityBasis.HOSPITAL_RESTRICTED)
    assert annual_letter_must_give(hospital) == "Send the annual letter"


def test_a_long_opted_in_victim_gets_last_year_s_letter_and_the_next_not_a_backlog() -> None:
    case = replace(CUSTODY, victims=(VictimFacts(1, opted_in_on=date(2023, 4, 10)),))
    letters = [t.key for t in plan(case).create if t.task_type is T.ANNUAL_LETTER]
    assert letters == [
        task_key(T.ANNUAL_LETTER, 1, date(2026, 4, 10)),
        task_key(T.ANNUAL_LETTER, 1, date(2027, 4, 10)),
    ]


def test_next_year_s_letter_appears_as_the_year_turns_and_old_ones_stay() -> None:
    tasks = settle(CUSTODY)
    later = date(2027, 4, 15)
    tasks = done(tasks, T.ANNUAL_LETTER, date(2027, 4, 12), victim=1)
    result = plan(CUSTODY, tasks, as_at=later)
    assert [t.due for t in result.create if t.task_type is T.ANNUAL_LETTER] == [date(2028, 4, 10)]
    assert result.cancel == ()


def test_no_annual_letter_after_the_licence_ends() -> None:
    case = replace(CUSTODY, licence_end_date=date(2027, 3, 1))
    assert T.ANNUAL_LETTER not in created(plan(case))


# -- parole ------------------------------------------------------------------------

REVIEW = date(2027, 3, 1)  # a Monday
PAROLE = replace(CUSTODY, parole_review_date=REVIEW)


def test_a_parole_review_creates_the_vps_invitation_representations_and_the_decision() -> None:
    found = created(plan(PAROLE))
    assert found[T.PAROLE_VPS_INVITATION] == date(2026, 12, 7)
    assert found[T.LICENCE_REPRESENTATIONS] == date(2027, 1, 18)
    assert found[T.PAROLE_DECISION] == date(2027, 3, 22)
    reps = [t for t in plan(PAROLE).create if t.task_type is T.LICENCE_REPRESENTATIONS]
    assert [t.key for t in reps] == [task_key(T.LICENCE_REPRESENTATIONS, 1, REVIEW)]


def test_the_enhanced_opt_in_contacts_an_opted_out_victim_twice() -> None:
    out = VictimFacts(2, opted_out_on=date(2026, 4, 1))
    case = replace(PAROLE, enhanced_parole=True, victims=(IN, out))
    contacts = [t for t in plan(case).create if t.victim_id == 2]
    assert [(t.task_type, t.due) for t in contacts] == [
        (T.ENHANCED_PAROLE_CONTACT, date(2026, 11, 9)),
        (T.ENHANCED_PAROLE_CONTACT, date(2026, 12, 7)),
    ]
    assert contacts[0].detail == (
        "Parole review on 01/03/2027: first of two enhanced opt-in contacts, "
        "although the victim opted out"
    )


def test_without_the_enhanced_opt_in_an_opted_out_victim_gets_nothing() -> None:
    out = VictimFacts(2, opted_out_on=date(2026, 4, 1))
    case = replace(PAROLE, victims=(IN, out))
    assert [t for t in plan(case).create if t.victim_id == 2] == []


def test_a_moved_parole_review_cancels_the_old_tasks_and_creates_new_ones() -> None:
    tasks = settle(PAROLE)
    tasks = done(tasks, T.PAROLE_VPS_INVITATION, date(2026, 12, 1), victim=1)
    moved = replace(PAROLE, parole_review_date=date(2027, 6, 7))
    result = plan(moved, tasks)
    cancelled = {t.task_type for t in tasks if t.task_id in {c.task_id for c in result.cancel}}
    assert cancelled == {T.LICENCE_REPRESENTATIONS, T.PAROLE_DECISION}
    assert {c.reason for c in result.cancel} == {
        "The date it was due from has changed or been removed"
    }
    assert created(result)[T.PAROLE_VPS_INVITATION] == date(2027, 3, 15)


# -- release, key stages, licence end, closure ----------------------------------------


def test_release_creates_the_notification_and_ends_the_release_tasks() -> None:
    tasks = settle(CUSTODY)
    released = replace(CUSTODY, released_on=date(2027, 6, 15))
    result = plan(released, tasks)
    assert created(result) == {T.KEY_STAGE_NOTIFICATION: date(2027, 6, 22)}
    assert result.create[0].detail == "Tell the victim of the release on 15/06/2027"
    cancelled = {t.task_type for t in tasks if t.task_id in {c.task_id for c in result.cancel}}
    assert cancelled == {T.RELEASE_MONTH_NOTICE, T.LICENCE_REPRESENTATIONS}


def test_licence_end_creates_the_notification_and_the_closure() -> None:
    case = replace(CUSTODY, licence_end_date=date(2029, 6, 14))
    found = {(t.task_type, t.due) for t in plan(case).create}
    assert (T.KEY_STAGE_NOTIFICATION, date(2029, 6, 21)) in found
    assert (T.CASE_CLOSURE, date(2029, 7, 12)) in found


def test_a_sentence_end_without_a_licence_closes_the_case() -> None:
    case = replace(CASE, sentence_end_date=date(2027, 1, 8))
    closure = next(t for t in plan(case).create if t.task_type is T.CASE_CLOSURE)
    assert closure.detail == "Close the case: the sentence ends on 08/01/2027"
    assert closure.due == date(2027, 2, 5)


def test_key_stages_after_opting_in_are_notified_and_earlier_ones_are_not() -> None:
    stages = (
        KeyStageEvent(KeyStage.OPEN_CONDITIONS, date(2026, 3, 1)),
        KeyStageEvent(KeyStage.HOME_DETENTION_CURFEW, date(2026, 12, 24)),
    )
    notes = [
        t
        for t in plan(replace(CUSTODY, key_stages=stages)).create
        if t.task_type is T.KEY_STAGE_NOTIFICATION
    ]
    assert [(t.due, t.detail) for t in notes] == [
        (date(2027, 1, 5), "Tell the victim of the home detention curfew on 24/12/2026")
    ]


def test_closing_the_case_completes_the_closure_and_cancels_the_rest() -> None:
    case = replace(CUSTODY, licence_end_date=date(2029, 6, 14))
    tasks = settle(case)
    result = plan(replace(case, closed_on=date(2029, 7, 1)), tasks)
    closure = next(t for t in tasks if t.task_type is T.CASE_CLOSURE)
    assert [(c.task_id, c.on) for c in result.complete] == [(closure.task_id, date(2029, 7, 1))]
    still_open = [t for t in tasks if t.status is TaskStatus.OPEN and t is not closure]
    assert {c.task_id for c in result.cancel} == {t.task_id for t in still_open}
    assert {c.reason for c in result.cancel} == {"The case closed on 01/07/2029"}
    assert result.create == ()


# -- opting out and back in -----------------------------------------------------------


def test_opting_out_cancels_the_victim_s_open_tasks_except_the_enhanced_contacts() -> None:
    case = replace(PAROLE, enhanced_parole=True)
    tasks = settle(case)
    manual = ExistingTask(99, T.KEY_STAGE_NOTIFICATION, 1, TaskStatus.OPEN, date(2026, 12, 1))
    tasks.append(manual)
    out = replace(case, victims=(replace(IN, opted_out_on=date(2026, 11, 20)),))
    result = plan(out, tasks)
    cancelled = {c.task_id for c in result.cancel}
    victim_open = {t.task_id for t in tasks if t.victim_id == 1 and t.status is TaskStatus.OPEN}
    assert cancelled == victim_open  # the one added by hand too
    assert {c.reason for c in result.cancel} == {"The victim opted out on 20/11/2026"}
    assert created(result) == {T.ENHANCED_PAROLE_CONTACT: date(2026, 12, 7)}
    after = apply(tasks, result)
    assert set(open_of(after, victim=None)) == {T.ELIGIBILITY_CHECK}


def test_opting_back_in_recreates_what_is_due_and_not_what_was_done() -> None:
    tasks = settle(CUSTODY)
    tasks = done(tasks, T.LICENCE_REPRESENTATIONS, date(2026, 6, 1), victim=1)
    out = replace(CUSTODY, victims=(replace(IN, opted_out_on=date(2026, 7, 1)),))
    tasks = settle(out, tasks)
    assert open_of(tasks, victim=1) == {}
    back = replace(
        CUSTODY, victims=(replace(IN, opted_out_on=date(2026, 7, 1), opted_in_on=date(2026, 9, 7)),)
    )
    result = plan(back, tasks)
    found = created(result)
    assert found[T.RELEASE_MONTH_NOTICE] == date(2027, 4, 20)
    assert T.LICENCE_REPRESENTATIONS not in found  # done before opting out
    assert [t.key for t in result.create if t.task_type is T.ANNUAL_LETTER] == [
        task_key(T.ANNUAL_LETTER, 1, date(2027, 9, 7))  # a year from opting back in
    ]
    assert plan(back, apply(tasks, result)).is_empty


def test_the_case_s_own_record_gives_way_to_the_first_victim_entered() -> None:
    tasks = settle(CASE)
    entered = replace(CASE, victims=(VictimFacts(5),))
    result = plan(entered, tasks)
    assert {c.reason for c in result.cancel} == {"The victim is no longer recorded on this case"}
    assert [(t.task_type, t.victim_id) for t in result.create] == [(T.FIRST_OFFER, 5)]


def test_a_duplicate_open_task_is_cancelled() -> None:
    tasks = settle(CASE)
    first = next(t for t in tasks if t.task_type is T.FIRST_OFFER)
    tasks.append(replace(first, task_id=50))
    result = plan(CASE, tasks)
    assert [(c.task_id, c.reason) for c in result.cancel] == [(50, "The same task is already open")]


def test_offsets_are_the_settings_given() -> None:
    own = replace(S, vcs_first_offer_working_days=10, vcs_eligibility_check_working_days=1)
    assert created(plan(CASE, settings=own)) == {
        T.ELIGIBILITY_CHECK: date(2026, 3, 3),
        T.FIRST_OFFER: date(2026, 3, 16),
    }


# -- properties: idempotent, never duplicated, always on working days -----------------

day = st.dates(date(2024, 1, 1), date(2030, 12, 31))
maybe_day = st.one_of(st.none(), day)
victims = st.lists(
    st.builds(
        VictimFacts, st.one_of(st.none(), st.integers(1, 4)), maybe_day, maybe_day, maybe_day
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda v: v.victim_id,
)
cases = st.builds(
    CaseFacts,
    day,
    st.sampled_from(list(EligibilityBasis)),
    st.booleans(),
    victims.map(tuple),
    maybe_day,
    maybe_day,
    maybe_day,
    maybe_day,
    maybe_day,
    st.one_of(st.none(), st.sampled_from(list(SecurityCategory))),
    st.lists(st.builds(KeyStageEvent, st.sampled_from(list(KeyStage)), day), max_size=3).map(tuple),
    st.one_of(st.none(), day),
)


@given(cases, day, st.lists(st.integers(0, 40), max_size=6))
def test_applying_a_plan_then_planning_again_changes_nothing(
    case: CaseFacts, as_at: date, completed: list[int]
) -> None:
    tasks = settle(case, as_at=as_at)
    # The VLO completes some tasks; the plan after that settles in one step too.
    open_ids = [t.task_id for t in tasks if t.status is TaskStatus.OPEN]
    chosen = {open_ids[i % len(open_ids)] for i in completed} if open_ids else set()
    tasks = [
        replace(t, status=TaskStatus.COMPLETED, completed_on=t.due) if t.task_id in chosen else t
        for t in tasks
    ]
    tasks = settle(case, tasks, as_at=as_at)
    assert plan(case, tasks, as_at=as_at).is_empty
    held = [t.key for t in tasks if t.status is not TaskStatus.CANCELLED and t.key]
    assert len(held) == len(set(held))


@given(cases, day)
def test_every_task_created_is_due_on_a_working_day_and_has_a_unique_key(
    case: CaseFacts, as_at: date
) -> None:
    result = plan(case, as_at=as_at)
    keys = [t.key for t in result.create]
    assert len(keys) == len(set(keys))
    for task in result.create:
        assert ENGLAND.is_working_day(task.due), task
        assert task.detail
        assert (task.victim_id is None) or not task.task_type.is_case_level


@given(cases, day)
def test_after_settling_an_opted_out_victim_holds_only_enhanced_contacts(
    case: CaseFacts, as_at: date
) -> None:
    tasks = settle(case, as_at=as_at)
    waiting_for_reply = {
        T.FIRST_OFFER,
        T.SECOND_OFFER,
        T.RECORD_DECISION,
        T.ENHANCED_PAROLE_CONTACT,
    }
    for v in case.victims:
        kinds = {
            t.task_type
            for t in tasks
            if t.victim_id == v.victim_id
            and t.status is TaskStatus.OPEN
            and not t.task_type.is_case_level
        }
        if case.closed_on is not None:
            assert kinds == set()
        elif v.opted_out:
            assert kinds <= {T.ENHANCED_PAROLE_CONTACT}
        if v.opted_in:
            assert not kinds & waiting_for_reply


@given(cases, day, st.integers(1, 800))
def test_time_passing_only_adds_annual_letters(case: CaseFacts, as_at: date, later: int) -> None:
    tasks = settle(case, as_at=as_at)
    result = plan(case, tasks, as_at=as_at + timedelta(days=later))
    assert result.cancel == () and result.complete == ()
    assert {t.task_type for t in result.create} <= {T.ANNUAL_LETTER}
