"""The weekly return's unpaid work and victim liaison figures (SPEC.md 7 sections 4 and 5).

Unpaid work, built on the unpaid work rules (:mod:`app.domain.unpaid_work_deadlines`,
:mod:`app.domain.unpaid_work_hours`, :mod:`app.domain.unpaid_work_standdowns`):

- an **active requirement** is one of an active case, running on the as-at
  day, with hours ordered and hours left; hours ordered and worked to date
  are summed over those;
- **hours worked in the week** and **ETE hours** are every requirement's
  credit on sessions of the week (one completed in the week counts too); the
  **ETE share** is ETE hours over hours worked in the week;
- sessions scheduled, held, stood down (on the day), the **stand-down rate**
  (sessions stood down / scheduled) and, beside it, the **person-hours lost**
  (person-hours lost / offered): :func:`stand_down_figures`;
- **assessed within 10** / **started within 15**: requirements whose 10 (15)
  working-day deadline fell in the week, and the share done by it;
- **reviews due**: 6- and 9-month review dates in the week; **overdue**:
  review dates before the as-at day with no review recorded, of requirements
  still running; **at risk**: :func:`is_at_risk` on the as-at day.

Victim liaison (counts only: no victim details ever reach a return):

- **open cases**: referred on or before the as-at day and not closed by it;
- **tasks due**: open or completed tasks due in the week (a cancelled task
  is not due); **completed**: completed in the week; **overdue**: still open
  at the end of the as-at day with a due date before it;
- **first offer on time**: of cases whose first-offer deadline (20 working
  days after referral) fell in the week, the share offered by it;
- **releases** and **parole reviews** of open cases due in the 4 weeks
  after the as-at day (28 days).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.domain.calendar import WorkingCalendar
from app.domain.returns import Week, hours_of
from app.domain.unpaid_work import StandDownReason, UnpaidWorkSettings
from app.domain.unpaid_work_deadlines import (
    MilestoneKind,
    MilestoneState,
    RequirementFacts,
    is_at_risk,
    milestones,
)
from app.domain.unpaid_work_hours import (
    CreditedSession,
    ExtractHours,
    hours_summary,
    minutes_worked_between,
)
from app.domain.unpaid_work_standdowns import ScheduledSession, percent, stand_down_figures
from app.domain.victims import VictimSettings, first_offer_due, first_offer_in_time
from app.domain.victims_task_types import TaskStatus

LOOK_AHEAD_DAYS = 28
"""Releases and parole reviews "in the next 4 weeks": the 28 days after the as-at day."""

_REVIEWS = (MilestoneKind.FIRST_REVIEW, MilestoneKind.SECOND_REVIEW)


@dataclass(frozen=True)
class UpwRequirement:
    """One unpaid work requirement as the return needs it, as at the as-at day.

    Minutes as the unpaid work rules count them: ``worked_minutes`` to date,
    ``week_minutes`` and ``week_ete_minutes`` credited on the week's sessions.
    """

    facts: RequirementFacts
    ordered_minutes: int
    worked_minutes: int = 0
    week_minutes: int = 0
    week_ete_minutes: int = 0
    case_active: bool = True

    @property
    def remaining_minutes(self) -> int:
        return max(0, self.ordered_minutes - self.worked_minutes)


def requirement_as_at(
    facts: RequirementFacts,
    ordered_minutes: int,
    sessions: Sequence[CreditedSession],
    week: Week,
    *,
    ete_share_percent: float,
    extract: ExtractHours | None = None,
    case_active: bool = True,
) -> UpwRequirement:
    """A requirement's hours on the as-at day from the extract and the app's own sessions."""
    # An extract imported after the week is not known as at its end (hours_summary agrees).
    known = extract if extract is not None and extract.imported_on <= week.ending else None
    summary = hours_summary(
        ordered_minutes,
        sessions,
        ete_share_percent=ete_share_percent,
        as_at=week.ending,
        extract=known,
    )
    return UpwRequirement(
        facts=facts,
        ordered_minutes=ordered_minutes,
        worked_minutes=summary.worked_minutes,
        week_minutes=minutes_worked_between(sessions, week.starting, week.ending, known),
        week_ete_minutes=sum(s.ete_minutes for s in sessions if s.day in week),
        case_active=case_active,
    )


@dataclass(frozen=True)
class UnpaidWorkInputs:
    """The PDU's unpaid work for the week: its requirements and the sessions scheduled in it."""

    requirements: tuple[UpwRequirement, ...] = ()
    sessions: tuple[ScheduledSession, ...] = ()


def _deadline_share(
    requirements: Sequence[UpwRequirement],
    kind: MilestoneKind,
    week: Week,
    calendar: WorkingCalendar,
    settings: UnpaidWorkSettings,
) -> float | None:
    due = done = 0
    for r in requirements:
        for m in milestones(r.facts, week.ending, calendar, settings):
            if m.kind is kind and m.due in week:
                due += 1
                done += m.done_by_deadline
    return percent(done, due)


def _reviews(
    requirements: Sequence[UpwRequirement],
    week: Week,
    calendar: WorkingCalendar,
    settings: UnpaidWorkSettings,
) -> tuple[int, int]:
    due = overdue = 0
    for r in requirements:
        for m in milestones(r.facts, week.ending, calendar, settings):
            if m.kind not in _REVIEWS:
                continue
            due += m.due in week
            overdue += m.state is MilestoneState.OVERDUE and r.case_active
    return due, overdue


def unpaid_work_figures(
    inputs: UnpaidWorkInputs,
    week: Week,
    calendar: WorkingCalendar,
    settings: UnpaidWorkSettings,
) -> dict[str, Any]:
    """Section 4 of the return; every key present, zeros when the PDU has no unpaid work."""
    as_at = week.ending
    reqs = inputs.requirements
    active = [
        r
        for r in reqs
        if r.case_active
        and r.facts.is_running(as_at)
        and r.ordered_minutes > 0
        and r.remaining_minutes > 0
    ]
    week_minutes = sum(r.week_minutes for r in reqs)
    ete_minutes = sum(r.week_ete_minutes for r in reqs)
    stand_downs = stand_down_figures(inputs.sessions)
    due, overdue = _reviews(reqs, week, calendar, settings)
    return {
        "active_requirements": len(active),
        "hours_ordered": hours_of(sum(r.ordered_minutes for r in active)),
        "hours_worked_week": hours_of(week_minutes),
        "hours_worked_to_date": hours_of(sum(r.worked_minutes for r in active)),
        "ete_hours_week": hours_of(ete_minutes),
        "ete_share_pct": percent(ete_minutes, week_minutes),
        "sessions_scheduled": stand_downs.sessions_scheduled,
        "sessions_held": stand_downs.sessions_held,
        "sessions_stood_down": stand_downs.sessions_stood_down,
        "sessions_stood_down_on_day": stand_downs.sessions_stood_down_on_the_day,
        "stand_down_rate_pct": stand_downs.stand_down_rate_percent,
        "stand_downs_by_reason": {r.value: stand_downs.by_reason[r.value] for r in StandDownReason},
        "person_hours_offered": hours_of(stand_downs.person_minutes_offered),
        "person_hours_lost": hours_of(stand_downs.person_minutes_lost),
        "person_hours_lost_pct": stand_downs.hours_lost_percent,
        "assessed_within_10_pct": _deadline_share(
            reqs, MilestoneKind.ASSESSMENT, week, calendar, settings
        ),
        "started_within_15_pct": _deadline_share(
            reqs, MilestoneKind.START, week, calendar, settings
        ),
        "reviews_due": due,
        "reviews_overdue": overdue,
        "at_risk_12_months": sum(
            1 for r in active if is_at_risk(r.facts, r.remaining_minutes, as_at, settings)
        ),
    }


# -- section 5: victim liaison ------------------------------------------------------


@dataclass(frozen=True)
class VcsCaseFacts:
    """A Victim Contact Scheme case as the return counts it: dates only, no victim details."""

    referral_date: date
    first_offer_date: date | None = None
    closed_on: date | None = None
    expected_release_date: date | None = None
    parole_review_date: date | None = None

    def open_on(self, day: date) -> bool:
        return self.referral_date <= day and (self.closed_on is None or self.closed_on > day)


@dataclass(frozen=True)
class VictimTaskFacts:
    """A victim liaison task: when due, its status now, and when it was completed."""

    due: date
    status: TaskStatus
    completed_on: date | None = None

    def open_at_end_of(self, day: date) -> bool:
        if self.status is TaskStatus.CANCELLED:
            return False
        return self.completed_on is None or self.completed_on > day


@dataclass(frozen=True)
class VictimInputs:
    cases: tuple[VcsCaseFacts, ...] = ()
    tasks: tuple[VictimTaskFacts, ...] = ()


def _within(day: date | None, as_at: date) -> bool:
    return day is not None and as_at < day <= as_at + timedelta(days=LOOK_AHEAD_DAYS)


def victim_figures(
    inputs: VictimInputs, week: Week, calendar: WorkingCalendar, settings: VictimSettings
) -> dict[str, Any]:
    """Section 5 of the return: counts only; every key present, zeros when there are none."""
    as_at = week.ending
    open_cases = [c for c in inputs.cases if c.open_on(as_at)]
    offers_due = offers_on_time = 0
    for case in inputs.cases:
        deadline = first_offer_due(case.referral_date, calendar, settings)
        if deadline in week:
            offers_due += 1
            offers_on_time += first_offer_in_time(
                case.referral_date, case.first_offer_date, calendar, settings
            )
    tasks = inputs.tasks
    return {
        "open_cases": len(open_cases),
        "tasks_due": sum(
            1 for t in tasks if t.due in week and t.status is not TaskStatus.CANCELLED
        ),
        "tasks_completed": sum(1 for t in tasks if t.completed_on in week),
        "tasks_overdue": sum(1 for t in tasks if t.due < as_at and t.open_at_end_of(as_at)),
        "first_offer_on_time_pct": percent(offers_on_time, offers_due),
        "releases_next_4_weeks": sum(
            1 for c in open_cases if _within(c.expected_release_date, as_at)
        ),
        "parole_next_4_weeks": sum(1 for c in open_cases if _within(c.parole_review_date, as_at)),
    }
