"""Who is acting: every service call takes the acting user (SPEC.md 1)."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import AppUser
from app.domain.codes import Role
from app.services.core.errors import PermissionDenied

SYSTEM_USERNAME = "command line"
LOCAL_USERNAME = "local"


def os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USERNAME", "unknown")


@dataclass(frozen=True)
class Actor:
    """The signed-in user, as the services see them."""

    user_id: int | None
    username: str
    display_name: str
    role: Role
    os_login: str = ""
    pdu_id: int | None = None
    staff_id: int | None = None

    def require(self, *roles: Role, action: str) -> None:
        """Refuse unless the actor has one of ``roles``."""
        if self.role not in roles:
            allowed = ", ".join(r.label for r in roles)
            raise PermissionDenied(
                f"{self.display_name} ({self.role.label}) may not {action}: this needs {allowed}."
            )


def _ensure_user(session: Session, username: str, display_name: str, role: Role) -> AppUser:
    user = session.scalar(select(AppUser).where(AppUser.username == username))
    if user is None:
        user = AppUser(username=username, display_name=display_name, role=role.value)
        session.add(user)
        session.flush()
    return user


def _actor(user: AppUser) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        os_login=os_login(),
        pdu_id=user.pdu_id,
        staff_id=user.staff_id,
    )


def system_actor(session: Session) -> Actor:
    """The command line's system account, recorded with the operating-system login."""
    user = _ensure_user(session, SYSTEM_USERNAME, "Command line", Role.SYSTEM)
    return _actor(user)


def local_actor(session: Session) -> Actor:
    """The local default account used until sign-in exists: a Head of PDU."""
    user = _ensure_user(session, LOCAL_USERNAME, f"Local user ({os_login()})", Role.HEAD_OF_PDU)
    return _actor(user)
