"""Signing in, and signing in again to unlock an idle window (SPEC.md 9).

Five failed sign-ins in a row lock the account for 15 minutes (settings);
a locked account is not even checked until then. The answer to a wrong
username and to a wrong password is the same. A successful sign-in rehashes
a password stored with an older hashing cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import AppUser, UserRole
from app.domain.codes import PEOPLE_ROLES, Role
from app.domain.signin import locked_until
from app.services.core import audit, settings
from app.services.core.actor import SYSTEM_USERNAME, Actor, load_actor
from app.services.core.permissions import write_service
from app.services.users import passwords

WRONG = "The username or password is wrong."


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in: the actor, or why not (``refusal``, for the user)."""

    actor: Actor | None
    refusal: str = ""
    must_change_password: bool = False

    @property
    def ok(self) -> bool:
        return self.actor is not None


def _local_time(at: datetime) -> str:
    return at.replace(tzinfo=UTC).astimezone().strftime("%H:%M")


def _failed(session: Session, user: AppUser, now: datetime) -> SignIn:
    """Count a failure; lock the account after too many (audited, as the account itself)."""
    today = now.date()
    user.failed_attempts += 1
    until = locked_until(
        user.failed_attempts,
        now,
        max_failures=int(settings.get(session, "signin_max_failures", today)),
        minutes=int(settings.get(session, "signin_lockout_minutes", today)),
    )
    if until is None:
        session.flush()
        return SignIn(None, WRONG)
    user.locked_until = until
    session.flush()
    audit.record(
        session,
        load_actor(session, user.id),
        "user.locked",
        "user",
        user.username,
        summary=f"{user.username} locked after {user.failed_attempts} failed sign-ins",
        after={"locked_until": until, "failed_attempts": user.failed_attempts},
    )
    return SignIn(
        None, f"{WRONG} Too many failed sign-ins: the account is locked until {_local_time(until)}."
    )


def sign_in(session: Session, username: str, password: str) -> SignIn:
    """Check a username and password; commit the caller's transaction whatever the answer.

    A failure is counted in the store, so the caller must commit even when
    the answer is a refusal.
    """
    name = username.strip().lower()
    user = session.scalar(select(AppUser).where(AppUser.username == name))
    if user is None or user.username == SYSTEM_USERNAME or not user.password_hash:
        return SignIn(None, WRONG)
    now = clock.now().replace(tzinfo=None)
    if user.locked_until is not None:
        if user.locked_until > now:
            return SignIn(
                None,
                "Too many failed sign-ins: the account is locked until "
                f"{_local_time(user.locked_until)}. Try again then, or ask your Head of PDU.",
            )
        user.locked_until, user.failed_attempts = None, 0
    if not passwords.matches(user.password_hash, password):
        return _failed(session, user, now)
    if not user.active:
        return SignIn(None, "This account is disabled: ask your Head of PDU.")
    roles = set(session.scalars(select(UserRole.role).where(UserRole.user_id == user.id)))
    if not roles or Role.SYSTEM.value in roles:
        return SignIn(None, "This account has no role yet: ask your Head of PDU.")
    user.failed_attempts = 0
    hasher = passwords.hasher(session)
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    session.flush()
    return SignIn(load_actor(session, user.id), must_change_password=user.must_change_password)


@write_service(*PEOPLE_ROLES, action="unlock the window")
def unlock(session: Session, actor: Actor, password: str) -> SignIn:
    """The signed-in user types their password again to unlock the idle window."""
    return sign_in(session, actor.username, password)


def idle_lock_seconds(session: Session) -> int:
    """How long the window waits idle before it locks (a setting, in minutes)."""
    return 60 * int(settings.get(session, "idle_lock_minutes", clock.today()))


def demo_store(session: Session) -> bool:
    """Whether this is a demo database (its accounts' password is ``demo``)."""
    return passwords.is_demo_store(session)


DEMO_HEAD = "head"


def demo_head(session: Session) -> Actor | None:
    """The demo database's Head of PDU, signed in without a password; None in any other.

    ``pdu-manager --demo`` starts signed in as them (SPEC.md 6).
    """
    if not passwords.is_demo_store(session):
        return None
    user = session.scalar(
        select(AppUser).where(AppUser.username == DEMO_HEAD, AppUser.active.is_(True))
    )
    return None if user is None else load_actor(session, user.id)
