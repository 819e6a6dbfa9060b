"""Password hashing (Argon2id) and the password policy (SPEC.md 9).

The hashing cost is a setting (tests use cheap values); a stored hash carries
its own parameters, so raising the cost rehashes each password at its next
sign-in. Passwords are never logged and never written to the audit log.
"""

from __future__ import annotations

import functools
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import AuditEntry
from app.domain.signin import parse_common_passwords, password_problem
from app.services.core import settings
from app.services.core.errors import UserError

DEMO_ACTIONS = ("demo.started", "demo.created")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The deny-list shipped in ``resources/common-passwords.txt``."""
    text = resources.files("app.resources").joinpath("common-passwords.txt").read_text("utf-8")
    return parse_common_passwords(text.splitlines())


def hasher(session: Session) -> PasswordHasher:
    """An Argon2id hasher with the cost in force today (settings)."""
    today = clock.today()
    return PasswordHasher(
        time_cost=int(settings.get(session, "password_hash_time_cost", today)),
        memory_cost=int(settings.get(session, "password_hash_memory_kib", today)),
        parallelism=int(settings.get(session, "password_hash_parallelism", today)),
    )


def hash_password(session: Session, password: str) -> str:
    return hasher(session).hash(password)


def matches(stored: str | None, password: str) -> bool:
    """Whether ``password`` is the one hashed in ``stored`` (False for no hash or a bad one)."""
    if not stored:
        return False
    try:
        return PasswordHasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def is_demo_store(session: Session) -> bool:
    """A demo database (its accounts' password is ``demo``, exempt from the policy)."""
    found = session.scalar(
        select(AuditEntry.id).where(AuditEntry.action.in_(DEMO_ACTIONS)).limit(1)
    )
    return found is not None


def check_new_password(session: Session, password: str, *names: str) -> None:
    """Refuse a password the policy does not allow, saying why (demo databases excepted)."""
    if not password:
        raise UserError("Type a password.")
    if is_demo_store(session):
        return
    problem = password_problem(
        password,
        min_length=int(settings.get(session, "password_min_length", clock.today())),
        common=common_passwords(),
        names=names,
    )
    if problem is not None:
        raise UserError(problem)
