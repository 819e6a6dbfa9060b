"""Unpaid work's deadlines: assessment, start, reviews, completion, and "at risk".

Rules (DOMAIN.md 5 and 7, SPEC.md 7 section 4):
- assessment within 10 working days of sentence, work started within 15
  (England and Wales bank holidays; "within N working days of D" is D plus N
  working days, DOMAIN.md 2);
- reviews 6 and 9 calendar months after sentence, on the month's last day when
  the day does not exist (31/08 + 6 months is 28/02 or 29/02);
- completion 12 months after sentence, or the date a court's extension sets;
- at risk: the hours left exceed what the person can work by the completion
  date at 7 hours a week (28 when intensive), counting whole weeks from the
  as-at date.

Each milestone has a state on a day: met, done late, due, overdue, missed, or
not needed. Facts dated after the as-at day are ignored, so a past week's
figures are reproduced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.calendar import WorkingCalendar
from app.domain.unpaid_work import UnpaidWorkInputError, UnpaidWorkSettings
from app.domain.workload import add_months


class MilestoneKind(StrEnum):
    """The dated steps of an unpaid work requirement, in the order they fall due."""

    ASSESSMENT = "ASSESSMENT"
    START = "START"
    FIRST_REVIEW = "FIRST_REVIEW"
    SECOND_REVIEW = "SECOND_REVIEW"
    COMPLETION = "COMPLETION"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    MilestoneKind.ASSESSMENT: "Assessment",
    MilestoneKind.START: "First session",
    MilestoneKind.FIRST_REVIEW: "First review",
    MilestoneKind.SECOND_REVIEW: "Second review",
    MilestoneKind.COMPLETION: "Completion",
}


class MilestoneState(StrEnum):
    """Where a milestone stands on a day.

    MET: done on or before its date. LATE: done after it. DUE: not done, date
    not passed. OVERDUE: not done, date passed, requirement still running.
    MISSED: the requirement ended after the date without it. NOT_NEEDED: the
    requirement ended before the date.
    """

    MET = "MET"
    LATE = "LATE"
    DUE = "DUE"
    OVERDUE = "OVERDUE"
    MISSED = "MISSED"
    NOT_NEEDED = "NOT_NEEDED"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]

    @property
    def is_open(self) -> bool:
        """Still to do: due or overdue."""
        return self in (MilestoneState.DUE, MilestoneState.OVERDUE)


_STATE_LABELS = {
    MilestoneState.MET: "Met",
    MilestoneState.LATE: "Done late",
    MilestoneState.DUE: "Due",
    MilestoneState.OVERDUE: "Overdue",
    MilestoneState.MISSED: "Missed",
    MilestoneState.NOT_NEEDED: "Not needed",
}


def _known(day: date | None, as_at: date) -> date | None:
    """A fact's date if it had happened by ``as_at``."""
    return day if day is not None and day <= as_at else None


def milestone_state(
    due: date, done_on: date | None, as_at: date, ended_on: date | None = None
) -> MilestoneState:
    """The state on ``as_at`` of a step due on ``due``, done on ``done_on`` (or not).

    ``ended_on`` is when the requirement ended (completed or terminated), if
    it has.
    """
    done = _known(done_on, as_at)
    if done is not None:
        return MilestoneState.MET if done <= due else MilestoneState.LATE
    ended = _known(ended_on, as_at)
    if ended is not None:
        return MilestoneState.NOT_NEEDED if ended <= due else MilestoneState.MISSED
    return MilestoneState.OVERDUE if as_at > due else MilestoneState.DUE


@dataclass(frozen=True)
class Milestone:
    kind: MilestoneKind
    due: date
    done_on: date | None
    state: MilestoneState

    @property
    def done_by_deadline(self) -> bool:
        """Done on or before its date (the return's assessment and start shares)."""
        return self.state is MilestoneState.MET


@dataclass(frozen=True)
class RequirementFacts:
    """What the deadlines need of one unpaid work requirement.

    ``assessed_on`` and ``started_on`` are the dates in force (the app's over
    the extract's, :func:`~app.domain.unpaid_work_hours.prefer_app_date`).
    ``extended_to`` is the new completion date of a court's extension.
    """

    sentence_date: date
    intensive: bool = False
    assessed_on: date | None = None
    started_on: date | None = None
    first_review_on: date | None = None
    second_review_on: date | None = None
    completed_on: date | None = None
    terminated_on: date | None = None
    extended_to: date | None = None

    @property
    def ended_on(self) -> date | None:
        """Completed or terminated, whichever came first."""
        ends = [d for d in (self.completed_on, self.terminated_on) if d is not None]
        return min(ends, default=None)

    def is_running(self, as_at: date) -> bool:
        """Sentenced by ``as_at`` and neither completed nor terminated by then."""
        return self.sentence_date <= as_at and _known(self.ended_on, as_at) is None


def completion_date(
    sentence_date: date, settings: UnpaidWorkSettings, extended_to: date | None = None
) -> date:
    """The date the hours must be done by: 12 months after sentence, or the court's new date."""
    if extended_to is not None:
        if extended_to < sentence_date:
            raise UnpaidWorkInputError("An extension cannot end before the sentence date")
        return extended_to
    return add_months(sentence_date, settings.upw_completion_months)


def milestone_dates(
    facts: RequirementFacts, calendar: WorkingCalendar, settings: UnpaidWorkSettings
) -> dict[MilestoneKind, date]:
    """When each milestone falls due, in order."""
    sentenced = facts.sentence_date
    return {
        MilestoneKind.ASSESSMENT: calendar.add_working_days(
            sentenced, settings.upw_assessment_working_days
        ),
        MilestoneKind.START: calendar.add_working_days(sentenced, settings.upw_start_working_days),
        MilestoneKind.FIRST_REVIEW: add_months(sentenced, settings.upw_first_review_months),
        MilestoneKind.SECOND_REVIEW: add_months(sentenced, settings.upw_second_review_months),
        MilestoneKind.COMPLETION: completion_date(sentenced, settings, facts.extended_to),
    }


def milestones(
    facts: RequirementFacts,
    as_at: date,
    calendar: WorkingCalendar,
    settings: UnpaidWorkSettings,
) -> tuple[Milestone, ...]:
    """Each milestone with its date and its state on ``as_at`` (issue 18 point 6)."""
    done = {
        MilestoneKind.ASSESSMENT: facts.assessed_on,
        MilestoneKind.START: facts.started_on,
        MilestoneKind.FIRST_REVIEW: facts.first_review_on,
        MilestoneKind.SECOND_REVIEW: facts.second_review_on,
        MilestoneKind.COMPLETION: facts.completed_on,
    }
    found = []
    for kind, due in milestone_dates(facts, calendar, settings).items():
        # A completed order cannot miss its completion; only a termination ends it early.
        ended = facts.terminated_on if kind is MilestoneKind.COMPLETION else facts.ended_on
        found.append(
            Milestone(kind, due, done[kind], milestone_state(due, done[kind], as_at, ended))
        )
    return tuple(found)


def whole_weeks_left(deadline: date, as_at: date) -> int:
    """Whole weeks from ``as_at`` to ``deadline``; none once the deadline has passed."""
    return max(0, (deadline - as_at).days // 7)


def hours_per_week(intensive: bool, settings: UnpaidWorkSettings) -> float:
    """What a person can work in a week: 7 hours, or 28 on intensive working."""
    if intensive:
        return settings.upw_intensive_hours_per_week
    return settings.upw_standard_hours_per_week


def minutes_workable_by(
    deadline: date, as_at: date, intensive: bool, settings: UnpaidWorkSettings
) -> int:
    """The minutes a person can still work by ``deadline`` at the weekly rate."""
    per_week = round(hours_per_week(intensive, settings) * 60)
    return whole_weeks_left(deadline, as_at) * per_week


def is_at_risk(
    facts: RequirementFacts,
    remaining_minutes: int,
    as_at: date,
    settings: UnpaidWorkSettings,
) -> bool:
    """The hours left cannot be worked by the completion date (SPEC.md 7 section 4).

    Only a running requirement with hours left can be at risk. The completion
    date is the one in force: 12 months after sentence, or a court's new date.
    """
    if remaining_minutes <= 0 or not facts.is_running(as_at):
        return False
    deadline = completion_date(facts.sentence_date, settings, facts.extended_to)
    return remaining_minutes > minutes_workable_by(deadline, as_at, facts.intensive, settings)
