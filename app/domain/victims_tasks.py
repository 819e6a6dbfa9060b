"""The VLO's tasks a VCS case's facts call for (DOMAIN.md 6), and the plan's types.

:func:`tasks_wanted` is a pure function of a case's facts and its task history;
:func:`app.domain.victims_plan.plan_tasks` compares what it wants with the
tasks the case has and says what to create, cancel and complete.

Each generated task carries a **key** (type, victim, the date it hangs on and,
for some, a part) that names what it is for; the service stores it with the
task. Tasks a VLO adds by hand have no key.

Events and their tasks (due dates in working days with bank holidays, weeks
before an event rolled back to a working day; every offset a setting):
- a referral: the eligibility check (5 working days) and, for each victim
  who has not replied, the first offer (20 working days after referral);
- a first offer with no reply: the second offer (20 after the first); a
  second with no reply: record the decision (20 after the second);
- opting in: the release-month notice (8 weeks before the expected release),
  representations on licence conditions (6 weeks before release, or before
  the parole review when there is one), and the annual letter on each
  anniversary of opting in, which must give the security category;
- a parole review date: the VPS invitation (12 weeks before), the
  representations, and passing on the decision (15 working days after); for a
  case qualifying for the enhanced opt-in, two contacts (16 and 12 weeks
  before) for each victim not opted in, including those who opted out;
- release, licence end and other key stages: the notification (5 working
  days after) for each opted-in victim; sentence or licence end: the
  closure (20 working days after).
An opted-out victim is wanted for nothing but the enhanced parole contacts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.calendar import WorkingCalendar
from app.domain.parsing import format_date
from app.domain.victims import EligibilityBasis, KeyStage, SecurityCategory, VictimSettings
from app.domain.victims_task_types import TaskOutcome, TaskStatus, TaskType
from app.domain.workload import add_months


@dataclass(frozen=True)
class KeyStageEvent:
    stage: KeyStage
    on: date


@dataclass(frozen=True)
class VictimFacts:
    """One victim's contact state. ``victim_id`` None stands for the case's own record
    while no victim has been entered (the import's case-level opt-in dates)."""

    victim_id: int | None = None
    opted_in_on: date | None = None
    opted_out_on: date | None = None
    first_offer_on: date | None = None

    @property
    def opted_in(self) -> bool:
        """In the scheme now: opted in, and not opted out since."""
        if self.opted_in_on is None:
            return False
        return self.opted_out_on is None or self.opted_in_on > self.opted_out_on

    @property
    def opted_out(self) -> bool:
        return self.opted_out_on is not None and not self.opted_in

    @property
    def replied(self) -> bool:
        return self.opted_in_on is not None or self.opted_out_on is not None


@dataclass(frozen=True)
class CaseFacts:
    """What the task rules need of one VCS case; no victim's name or contact details."""

    referral_date: date
    basis: EligibilityBasis
    enhanced_parole: bool = False
    victims: tuple[VictimFacts, ...] = (VictimFacts(),)
    expected_release_date: date | None = None
    released_on: date | None = None
    parole_review_date: date | None = None
    licence_end_date: date | None = None
    sentence_end_date: date | None = None
    security_category: SecurityCategory | None = None
    key_stages: tuple[KeyStageEvent, ...] = ()
    closed_on: date | None = None

    @property
    def closure_from(self) -> date | None:
        """The case closes at licence end, or at sentence end without a licence."""
        return self.licence_end_date or self.sentence_end_date

    def stages(self) -> list[KeyStageEvent]:
        """Every key stage: those recorded, the release and the licence end."""
        found = list(self.key_stages)
        if self.released_on is not None:
            found.append(KeyStageEvent(KeyStage.RELEASE, self.released_on))
        if self.licence_end_date is not None:
            found.append(KeyStageEvent(KeyStage.LICENCE_END, self.licence_end_date))
        return found


def task_key(task_type: TaskType, victim_id: int | None, anchor: date, part: str = "") -> str:
    """The stable name of what a generated task is for, e.g. ``ANNUAL_LETTER|12|2027-05-01|``."""
    who = "case" if victim_id is None else str(victim_id)
    return f"{task_type.value}|{who}|{anchor.isoformat()}|{part}"


@dataclass(frozen=True)
class ExistingTask:
    task_id: int
    task_type: TaskType
    victim_id: int | None
    status: TaskStatus
    due: date
    key: str | None = None
    completed_on: date | None = None


@dataclass(frozen=True)
class NewTask:
    """A task to create; ``completed_on`` set means already done on a date an import gave."""

    key: str
    task_type: TaskType
    victim_id: int | None
    due: date
    detail: str
    completed_on: date | None = None


@dataclass(frozen=True)
class Cancellation:
    task_id: int
    reason: str


@dataclass(frozen=True)
class Completion:
    task_id: int
    on: date
    outcome: TaskOutcome


@dataclass(frozen=True)
class TaskPlan:
    create: tuple[NewTask, ...] = ()
    cancel: tuple[Cancellation, ...] = ()
    complete: tuple[Completion, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.create or self.cancel or self.complete)


class TaskDates:
    """Working-day arithmetic with the settings in force."""

    def __init__(self, calendar: WorkingCalendar, settings: VictimSettings) -> None:
        self.calendar, self.s = calendar, settings

    def after(self, day: date, working_days: int) -> date:
        return self.calendar.add_working_days(day, working_days)

    def weeks_before(self, event: date, weeks: int, not_before: date | None = None) -> date:
        """``weeks`` before ``event`` on a working day, but never before ``not_before``."""
        day = event - timedelta(weeks=weeks)
        if not self.calendar.is_working_day(day):
            day = self.calendar.subtract_working_days(day, 1)
        return day if not_before is None else max(day, not_before)

    def on_or_after(self, day: date) -> date:
        return self.calendar.working_day_on_or_after(day)


def _when(day: date) -> str:
    return format_date(day)


def annual_letter_must_give(case: CaseFacts) -> str:
    """What the annual letter must say of the prisoner's security category (TOM)."""
    if case.basis.is_hospital_order:
        return "Send the annual letter"
    if case.security_category is None:
        return "Send the annual letter; it must give the security category, not recorded yet"
    category = case.security_category.label
    return f"Send the annual letter; it must give the security category: {category}"


# -- the tasks the facts call for ---------------------------------------------------


def _case_tasks(case: CaseFacts, d: TaskDates) -> Iterator[NewTask]:
    s, referral = d.s, case.referral_date
    yield NewTask(
        task_key(TaskType.ELIGIBILITY_CHECK, None, referral),
        TaskType.ELIGIBILITY_CHECK,
        None,
        d.after(referral, s.vcs_eligibility_check_working_days),
        f"Check the referral of {_when(referral)} is eligible: {case.basis.label.lower()}",
    )
    closes = case.closure_from
    if closes is not None:
        what = "licence ends" if case.licence_end_date else "sentence ends"
        yield NewTask(
            task_key(TaskType.CASE_CLOSURE, None, closes),
            TaskType.CASE_CLOSURE,
            None,
            d.after(closes, s.vcs_closure_working_days),
            f"Close the case: the {what} on {_when(closes)}",
        )


def _offer_tasks(
    v: VictimFacts, case: CaseFacts, history: Sequence[ExistingTask], d: TaskDates
) -> Iterator[NewTask]:
    s, vid, referral = d.s, v.victim_id, case.referral_date
    first = v.first_offer_on or _last_done(history, TaskType.FIRST_OFFER, vid)
    if first is not None or not v.replied:
        yield NewTask(
            task_key(TaskType.FIRST_OFFER, vid, referral),
            TaskType.FIRST_OFFER,
            vid,
            d.after(referral, s.vcs_first_offer_working_days),
            f"Send the first offer of contact (referred {_when(referral)})",
            completed_on=v.first_offer_on,
        )
    if v.replied or first is None:
        return
    yield NewTask(
        task_key(TaskType.SECOND_OFFER, vid, first),
        TaskType.SECOND_OFFER,
        vid,
        d.after(first, s.vcs_second_offer_working_days),
        f"No reply to the first offer of {_when(first)}: send a second offer",
    )
    second = _last_done(history, TaskType.SECOND_OFFER, vid)
    if second is not None:
        yield NewTask(
            task_key(TaskType.RECORD_DECISION, vid, second),
            TaskType.RECORD_DECISION,
            vid,
            d.after(second, s.vcs_reply_working_days),
            f"No reply to the second offer of {_when(second)}: record the victim's decision",
        )


def _release_tasks(
    v: VictimFacts, case: CaseFacts, d: TaskDates, joined: date
) -> Iterator[NewTask]:
    s, vid, release = d.s, v.victim_id, case.expected_release_date
    if release is None or case.released_on is not None:
        return
    yield NewTask(
        task_key(TaskType.RELEASE_MONTH_NOTICE, vid, release),
        TaskType.RELEASE_MONTH_NOTICE,
        vid,
        d.weeks_before(release, s.vcs_release_notice_weeks_before, joined),
        f"Tell the victim the expected month of release: {release:%B %Y}",
    )
    if case.parole_review_date is None:
        yield NewTask(
            task_key(TaskType.LICENCE_REPRESENTATIONS, vid, release),
            TaskType.LICENCE_REPRESENTATIONS,
            vid,
            d.weeks_before(release, s.vcs_release_representations_weeks_before, joined),
            f"Take the victim's representations on licence conditions before the release "
            f"expected on {_when(release)}",
        )


def _parole_tasks(v: VictimFacts, case: CaseFacts, d: TaskDates, joined: date) -> Iterator[NewTask]:
    s, vid, review = d.s, v.victim_id, case.parole_review_date
    if review is None:
        return
    on = _when(review)
    yield NewTask(
        task_key(TaskType.PAROLE_VPS_INVITATION, vid, review),
        TaskType.PAROLE_VPS_INVITATION,
        vid,
        d.weeks_before(review, s.vcs_vps_invitation_weeks_before, joined),
        f"Invite a Victim Personal Statement for the parole review on {on}",
    )
    yield NewTask(
        task_key(TaskType.LICENCE_REPRESENTATIONS, vid, review),
        TaskType.LICENCE_REPRESENTATIONS,
        vid,
        d.weeks_before(review, s.vcs_parole_representations_weeks_before, joined),
        f"Take the victim's representations on licence conditions for the parole review on {on}",
    )
    yield NewTask(
        task_key(TaskType.PAROLE_DECISION, vid, review),
        TaskType.PAROLE_DECISION,
        vid,
        d.after(review, s.vcs_parole_decision_working_days),
        f"Pass on the Parole Board's decision from the review on {on}",
    )


def _enhanced_tasks(v: VictimFacts, case: CaseFacts, d: TaskDates) -> Iterator[NewTask]:
    review = case.parole_review_date
    if review is None or not case.enhanced_parole or v.opted_in:
        return
    weeks = (
        d.s.vcs_enhanced_first_contact_weeks_before,
        d.s.vcs_enhanced_second_contact_weeks_before,
    )
    though = ", although the victim opted out" if v.opted_out else ""
    for n, before in enumerate(weeks, start=1):
        which = "first" if n == 1 else "second"
        yield NewTask(
            task_key(TaskType.ENHANCED_PAROLE_CONTACT, v.victim_id, review, str(n)),
            TaskType.ENHANCED_PAROLE_CONTACT,
            v.victim_id,
            d.weeks_before(review, before),
            f"Parole review on {_when(review)}: {which} of two enhanced opt-in contacts{though}",
        )


def _stage_tasks(v: VictimFacts, case: CaseFacts, d: TaskDates, joined: date) -> Iterator[NewTask]:
    for event in case.stages():
        if event.on < joined:
            continue  # told of the state of things on joining
        yield NewTask(
            task_key(TaskType.KEY_STAGE_NOTIFICATION, v.victim_id, event.on, event.stage.value),
            TaskType.KEY_STAGE_NOTIFICATION,
            v.victim_id,
            d.after(event.on, d.s.vcs_key_stage_working_days),
            f"Tell the victim of the {event.stage.label.lower()} on {_when(event.on)}",
        )


def anniversaries(opted_in_on: date, months: int, until: date | None, horizon: date) -> list[date]:
    """Each anniversary of opting in up to ``horizon`` (and the case's closure, if known)."""
    found, n = [], 1
    while (day := add_months(opted_in_on, months * n)) <= horizon:
        if until is not None and day > until:
            break
        found.append(day)
        n += 1
    return found


def _annual_tasks(
    v: VictimFacts, case: CaseFacts, d: TaskDates, first: date, last: date
) -> Iterator[NewTask]:
    """Annual letters for the anniversaries from ``first`` to ``last``."""
    assert v.opted_in_on is not None
    for day in anniversaries(v.opted_in_on, d.s.vcs_annual_letter_months, case.closure_from, last):
        if day >= first:
            yield NewTask(
                task_key(TaskType.ANNUAL_LETTER, v.victim_id, day),
                TaskType.ANNUAL_LETTER,
                v.victim_id,
                d.on_or_after(day),
                annual_letter_must_give(case),
            )


def _victim_tasks(
    v: VictimFacts,
    case: CaseFacts,
    history: Sequence[ExistingTask],
    d: TaskDates,
    annual_window: tuple[date, date],
) -> Iterator[NewTask]:
    yield from _offer_tasks(v, case, history, d)
    yield from _enhanced_tasks(v, case, d)
    if not v.opted_in or v.opted_in_on is None:
        return
    joined = d.after(v.opted_in_on, d.s.vcs_key_stage_working_days)
    yield from _release_tasks(v, case, d, joined)
    yield from _parole_tasks(v, case, d, joined)
    yield from _stage_tasks(v, case, d, v.opted_in_on)
    yield from _annual_tasks(v, case, d, *annual_window)


def _last_done(history: Sequence[ExistingTask], kind: TaskType, victim: int | None) -> date | None:
    done = [
        t.completed_on
        for t in history
        if t.task_type is kind
        and t.victim_id == victim
        and t.status is TaskStatus.COMPLETED
        and t.completed_on is not None
    ]
    return max(done, default=None)


def tasks_wanted(
    case: CaseFacts, history: Sequence[ExistingTask], d: TaskDates, annual: tuple[date, date]
) -> dict[str, NewTask]:
    """Every task the facts call for, by key; annual letters only for anniversaries
    from ``annual[0]`` to ``annual[1]``. A closed case calls for none."""
    if case.closed_on is not None:
        return {}
    wanted = {t.key: t for t in _case_tasks(case, d)}
    for victim in case.victims:
        wanted.update((t.key, t) for t in _victim_tasks(victim, case, history, d, annual))
    return wanted
