"""Passwords: changing one's own, the Head's reset of another's, the first Head.

A password reset by someone else must be changed at the next sign-in. The
first Head of PDU of an empty SQLite database is made in the window at first
start; on a shared store only the command line makes the first Head of a PDU
(``pdu-manager users create-head``, while that PDU has none), and whoever
maintains the database resets a Head's password from the command line. Every
one of these is audited, never with the password or its hash.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import AppUser, Pdu, UserRole
from app.domain.codes import PEOPLE_ROLES, Role
from app.services.core import audit
from app.services.core.actor import SYSTEM_USERNAME, Actor, load_actor
from app.services.core.errors import NotFound, PermissionDenied, UserError
from app.services.core.permissions import write_service
from app.services.users import passwords
from app.services.users.accounts import (
    MANAGE,
    UserForm,
    _require_covers,
    _stored_pdus,
    active_heads,
    add_account,
    clean_username,
    describe,
    get_user,
)
from app.services.victims import keys


def _set_password(session: Session, user: AppUser, password: str, *, must_change: bool) -> None:
    passwords.check_new_password(session, password, user.username, user.display_name)
    user.password_hash = passwords.hash_password(session, password)
    user.must_change_password = must_change
    user.failed_attempts, user.locked_until = 0, None
    session.flush()


@write_service(Role.HEAD_OF_PDU, action=MANAGE)
def reset_password(session: Session, actor: Actor, user_id: int, new_password: str) -> int:
    """Give a user a new password they must change at their next sign-in; unlocks them."""
    user = get_user(session, user_id)
    _require_covers(actor, _stored_pdus(session, user.id))
    _set_password(session, user, new_password, must_change=True)
    # Nobody else knows the old password: a new key pair; the Head's open keyring re-shares.
    keys.replace_user_key(session, user.id, new_password)
    keys.share_pending(session, actor)
    audit.record(
        session,
        actor,
        "user.password_reset",
        "user",
        user.username,
        summary=f"Password of {user.username} reset; to be changed at the next sign-in",
        after={"must_change_password": True, "unlocked": True},
    )
    return user.id


@write_service(*PEOPLE_ROLES, action="change their own password")
def change_own_password(
    session: Session, actor: Actor, current_password: str, new_password: str
) -> int:
    """The signed-in user changes their own password, giving the current one first."""
    user = session.get(AppUser, actor.user_id) if actor.user_id is not None else None
    if user is None or not user.active:
        raise NotFound("Your account no longer exists or is disabled.")
    if not passwords.matches(user.password_hash, current_password):
        raise UserError("Your current password is not the one typed: nothing was changed.")
    if current_password == new_password:
        raise UserError("Choose a new password, not the current one.")
    _set_password(session, user, new_password, must_change=False)
    # The same private key, wrapped under the new password in the same transaction.
    keys.rewrap_user_key(session, user.id, current_password, new_password)
    audit.record(
        session,
        actor,
        "user.password_changed",
        "user",
        user.username,
        summary=f"{user.username} changed their password",
        after={"must_change_password": False},
    )
    return user.id


# --- the first Head of PDU, and the database maintainer's reset -----------------------------


def needs_first_head(session: Session) -> bool:
    """No one can sign in as Head of PDU yet: no active Head account with a password."""
    found = session.scalar(
        select(AppUser.id)
        .join(UserRole, UserRole.user_id == AppUser.id)
        .where(
            UserRole.role == Role.HEAD_OF_PDU.value,
            AppUser.active.is_(True),
            AppUser.password_hash.is_not(None),
        )
        .limit(1)
    )
    return found is None


def _head_form(display_name: str, pdu_ids: frozenset[int]) -> UserForm:
    name = " ".join(display_name.split())
    if not name:
        raise UserError("Give the Head of PDU's name.")
    if not pdu_ids:
        raise UserError("Choose the PDU (or PDUs) the Head of PDU covers.")
    return UserForm(name, frozenset({Role.HEAD_OF_PDU}), pdu_ids)


def create_first_head(
    session: Session, username: str, display_name: str, password: str, pdu_ids: frozenset[int]
) -> Actor:
    """The first Head of PDU of a store nobody can sign in to yet (the window's first start).

    Refused once a Head of PDU can sign in: from then on, users are added in
    Administration. The new Head is the actor of its own audit entry.
    """
    if not needs_first_head(session):
        raise PermissionDenied("This database already has a Head of PDU: sign in instead.")
    user = add_account(
        session, username, password, _head_form(display_name, pdu_ids), must_change=False
    )
    actor = load_actor(session, user.id)
    audit.record(
        session,
        actor,
        "user.created",
        "user",
        user.username,
        summary=f"First Head of PDU {user.username} ({user.display_name}) set up at first start",
        after=describe(session, user),
    )
    return actor


@write_service(Role.SYSTEM, action="create the first Head of PDU")
def create_head(
    session: Session,
    actor: Actor,
    username: str,
    display_name: str,
    password: str,
    pdu_numbers: list[int],
) -> int:
    """The command line makes the first Head of PDU of PDUs that have none.

    They must change the password at their first sign-in (whoever ran the
    command knows it).
    """
    pdu_ids: set[int] = set()
    for number in pdu_numbers:
        pdu = session.scalar(select(Pdu).where(Pdu.number == number))
        if pdu is None:
            raise UserError(f"There is no PDU {number}: give a number from 1 to 108.")
        if active_heads(session, pdu.id) > 0:
            raise PermissionDenied(
                f"{pdu.number}. {pdu.name} already has a Head of PDU: they add users in "
                "Administration, and the database maintainer resets a Head's password with "
                "pdu-manager users reset-password."
            )
        pdu_ids.add(pdu.id)
    form = _head_form(display_name, frozenset(pdu_ids))
    user = add_account(session, username, password, form, must_change=True)
    audit.record(
        session,
        actor,
        "user.created",
        "user",
        user.username,
        summary=f"Head of PDU {user.username} ({user.display_name}) created from the command line",
        after=describe(session, user),
    )
    return user.id


@write_service(Role.SYSTEM, action="reset a Head of PDU's password")
def reset_head_password(session: Session, actor: Actor, username: str, new_password: str) -> int:
    """The database maintainer resets a Head of PDU's password; they change it at next sign-in."""
    name = clean_username(username) if username != SYSTEM_USERNAME else username
    user = session.scalar(select(AppUser).where(AppUser.username == name))
    if user is None or user.username == SYSTEM_USERNAME:
        raise NotFound(f"There is no account called {username}.")
    roles = set(session.scalars(select(UserRole.role).where(UserRole.user_id == user.id)))
    if Role.HEAD_OF_PDU.value not in roles:
        raise PermissionDenied(
            f"{user.username} is not a Head of PDU: their Head of PDU resets their password "
            "in Administration."
        )
    _set_password(session, user, new_password, must_change=True)
    keys.replace_user_key(session, user.id, new_password)
    audit.record(
        session,
        actor,
        "user.password_reset",
        "user",
        user.username,
        summary=f"Password of Head of PDU {user.username} reset from the command line",
        after={"must_change_password": True, "unlocked": True},
    )
    return user.id
