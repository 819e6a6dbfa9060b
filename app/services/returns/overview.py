"""The Overview: this week's figures at a glance and what needs action today (SPEC.md 4.1).

The figures are this week's return as it stands (the stored one once the
week is exported), each percentage with its red/amber/green
(:mod:`app.domain.rag`). The actions are counted for today: unallocated
cases at or near their 5-working-day limit, unpaid work sessions without a
supervisor from today over the look-ahead setting's days (7), victim liaison
tasks open and due by today (the overdue among them), reviews waiting,
practitioners over 100% and 110%; each names the screen that deals with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import CaseloadRow
from app.db.readmodel import active_case_condition
from app.domain.allocation import allocation_status
from app.domain.rag import Band, Bands, capacity_rag, percent_band
from app.domain.report import Kind, format_value
from app.domain.returns import Week, current_week
from app.services.core import settings
from app.services.core.actor import Actor
from app.services.core.permissions import guarded_read
from app.services.core.reference import get_pdu
from app.services.returns.export import preview_return
from app.services.returns.gather_upw import sessions_without_supervisor
from app.services.returns.gather_victims import victim_tasks_due
from app.services.returns.permissions import SEE, SEE_ACTION, own_pdu
from app.services.teams.workload import practitioner_loads

NEAR_LIMIT_WORKING_DAYS = 1
"""A case is near its limit when one working day or less is left (or it is overdue)."""


@dataclass(frozen=True)
class Glance:
    """One figure at a glance: its label, its value as shown, its band (None: no colour)."""

    label: str
    shown: str
    band: Band | None = None
    note: str = ""


@dataclass(frozen=True)
class ActionItem:
    """Something to act on today, and the screen (by its title) that deals with it."""

    key: str
    text: str
    count: int
    screen: str
    urgent: bool = False


@dataclass(frozen=True)
class OverviewView:
    pdu_label: str
    week: Week
    today: date
    stored_version: int | None
    glances: tuple[Glance, ...]
    actions: tuple[ActionItem, ...]


def _pct(value: Any) -> str:
    return format_value(value, Kind.PERCENTAGE)


def _bands(session: Session, pdu_id: int, today: date) -> Bands:
    return Bands(
        green=float(settings.get(session, "rag_green_percent", today, pdu_id)),
        amber_green=float(settings.get(session, "rag_amber_green_percent", today, pdu_id)),
        amber_red=float(settings.get(session, "rag_amber_red_percent", today, pdu_id)),
    )


def glances(figures: dict[str, Any], bands: Bands, over: float, flagged: float) -> list[Glance]:
    """The week's headline figures, each percentage coloured by its band or its own target."""
    c, a, w = figures["caseload"], figures["allocation"], figures["workload"]
    u, v = figures["unpaid_work"], figures["victims"]
    return [
        Glance("Active cases", format_value(c["active"], Kind.INTEGER)),
        Glance(
            "Allocated within 5 working days",
            _pct(a["on_time_pct"]),
            percent_band(a["on_time_pct"], bands),
            f"{a['allocated_on_time']} of {a['due_in_week']} due this week",
        ),
        Glance("Unallocated", str(a["unallocated"]), note="at the end of the week"),
        Glance(
            "Mean capacity",
            _pct(w["mean_capacity_pct"]),
            capacity_rag(w["mean_capacity_pct"], over, flagged),
            f"highest {_pct(w['max_capacity_pct'])}",
        ),
        Glance(
            "Unpaid work assessed within 10 working days",
            _pct(u["assessed_within_10_pct"]),
            percent_band(u["assessed_within_10_pct"], bands),
        ),
        Glance(
            "Unpaid work started within 15 working days",
            _pct(u["started_within_15_pct"]),
            percent_band(u["started_within_15_pct"], bands),
        ),
        Glance(
            "Stand-down rate",
            _pct(u["stand_down_rate_pct"]),
            note=f"{u['sessions_stood_down']} of {u['sessions_scheduled']} sessions",
        ),
        Glance(
            "Victim first offers within the deadline",
            _pct(v["first_offer_on_time_pct"]),
            percent_band(v["first_offer_on_time_pct"], bands),
        ),
    ]


def _near_limit(session: Session, pdu_id: int, today: date) -> tuple[int, int]:
    """Unallocated active cases with at most a working day left, and how many are overdue."""
    pdu = get_pdu(session, pdu_id)
    calendar = settings.working_calendar(session, today, welsh=pdu.is_welsh)
    days = int(settings.get(session, "allocation_working_days", today, pdu_id))
    starts = session.scalars(
        select(CaseloadRow.clock_start).where(
            CaseloadRow.pdu_id == pdu_id, CaseloadRow.unallocated, active_case_condition(today)
        )
    )
    near = overdue = 0
    for start in starts:
        status = allocation_status(start, today, calendar, days)
        near += status.days_left <= NEAR_LIMIT_WORKING_DAYS
        overdue += status.is_overdue
    return near, overdue


def actions_today(session: Session, pdu_id: int, today: date) -> list[ActionItem]:
    near, overdue = _near_limit(session, pdu_id, today)
    reviews = session.scalar(
        select(func.coalesce(func.sum(CaseloadRow.open_reviews), 0)).where(
            CaseloadRow.pdu_id == pdu_id, active_case_condition(today)
        )
    )
    loads = practitioner_loads(session, pdu_id, today)
    limits = settings.workload_settings(session, today, pdu_id)
    capacities = [p.capacity_percent for p in loads if p.capacity_percent is not None]
    over = sum(1 for c in capacities if c > limits.over_capacity_percent)
    flagged = sum(1 for c in capacities if c > limits.flagged_capacity_percent)
    ahead = int(settings.get(session, "overview_supervisor_look_ahead_days", today, pdu_id))
    unsupervised = sessions_without_supervisor(session, pdu_id, today, ahead)
    tasks, late_tasks = victim_tasks_due(session, pdu_id, today)
    return [
        ActionItem(
            "near_limit",
            f"Unallocated cases at or near their 5-working-day limit: {near} ({overdue} overdue)",
            near,
            "Allocation",
            urgent=overdue > 0,
        ),
        ActionItem(
            "no_supervisor",
            f"Sessions without a supervisor in the next {ahead} days: {unsupervised}",
            unsupervised,
            "Unpaid work",
            urgent=unsupervised > 0,
        ),
        ActionItem(
            "victim_tasks",
            f"Victim liaison tasks due: {tasks} ({late_tasks} overdue)",
            tasks,
            "Victim liaison",
            urgent=late_tasks > 0,
        ),
        ActionItem("reviews", f"Reviews waiting: {reviews}", int(reviews or 0), "Allocation"),
        ActionItem(
            "over_100",
            f"Practitioners over {limits.over_capacity_percent:g}%: {over}",
            over,
            "Tiering balance",
        ),
        ActionItem(
            "over_110",
            f"Practitioners over {limits.flagged_capacity_percent:g}%: {flagged}",
            flagged,
            "Tiering balance",
            urgent=flagged > 0,
        ),
    ]


@guarded_read(*SEE, action=SEE_ACTION)
def overview(session: Session, actor: Actor, pdu_id: int, today: date) -> OverviewView:
    """This week's figures at a glance and today's actions for the PDU."""
    own_pdu(actor, pdu_id, SEE_ACTION)
    week_end_day = settings.get(session, "week_end_day", today, pdu_id)
    week = current_week(today, week_end_day)
    preview = preview_return(session, actor, pdu_id, week.ending)
    limits = settings.workload_settings(session, today, pdu_id)
    seen = glances(
        preview.figures,
        _bands(session, pdu_id, today),
        limits.over_capacity_percent,
        limits.flagged_capacity_percent,
    )
    return OverviewView(
        pdu_label=preview.pdu.label,
        week=week,
        today=today,
        stored_version=None if preview.stored is None else preview.stored.version,
        glances=tuple(seen),
        actions=tuple(actions_today(session, pdu_id, today)),
    )
