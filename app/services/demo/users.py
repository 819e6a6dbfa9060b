"""The demo's accounts: one per role, each with the password ``demo`` (SPEC.md 6).

The demo Head of PDU is set up by the system account writing the demo; the
Head then adds the other accounts through the users service, so the audit
log shows who added whom. Demo databases alone are exempt from the password
policy, and nobody is made to change ``demo`` at first sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db.models import AppUser, Staff
from app.domain.codes import Grade, Role
from app.domain.signin import DEMO_PASSWORD
from app.services.core import audit
from app.services.core.actor import Actor, load_actor
from app.services.core.keyring import Keyring
from app.services.users.accounts import UserForm, add_account, create_user, describe

DEMO_USERS: tuple[tuple[str, Role, Grade | None], ...] = (
    ("head", Role.HEAD_OF_PDU, Grade.HEAD_OF_PDU),
    ("spo", Role.SPO, Grade.SPO),
    ("admin", Role.ADMIN, Grade.CASE_ADMIN),
    ("upw", Role.UPW_MANAGER, None),
    ("vlo", Role.VLO, None),
)
"""Username, role and the grade of the demo staff record the account is linked to."""
_NAMES = {Role.UPW_MANAGER: "Una Payne", Role.VLO: "Vic Lowe"}


@dataclass(frozen=True)
class DemoUsers:
    """The demo's actors by role: who writes the demo's history."""

    head: Actor
    spo: Actor
    vlo_id: int | None = None


def _staff(session: Session, staff_ids: list[int], grade: Grade) -> Staff | None:
    return session.scalar(
        select(Staff).where(Staff.id.in_(staff_ids), Staff.grade == grade.value).order_by(Staff.id)
    )


def create_demo_users(
    session: Session, system: Actor, pdu_id: int, staff_ids: list[int]
) -> DemoUsers:
    """One account per role in the demo PDU; the SPO leads the first team."""
    made: dict[Role, Actor] = {}
    head: Actor | None = None
    for username, role, grade in DEMO_USERS:
        staff = _staff(session, staff_ids, grade) if grade else None
        name = f"{staff.forename} {staff.surname}" if staff else _NAMES[role]
        form = UserForm(
            name, frozenset({role}), frozenset({pdu_id}), staff_id=staff.id if staff else None
        )
        if head is None:
            user = add_account(session, username, DEMO_PASSWORD, form, must_change=False)
            audit.record(
                session,
                system,
                "user.created",
                "user",
                user.username,
                summary=f"Demo Head of PDU {user.username} ({user.display_name}) added",
                after=describe(session, user),
            )
            # Holding a keyring, the Head keeps the data key created when they add the VLO,
            # and writes the demo's victims sealed with it.
            head = replace(load_actor(session, user.id), keyring=Keyring())
            made[role] = head
            continue
        made[role] = load_actor(session, create_user(session, head, username, DEMO_PASSWORD, form))
    session.execute(
        update(AppUser)
        .where(AppUser.username.in_([u for u, _r, _g in DEMO_USERS]))
        .values(must_change_password=False)
    )
    assert head is not None
    return DemoUsers(head=head, spo=made[Role.SPO], vlo_id=made[Role.VLO].user_id)
