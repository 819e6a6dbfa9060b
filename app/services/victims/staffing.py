"""A leaving VLO: their cases (and so their tasks) must be reassigned first (issue 19).

The users services call :func:`require_no_open_cases` before disabling an
account or taking the VLO role from it; :func:`reassign_cases` is how the
Head of PDU (or a VLO) hands a VLO's open cases to another.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import AppUser
from app.db.victim_models import VcsCase, VictimTask
from app.domain.codes import Role
from app.domain.victims_task_types import TaskStatus
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.changes import Kind
from app.services.core.errors import UserError
from app.services.core.permissions import write_service
from app.services.core.unit_of_work import touch
from app.services.victims.cases import VLO_ROLES, require_vlo_user


def open_work(session: Session, user_id: int) -> tuple[int, int]:
    """The open VCS cases a VLO holds and the open tasks on them."""
    cases = int(
        session.scalar(
            select(func.count())
            .select_from(VcsCase)
            .where(VcsCase.vlo_user_id == user_id, VcsCase.closed_on.is_(None))
        )
        or 0
    )
    tasks = int(
        session.scalar(
            select(func.count())
            .select_from(VictimTask)
            .join(VcsCase, VcsCase.id == VictimTask.vcs_case_id)
            .where(VcsCase.vlo_user_id == user_id, VictimTask.status == TaskStatus.OPEN.value)
        )
        or 0
    )
    return cases, tasks


def require_no_open_cases(session: Session, user_id: int) -> None:
    """Refuse to disable a VLO (or take their role) while they hold open cases."""
    cases, tasks = open_work(session, user_id)
    if cases == 0:
        return
    user = session.get(AppUser, user_id)
    name = user.username if user else str(user_id)
    raise UserError(
        f"{name} still holds {cases} open VCS case{'s' if cases != 1 else ''} with {tasks} open "
        f"task{'s' if tasks != 1 else ''}: reassign them to another VLO on the Victim liaison "
        "screen first."
    )


@write_service(*VLO_ROLES, action="reassign victim liaison cases")
def reassign_cases(session: Session, actor: Actor, from_user_id: int, to_user_id: int) -> int:
    """Hand every open case of one VLO (in the actor's PDUs) to another; how many moved."""
    if from_user_id == to_user_id:
        raise UserError("Choose another VLO to take the cases.")
    require_vlo_user(session, to_user_id)
    cases = list(
        session.scalars(
            select(VcsCase).where(VcsCase.vlo_user_id == from_user_id, VcsCase.closed_on.is_(None))
        )
    )
    moved = [c for c in cases if actor.covers(c.pdu_id)]
    for case in moved:
        case.vlo_user_id = to_user_id
        case.version += 1
    session.flush()
    touch(session, Kind.VCS_CASE, [c.id for c in moved])
    audit.record(
        session,
        actor,
        "vcs.cases_reassigned",
        "app_user",
        str(from_user_id),
        summary=f"{len(moved)} open VCS cases reassigned to another VLO",
        after={"from_user_id": from_user_id, "to_user_id": to_user_id, "cases": len(moved)},
    )
    return len(moved)


def holds_vlo_role(session: Session, user_id: int) -> bool:
    from app.db.models import UserRole

    found = session.scalar(
        select(UserRole.user_id).where(UserRole.user_id == user_id, UserRole.role == Role.VLO.value)
    )
    return found is not None
