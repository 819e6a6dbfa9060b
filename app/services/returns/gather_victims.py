"""Gathering the week's victim liaison for the return's section 5 (SPEC.md 7).

Dates and statuses only: no column holding a victim's details (all sealed,
``*_enc``) is ever read here, so no name can reach a return. A case's first
offer is the earliest recorded, on the case or on any of its victims.
Three statements, whatever the PDU's size.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from app.db.victim_models import VcsCase, Victim, VictimTask
from app.domain.returns import Week
from app.domain.returns_upw import VcsCaseFacts, VictimInputs, VictimTaskFacts
from app.domain.victims_task_types import TaskStatus


def _earliest(*days: date | None) -> date | None:
    return min((d for d in days if d is not None), default=None)


def gather_victims(session: Session, pdu_id: int, week: Week) -> VictimInputs:
    """The PDU's VCS cases referred by the week's end, and the tasks the week can count."""
    offers: dict[int, date | None] = {
        case_id: offered
        for case_id, offered in session.execute(
            select(Victim.vcs_case_id, func.min(Victim.first_offer_date))
            .join(VcsCase, VcsCase.id == Victim.vcs_case_id)
            .where(VcsCase.pdu_id == pdu_id)
            .group_by(Victim.vcs_case_id)
        )
    }
    cases = tuple(
        VcsCaseFacts(
            referral_date=referred,
            first_offer_date=_earliest(offered, offers.get(case_id)),
            closed_on=closed,
            expected_release_date=release,
            parole_review_date=parole,
        )
        for case_id, referred, offered, closed, release, parole in session.execute(
            select(
                VcsCase.id,
                VcsCase.referral_date,
                VcsCase.first_offer_date,
                VcsCase.closed_on,
                VcsCase.expected_release_date,
                VcsCase.parole_review_date,
            )
            .where(VcsCase.pdu_id == pdu_id, VcsCase.referral_date <= week.ending)
            .order_by(VcsCase.id)
        )
    )
    tasks = tuple(
        VictimTaskFacts(due, TaskStatus(status), completed)
        for due, status, completed in session.execute(
            select(VictimTask.due_date, VictimTask.status, VictimTask.completed_on)
            .join(VcsCase, VcsCase.id == VictimTask.vcs_case_id)
            .where(
                VcsCase.pdu_id == pdu_id,
                or_(
                    VictimTask.due_date <= week.ending,
                    VictimTask.completed_on.between(week.starting, week.ending),
                ),
            )
            .order_by(VictimTask.id)
        )
    )
    return VictimInputs(cases, tasks)


def victim_tasks_due(session: Session, pdu_id: int, today: date) -> tuple[int, int]:
    """Open victim liaison tasks of the PDU due by today, and how many of them are overdue."""
    late = case((VictimTask.due_date < today, 1), else_=0)
    due, overdue = session.execute(
        select(func.count(), func.coalesce(func.sum(late), 0))
        .select_from(VictimTask)
        .join(VcsCase, VcsCase.id == VictimTask.vcs_case_id)
        .where(
            VcsCase.pdu_id == pdu_id,
            VictimTask.status == TaskStatus.OPEN.value,
            VictimTask.due_date <= today,
        )
    ).one()
    return int(due or 0), int(overdue or 0)
