"""A VCS case's tasks kept to its facts: read the facts, plan, apply (DOMAIN.md 6).

:func:`replan` is called by every write that changes a case's facts (an
import, an opt-in, a completed task, a date changed); the plan is
idempotent, so calling it twice changes nothing the second time.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.victim_models import VcsCase, VcsKeyStage, Victim, VictimTask
from app.domain.victims import (
    EligibilityBasis,
    KeyStage,
    SecurityCategory,
    SentenceKind,
    VictimSettings,
    qualifies_for_enhanced_parole,
)
from app.domain.victims_plan import plan_tasks
from app.domain.victims_task_types import TaskOutcome, TaskStatus, TaskType
from app.domain.victims_tasks import (
    CaseFacts,
    ExistingTask,
    KeyStageEvent,
    NewTask,
    TaskPlan,
    VictimFacts,
)
from app.services.core import settings


def victim_settings(session: Session, as_at: date, pdu_id: int | None) -> VictimSettings:
    return VictimSettings.from_lookup(lambda key: settings.get(session, key, as_at, pdu_id))


def case_facts(session: Session, case: VcsCase) -> CaseFacts:
    """What the task rules need of a case: dates and states, never a name."""
    victims = list(
        session.scalars(select(Victim).where(Victim.vcs_case_id == case.id).order_by(Victim.id))
    )
    facts = tuple(
        VictimFacts(v.id, v.opted_in_date, v.opted_out_date, v.first_offer_date) for v in victims
    ) or (VictimFacts(None, case.opted_in_date, case.opted_out_date, case.first_offer_date),)
    basis = EligibilityBasis(case.eligibility)
    kind = SentenceKind(case.sentence_kind) if case.sentence_kind else None
    stages = tuple(
        KeyStageEvent(KeyStage(s.stage), s.on_date)
        for s in session.scalars(
            select(VcsKeyStage)
            .where(VcsKeyStage.vcs_case_id == case.id)
            .order_by(VcsKeyStage.on_date)
        )
    )
    return CaseFacts(
        referral_date=case.referral_date,
        basis=basis,
        enhanced_parole=qualifies_for_enhanced_parole(basis, kind, case.listed_offence),
        victims=facts,
        expected_release_date=case.expected_release_date,
        released_on=case.released_on,
        parole_review_date=case.parole_review_date,
        licence_end_date=case.licence_end_date,
        sentence_end_date=case.sentence_end_date,
        security_category=SecurityCategory(case.security_category)
        if case.security_category
        else None,
        key_stages=stages,
        closed_on=case.closed_on,
    )


def existing_tasks(session: Session, case_id: int) -> list[ExistingTask]:
    return [
        ExistingTask(
            t.id,
            TaskType(t.task_type),
            t.victim_id,
            TaskStatus(t.status),
            t.due_date,
            t.task_key,
            t.completed_on,
        )
        for t in session.scalars(select(VictimTask).where(VictimTask.vcs_case_id == case_id))
    ]


def _create(session: Session, case: VcsCase, new: NewTask) -> None:
    done = new.completed_on is not None
    session.add(
        VictimTask(
            vcs_case_id=case.id,
            victim_id=new.victim_id,
            task_type=new.task_type.value,
            task_key=new.key,
            detail=new.detail,
            due_date=new.due,
            status=(TaskStatus.COMPLETED if done else TaskStatus.OPEN).value,
            outcome=TaskOutcome.LETTER_SENT.value if done else None,
            completed_on=new.completed_on,
            created_at=clock.now().replace(tzinfo=None),
        )
    )


def apply_plan(session: Session, case: VcsCase, plan: TaskPlan) -> None:
    for new in plan.create:
        _create(session, case, new)
    for cancel in plan.cancel:
        task = session.get(VictimTask, cancel.task_id)
        assert task is not None
        task.status, task.cancelled_reason = TaskStatus.CANCELLED.value, cancel.reason
    for done in plan.complete:
        task = session.get(VictimTask, done.task_id)
        assert task is not None
        task.status, task.completed_on = TaskStatus.COMPLETED.value, done.on
        task.outcome = done.outcome.value
    session.flush()


def replan(session: Session, case: VcsCase, as_at: date | None = None) -> TaskPlan:
    """Bring the case's tasks in line with its facts; returns what was done."""
    day = as_at or clock.today()
    plan = plan_tasks(
        case_facts(session, case),
        existing_tasks(session, case.id),
        day,
        settings.working_calendar(session, day),
        victim_settings(session, day, case.pdu_id),
    )
    if not plan.is_empty:
        apply_plan(session, case, plan)
    return plan


def adopt_case_tasks(session: Session, case: VcsCase, victim: Victim) -> None:
    """The first victim entered on a case takes over the case's own contact tasks and dates.

    Tasks made from the import's case-level dates (no victim yet) become the
    victim's, with their history, so nothing is offered twice.
    """
    victim.opted_in_date = victim.opted_in_date or case.opted_in_date
    victim.opted_out_date = victim.opted_out_date or case.opted_out_date
    victim.first_offer_date = victim.first_offer_date or case.first_offer_date
    for task in session.scalars(
        select(VictimTask).where(VictimTask.vcs_case_id == case.id, VictimTask.victim_id.is_(None))
    ):
        if TaskType(task.task_type).is_case_level:
            continue
        task.victim_id = victim.id
        if task.task_key:
            task.task_key = task.task_key.replace("|case|", f"|{victim.id}|", 1)
    session.flush()
