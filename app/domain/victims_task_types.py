"""The VLO's task types, their outcomes and statuses, and the queue's groups (DOMAIN.md 6).

Task types are the ones PDU Manager tracks, each with a due date; a task is
about one victim except the eligibility check and the closure, which are the
case's. The queue groups open tasks overdue, due this week and later (issue
19 point 3).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum


class TaskOutcome(StrEnum):
    """How a VLO closes a task; each task type offers a few (``TaskType.outcomes``)."""

    DONE = "DONE"
    LETTER_SENT = "LETTER_SENT"
    CONTACTED = "CONTACTED"
    NO_REPLY = "NO_REPLY"
    OPTED_IN = "OPTED_IN"
    OPTED_OUT = "OPTED_OUT"
    ELIGIBLE = "ELIGIBLE"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    NOT_NEEDED = "NOT_NEEDED"

    @property
    def label(self) -> str:
        return {
            "DONE": "Done",
            "LETTER_SENT": "Letter sent",
            "CONTACTED": "Victim contacted",
            "NO_REPLY": "No reply",
            "OPTED_IN": "Victim opted in",
            "OPTED_OUT": "Victim opted out",
            "ELIGIBLE": "Eligible",
            "NOT_ELIGIBLE": "Not eligible",
            "NOT_NEEDED": "Not needed",
        }[self.value]


_O = TaskOutcome
_LETTER = (_O.LETTER_SENT, _O.CONTACTED, _O.NOT_NEEDED)
_OFFER = (_O.LETTER_SENT, _O.CONTACTED, _O.OPTED_IN, _O.OPTED_OUT, _O.NOT_NEEDED)


class TaskType(StrEnum):
    """The VLO tasks PDU Manager tracks, each with a due date (DOMAIN.md 6)."""

    ELIGIBILITY_CHECK = "ELIGIBILITY_CHECK"
    FIRST_OFFER = "FIRST_OFFER"
    SECOND_OFFER = "SECOND_OFFER"
    RECORD_DECISION = "RECORD_DECISION"
    RELEASE_MONTH_NOTICE = "RELEASE_MONTH_NOTICE"
    ANNUAL_LETTER = "ANNUAL_LETTER"
    KEY_STAGE_NOTIFICATION = "KEY_STAGE_NOTIFICATION"
    LICENCE_REPRESENTATIONS = "LICENCE_REPRESENTATIONS"
    PAROLE_VPS_INVITATION = "PAROLE_VPS_INVITATION"
    PAROLE_DECISION = "PAROLE_DECISION"
    ENHANCED_PAROLE_CONTACT = "ENHANCED_PAROLE_CONTACT"
    CASE_CLOSURE = "CASE_CLOSURE"

    @property
    def label(self) -> str:
        return _TASK_LABELS[self][0]

    @property
    def outcomes(self) -> tuple[TaskOutcome, ...]:
        """The outcomes offered when completing it, the usual one first."""
        return _TASK_LABELS[self][1]

    @property
    def is_case_level(self) -> bool:
        """About the case, not one victim: the eligibility check and the closure."""
        return self in (TaskType.ELIGIBILITY_CHECK, TaskType.CASE_CLOSURE)

    @property
    def survives_opt_out(self) -> bool:
        """Opting out cancels every open task but the enhanced parole contacts (TOM)."""
        return self is TaskType.ENHANCED_PAROLE_CONTACT


_TASK_LABELS: dict[TaskType, tuple[str, tuple[TaskOutcome, ...]]] = {
    TaskType.ELIGIBILITY_CHECK: ("Eligibility check", (_O.ELIGIBLE, _O.NOT_ELIGIBLE)),
    TaskType.FIRST_OFFER: ("First offer of contact", _OFFER),
    TaskType.SECOND_OFFER: ("Second offer of contact", _OFFER),
    TaskType.RECORD_DECISION: (
        "Record opt-in or opt-out",
        (_O.OPTED_IN, _O.OPTED_OUT, _O.NO_REPLY),
    ),
    TaskType.RELEASE_MONTH_NOTICE: ("Release month notice", _LETTER),
    TaskType.ANNUAL_LETTER: ("Annual letter", _LETTER),
    TaskType.KEY_STAGE_NOTIFICATION: ("Key stage notification", _LETTER),
    TaskType.LICENCE_REPRESENTATIONS: (
        "Licence condition representations",
        (_O.DONE, _O.NO_REPLY, _O.NOT_NEEDED),
    ),
    TaskType.PAROLE_VPS_INVITATION: ("Victim Personal Statement invitation", _LETTER),
    TaskType.PAROLE_DECISION: ("Parole decision passed on", _LETTER),
    TaskType.ENHANCED_PAROLE_CONTACT: (
        "Enhanced parole contact",
        (_O.CONTACTED, _O.OPTED_IN, _O.OPTED_OUT, _O.NO_REPLY),
    ),
    TaskType.CASE_CLOSURE: ("Case closure", (_O.DONE,)),
}


class TaskStatus(StrEnum):
    """OPEN until done; CANCELLED only when the facts withdrew it (an opt-out, a date moved).

    A VLO who finds a task not needed completes it with that outcome, so it is
    never generated again.
    """

    OPEN = "OPEN"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class QueueGroup(StrEnum):
    """The VLO's queue groups: overdue, due this week (to Sunday), later."""

    OVERDUE = "OVERDUE"
    THIS_WEEK = "THIS_WEEK"
    LATER = "LATER"

    @property
    def label(self) -> str:
        return {"OVERDUE": "Overdue", "THIS_WEEK": "Due this week", "LATER": "Later"}[self.value]


def queue_group(due: date, as_at: date) -> QueueGroup:
    """Where an open task sits in the queue on ``as_at``."""
    if due < as_at:
        return QueueGroup.OVERDUE
    sunday = as_at + timedelta(days=6 - as_at.weekday())
    return QueueGroup.THIS_WEEK if due <= sunday else QueueGroup.LATER


def days_overdue(due: date, as_at: date) -> int:
    """Calendar days since the due date; 0 while not yet overdue."""
    return max(0, (as_at - due).days)
