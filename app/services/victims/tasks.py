"""The VLO's task queue and completing a task with its outcome (issue 19 point 3).

The queue is one VLO's open tasks or the whole PDU's, grouped overdue, due
this week and later, with days overdue. Victims' names come only to an
entitled actor with an open keyring, decrypted in memory here; the name
search runs over those decrypted names (the store holds only ciphertext).
A completed task stays in its case's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import AppUser, Person
from app.db.victim_models import VcsCase, Victim, VictimContact, VictimTask
from app.domain.codes import Role
from app.domain.victims_task_types import (
    QueueGroup,
    TaskOutcome,
    TaskStatus,
    TaskType,
    days_overdue,
    queue_group,
)
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import ConflictError, NotFound, UserError
from app.services.core.permissions import guarded_read, write_service
from app.services.victims.cases import VLO_ROLES, WORK, get_case
from app.services.victims.fields import Sealer, sealer_or_none
from app.services.victims.planning import replan

READ = "see victim liaison tasks"
METHOD_OF_OUTCOME = {TaskOutcome.LETTER_SENT: "LETTER", TaskOutcome.CONTACTED: "PHONE"}


@dataclass(frozen=True)
class QueueRow:
    """One open task as the queue shows it; ``victim_name`` empty when sealed."""

    task_id: int
    case_id: int
    case_version: int
    vcs_case_ref: str
    crn: str
    person_name: str
    victim_id: int | None
    victim_name: str
    task_type: TaskType
    detail: str
    due: date
    group: QueueGroup
    days_overdue: int
    vlo_user_id: int | None
    vlo_name: str
    outcomes: tuple[TaskOutcome, ...]

    @property
    def task_label(self) -> str:
        return self.task_type.label


@dataclass(frozen=True)
class Queue:
    rows: tuple[QueueRow, ...]
    as_at: date
    names_open: bool

    def count(self, group: QueueGroup) -> int:
        return sum(1 for r in self.rows if r.group is group)


def _names(session: Session, seal: Sealer | None, victim_ids: set[int]) -> dict[int, str]:
    if seal is None or not victim_ids:
        return {}
    found = {}
    for vid, blob in session.execute(
        select(Victim.id, Victim.name_enc).where(Victim.id.in_(victim_ids))
    ):
        found[vid] = seal.open("victim", "name_enc", vid, blob) if blob else ""
    return found


@guarded_read(*VLO_ROLES, action=READ)
def task_queue(
    session: Session,
    actor: Actor,
    pdu_id: int,
    vlo_user_id: int | None = None,
    search: str = "",
) -> Queue:
    """Open tasks of the PDU (or one VLO's), soonest first, with their groups.

    ``search`` matches the person's CRN or name, the case reference, and,
    for an actor with victims' details open, the victim's name. The bench
    times this read (a VLO's queue of 2,000 tasks) beside raw SQL.
    """
    actor.require_pdu(pdu_id, READ)
    return build_queue(session, pdu_id, vlo_user_id, search, sealer_or_none(session, actor))


def build_queue(
    session: Session,
    pdu_id: int,
    vlo_user_id: int | None = None,
    search: str = "",
    seal: Sealer | None = None,
) -> Queue:
    """The queue itself, for a caller who checked the actor (:func:`task_queue`).

    Plain columns, not ORM objects, in one statement, and one more for the
    victims' sealed names when ``seal`` is given.
    """
    as_at = clock.today()
    query = (
        select(
            VictimTask.id.label("task_id"),
            VictimTask.victim_id,
            VictimTask.task_type,
            VictimTask.detail,
            VictimTask.due_date,
            VcsCase.id.label("case_id"),
            VcsCase.version,
            VcsCase.vcs_case_ref,
            VcsCase.vlo_user_id,
            Person.crn,
            Person.forename,
            Person.surname,
            AppUser.display_name.label("vlo_name"),
        )
        .join(VcsCase, VcsCase.id == VictimTask.vcs_case_id)
        .join(Person, Person.id == VcsCase.person_id)
        .outerjoin(AppUser, AppUser.id == VcsCase.vlo_user_id)
        .where(VictimTask.status == TaskStatus.OPEN.value, VcsCase.pdu_id == pdu_id)
        .order_by(VictimTask.due_date, VictimTask.id)
    )
    if vlo_user_id is not None:
        query = query.where(VcsCase.vlo_user_id == vlo_user_id)
    found = session.execute(query).all()
    names = _names(session, seal, {r.victim_id for r in found if r.victim_id is not None})
    needle = " ".join(search.split()).casefold()
    rows = []
    for r in found:
        victim_name = names.get(r.victim_id, "") if r.victim_id is not None else ""
        person = f"{r.forename} {r.surname}"
        texts = (r.crn, person, r.vcs_case_ref, victim_name)
        if needle and not any(needle in text.casefold() for text in texts):
            continue
        kind = TaskType(r.task_type)
        rows.append(
            QueueRow(
                r.task_id,
                r.case_id,
                r.version,
                r.vcs_case_ref,
                r.crn,
                person,
                r.victim_id,
                victim_name,
                kind,
                r.detail,
                r.due_date,
                queue_group(r.due_date, as_at),
                days_overdue(r.due_date, as_at),
                r.vlo_user_id,
                r.vlo_name or "",
                kind.outcomes,
            )
        )
    return Queue(tuple(rows), as_at, seal is not None)


@dataclass(frozen=True)
class VloChoice:
    user_id: int
    name: str


@guarded_read(*VLO_ROLES, action=READ)
def vlo_choices(session: Session, actor: Actor, pdu_id: int) -> list[VloChoice]:
    """The active VLOs covering the PDU: whom a case or a queue can be for."""
    from app.db.models import UserPdu, UserRole

    actor.require_pdu(pdu_id, READ)
    rows = session.execute(
        select(AppUser.id, AppUser.display_name)
        .join(UserRole, UserRole.user_id == AppUser.id)
        .join(UserPdu, UserPdu.user_id == AppUser.id)
        .where(
            UserRole.role == Role.VLO.value,
            UserPdu.pdu_id == pdu_id,
            AppUser.active.is_(True),
        )
        .order_by(AppUser.display_name)
    )
    return [VloChoice(uid, name) for uid, name in rows]


def _side_effects(session: Session, task: VictimTask, outcome: TaskOutcome, on: date) -> None:
    """What an outcome tells of the victim: a reply, an offer sent, a case not eligible."""
    victim = session.get(Victim, task.victim_id) if task.victim_id is not None else None
    case = session.get(VcsCase, task.vcs_case_id)
    assert case is not None
    kind = TaskType(task.task_type)
    if outcome is TaskOutcome.OPTED_IN:
        if victim is not None:
            victim.opted_in_date = on
        else:
            case.opted_in_date = on
    elif outcome is TaskOutcome.OPTED_OUT:
        if victim is not None:
            victim.opted_out_date = on
        else:
            case.opted_out_date = on
    elif outcome is TaskOutcome.NOT_ELIGIBLE:
        case.closed_on = on
    if kind is TaskType.FIRST_OFFER and outcome is not TaskOutcome.NOT_NEEDED:
        if victim is not None and victim.first_offer_date is None:
            victim.first_offer_date = on
        elif victim is None and case.first_offer_date is None:
            case.first_offer_date = on
    method = METHOD_OF_OUTCOME.get(outcome)
    if method is not None:
        session.add(
            VictimContact(
                vcs_case_id=case.id,
                victim_id=task.victim_id,
                contact_date=on,
                method=method,
                task_id=task.id,
                recorded_by=None,
            )
        )


@write_service(*VLO_ROLES, action=WORK)
def complete_task(
    session: Session,
    actor: Actor,
    task_id: int,
    outcome: TaskOutcome,
    on: date | None = None,
    note: str = "",
) -> int:
    """Complete an open task with its outcome; the case's tasks follow (a reply ends offers)."""
    task = session.get(VictimTask, task_id)
    if task is None:
        raise NotFound("That task no longer exists.")
    case = get_case(session, actor, task.vcs_case_id)
    if task.status != TaskStatus.OPEN.value:
        raise ConflictError(
            "This task was completed or withdrawn since you looked: the queue shows it now."
        )
    kind = TaskType(task.task_type)
    if outcome not in kind.outcomes:
        raise UserError(f"{outcome.label} is not an outcome of {kind.label.lower()}.")
    day = on or clock.today()
    if day > clock.today():
        raise UserError("A task cannot be completed on a day still to come.")
    task.status, task.outcome, task.completed_on = TaskStatus.COMPLETED.value, outcome.value, day
    task.completed_by = actor.user_id
    if note.strip():
        seal = sealer_or_none(session, actor)
        if seal is None:
            raise UserError("Open victims' details to add a note: notes are sealed.")
        task.note_enc = seal.seal("victim_task", "note_enc", task.id, note.strip())
    _side_effects(session, task, outcome, day)
    session.flush()
    for contact in session.new:
        if isinstance(contact, VictimContact):
            contact.recorded_by = actor.user_id
    replan(session, case)
    audit.record(
        session,
        actor,
        "vcs.task_completed",
        "vcs_case",
        case.vcs_case_ref,
        summary=f"{kind.label} completed ({outcome.label.lower()}) on VCS case {case.vcs_case_ref}",
        after={"task_id": task.id, "outcome": outcome.value, "on": day, "note": bool(note.strip())},
    )
    return task.id


@write_service(*VLO_ROLES, action=WORK)
def add_task(
    session: Session,
    actor: Actor,
    case_id: int,
    task_type: TaskType,
    due: date,
    victim_id: int | None = None,
    detail: str = "",
) -> int:
    """A task the VLO adds by hand (no key: the rules never withdraw it, but an opt-out)."""
    case = get_case(session, actor, case_id)
    if case.closed_on is not None:
        raise UserError(f"VCS case {case.vcs_case_ref} is closed.")
    if victim_id is not None and session.get(Victim, victim_id) is None:
        raise NotFound("That victim is no longer recorded.")
    task = VictimTask(
        vcs_case_id=case.id,
        victim_id=victim_id,
        task_type=task_type.value,
        task_key=None,
        detail=" ".join(detail.split()) or task_type.label,
        due_date=due,
        status=TaskStatus.OPEN.value,
        created_at=clock.now().replace(tzinfo=None),
    )
    session.add(task)
    session.flush()
    audit.record(
        session,
        actor,
        "vcs.task_added",
        "vcs_case",
        case.vcs_case_ref,
        summary=f"{task_type.label} added by hand to VCS case {case.vcs_case_ref}",
        after={"task_id": task.id, "due": due},
    )
    return task.id
