"""Planning a VCS case's tasks: what to create, cancel and complete (DOMAIN.md 6).

:func:`plan_tasks` compares the tasks a case's facts call for
(:mod:`app.domain.victims_tasks`) with the tasks it already has, and returns a
:class:`~app.domain.victims_tasks.TaskPlan`. Applying the plan and calling
again gives an empty plan: it never duplicates a task. An open or completed
task holds its key; a cancelled one does not, so opting back in recreates
what is due. Opting out cancels the victim's open tasks, those a VLO added by
hand too, except the enhanced parole contacts; a closed case cancels every
open task and completes its closure task.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from app.domain.calendar import WorkingCalendar
from app.domain.parsing import format_date
from app.domain.victims import VictimSettings
from app.domain.victims_task_types import TaskOutcome, TaskStatus, TaskType
from app.domain.victims_tasks import (
    Cancellation,
    CaseFacts,
    Completion,
    ExistingTask,
    NewTask,
    TaskDates,
    TaskPlan,
    VictimFacts,
    anniversaries,
    task_key,
    tasks_wanted,
)
from app.domain.workload import add_months


def _valid_annual_keys(case: CaseFacts, d: TaskDates, horizon: date) -> set[str]:
    """Every annual letter still justified: an anniversary of the current opt-in."""
    keys = set()
    for v in case.victims:
        if v.opted_in and v.opted_in_on is not None and case.closed_on is None:
            months = d.s.vcs_annual_letter_months
            for day in anniversaries(v.opted_in_on, months, case.closure_from, horizon):
                keys.add(task_key(TaskType.ANNUAL_LETTER, v.victim_id, day))
    return keys


def _victim(case: CaseFacts, victim_id: int | None) -> VictimFacts | None:
    return next((v for v in case.victims if v.victim_id == victim_id), None)


_REPLY_TASKS = frozenset(
    {
        TaskType.FIRST_OFFER,
        TaskType.SECOND_OFFER,
        TaskType.RECORD_DECISION,
        TaskType.ENHANCED_PAROLE_CONTACT,
    }
)
"""Tasks that wait for the victim's answer: a reply or an opt-in ends them."""


def why_not_needed(task: ExistingTask, case: CaseFacts) -> str:
    """Why an open task is withdrawn, in words for the case's history."""
    if case.closed_on is not None:
        return f"The case closed on {format_date(case.closed_on)}"
    if task.task_type.is_case_level:
        return "The date it was due from has changed or been removed"
    victim = _victim(case, task.victim_id)
    if victim is None:
        return "The victim is no longer recorded on this case"
    if victim.opted_out and not task.task_type.survives_opt_out:
        return f"The victim opted out on {format_date(victim.opted_out_on)}"
    if task.task_type in _REPLY_TASKS and victim.opted_in:
        return f"The victim opted in on {format_date(victim.opted_in_on)}"
    if task.task_type in _REPLY_TASKS and victim.replied:
        return "The victim replied"
    return "The date it was due from has changed or been removed"


def _closing(
    case: CaseFacts, existing: Sequence[ExistingTask]
) -> tuple[list[Cancellation], list[Completion]]:
    """A closed case: its closure task completed, every other open task cancelled."""
    assert case.closed_on is not None
    cancel, complete = [], []
    for t in existing:
        if t.status is not TaskStatus.OPEN:
            continue
        if t.task_type is TaskType.CASE_CLOSURE:
            complete.append(Completion(t.task_id, case.closed_on, TaskOutcome.DONE))
        else:
            cancel.append(Cancellation(t.task_id, why_not_needed(t, case)))
    return cancel, complete


def _opted_out_by_hand(task: ExistingTask, case: CaseFacts) -> bool:
    """A task a VLO added by hand for a victim who has since opted out."""
    victim = _victim(case, task.victim_id)
    return (
        task.key is None
        and not task.task_type.is_case_level
        and not task.task_type.survives_opt_out
        and victim is not None
        and victim.opted_out
    )


def _open_changes(
    case: CaseFacts,
    existing: Sequence[ExistingTask],
    wanted: dict[str, NewTask],
    valid: set[str],
) -> tuple[list[Cancellation], list[Completion]]:
    """Open tasks no longer justified are cancelled; those an import says were done, completed."""
    cancel, complete, seen = [], [], set()
    for t in existing:
        if t.status is not TaskStatus.OPEN:
            continue
        if t.key is not None and t.key in seen:
            cancel.append(Cancellation(t.task_id, "The same task is already open"))
            continue
        seen.add(t.key)
        done_on = wanted[t.key].completed_on if t.key in wanted else None
        if (t.key is not None and t.key not in valid) or _opted_out_by_hand(t, case):
            cancel.append(Cancellation(t.task_id, why_not_needed(t, case)))
        elif done_on is not None:
            complete.append(Completion(t.task_id, done_on, TaskOutcome.LETTER_SENT))
    return cancel, complete


def plan_tasks(
    case: CaseFacts,
    existing: Sequence[ExistingTask],
    as_at: date,
    calendar: WorkingCalendar,
    settings: VictimSettings,
) -> TaskPlan:
    """The tasks to create, cancel and complete so the case's tasks match its facts.

    ``existing`` is every task the case has had, any status. ``as_at`` only
    bounds the annual letters: the latest anniversary of the past year and the
    next one are created, never a backlog of years. Applying the plan and
    calling again gives an empty plan.
    """
    if case.closed_on is not None:
        cancel, complete = _closing(case, existing)
        return TaskPlan((), tuple(cancel), tuple(complete))
    d = TaskDates(calendar, settings)
    months = settings.vcs_annual_letter_months
    window = (add_months(as_at, -months) + timedelta(days=1), add_months(as_at, months))
    wanted = tasks_wanted(case, existing, d, window)
    horizon = max([window[1], *(t.due for t in existing)])
    valid = set(wanted) | _valid_annual_keys(case, d, horizon)
    held = {t.key for t in existing if t.key and t.status is not TaskStatus.CANCELLED}
    create = tuple(t for key, t in wanted.items() if key not in held)
    cancel, complete = _open_changes(case, existing, wanted, valid)
    return TaskPlan(create, tuple(cancel), tuple(complete))
