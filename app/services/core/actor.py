"""Who is acting: every service call takes the acting user (SPEC.md 1).

A signed-in user holds one or more roles and covers some PDUs and teams (their
scope); the command line acts as the system account "command line", which
covers every PDU but may only import, build returns, make the demo and
maintain the database (SPEC.md 1). Services check both role and scope.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import AppUser, UserPdu, UserRole, UserTeam
from app.domain.codes import Role
from app.services.core.errors import NotFound, PermissionDenied
from app.services.core.keyring import Keyring

SYSTEM_USERNAME = "command line"


def os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USERNAME", "unknown")


def _who(roles: tuple[Role, ...]) -> str:
    names = [r.who for r in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def who_may(roles: tuple[Role, ...], action: str) -> str:
    """The sentence a screen shows beside what a user cannot do."""
    return f"Only {_who(roles)} can {action}."


@dataclass(frozen=True)
class Actor:
    """The signed-in user, as the services see them: roles and scope.

    ``pdu_ids``: the PDUs they cover; ``team_ids``: the teams chosen for them
    in Administration (an SPO's also include the teams their staff record
    leads, looked up when needed). ``everywhere``: the system account covers
    every PDU.
    """

    user_id: int | None
    username: str
    display_name: str
    roles: frozenset[Role]
    os_login: str = ""
    pdu_ids: frozenset[int] = field(default_factory=frozenset)
    team_ids: frozenset[int] = field(default_factory=frozenset)
    staff_id: int | None = None
    everywhere: bool = False
    # The window's keys to victims' details, opened with the password; never the command line's.
    keyring: Keyring | None = field(default=None, compare=False, repr=False)

    @property
    def roles_label(self) -> str:
        ordered = [r for r in Role if r in self.roles]
        return ", ".join(r.label for r in ordered) or "no role"

    def has(self, *roles: Role) -> bool:
        """Whether the actor holds any of ``roles``."""
        return not self.roles.isdisjoint(roles)

    def require(self, *roles: Role, action: str) -> None:
        """Refuse unless the actor holds one of ``roles``."""
        if not self.has(*roles):
            raise PermissionDenied(
                f"{self.display_name} ({self.roles_label}) may not {action}: "
                f"this needs {_who(roles)}."
            )

    def covers(self, pdu_id: int | None) -> bool:
        """Whether the PDU is one of the actor's (the system account covers all)."""
        return self.everywhere or (pdu_id is not None and pdu_id in self.pdu_ids)

    def require_pdu(self, pdu_id: int | None, action: str) -> None:
        """Refuse work in a PDU the actor does not cover."""
        if not self.covers(pdu_id):
            raise PermissionDenied(
                f"{self.display_name} may not {action} in a PDU they do not cover: "
                "ask that PDU's Head of PDU."
            )


def load_actor(session: Session, user_id: int) -> Actor:
    """The actor of a stored user, with their roles and scope as stored now."""
    user = session.get(AppUser, user_id)
    if user is None:
        raise NotFound("That account no longer exists.")
    roles = frozenset(
        Role(r) for r in session.scalars(select(UserRole.role).where(UserRole.user_id == user_id))
    )
    pdus = frozenset(session.scalars(select(UserPdu.pdu_id).where(UserPdu.user_id == user_id)))
    teams = frozenset(session.scalars(select(UserTeam.team_id).where(UserTeam.user_id == user_id)))
    return Actor(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=roles,
        os_login=os_login(),
        pdu_ids=pdus,
        team_ids=teams,
        staff_id=user.staff_id,
        everywhere=Role.SYSTEM in roles,
    )


def system_actor(session: Session) -> Actor:
    """The command line's system account, recorded with the operating-system login.

    It has no password and never signs in to the window.
    """
    user = session.scalar(select(AppUser).where(AppUser.username == SYSTEM_USERNAME))
    if user is None:
        user = AppUser(username=SYSTEM_USERNAME, display_name="Command line", active=True)
        session.add(user)
        session.flush()
    if session.get(UserRole, (user.id, Role.SYSTEM.value)) is None:
        session.add(UserRole(user_id=user.id, role=Role.SYSTEM.value))
        session.flush()
    return load_actor(session, user.id)
