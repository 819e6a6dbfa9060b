"""Sign-in rules: the password policy, lockout and the idle lock (SPEC.md 9).

Passwords are at least 12 characters and never one of the common passwords
shipped in ``resources/common-passwords.txt`` (the NCSC's advice: length and
a deny-list beat composition rules). Five failed sign-ins lock an account
for 15 minutes; the window locks after 15 idle minutes. Demo databases alone
are exempt from the password policy (their accounts' password is ``demo``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from app.domain.setting_spec import SettingSpec

DEMO_PASSWORD = "demo"
"""Every account of a demo database signs in with this (demo databases only)."""

SIGNIN_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "password_min_length",
        int,
        12,
        "Characters a password needs at least",
        "NCSC password guidance: length over complexity; SPEC.md 9",
        12,
        128,
    ),
    SettingSpec(
        "signin_max_failures",
        int,
        5,
        "Failed sign-ins in a row that lock an account",
        "SPEC.md 9: five failed sign-ins lock the account",
        3,
        20,
    ),
    SettingSpec(
        "signin_lockout_minutes",
        int,
        15,
        "Minutes an account stays locked after too many failed sign-ins",
        "SPEC.md 9",
        1,
        1440,
    ),
    SettingSpec(
        "idle_lock_minutes",
        int,
        15,
        "Idle minutes before the window locks and asks for the password again",
        "SPEC.md 9: the window locks after 15 idle minutes",
        1,
        240,
    ),
    SettingSpec(
        "password_hash_time_cost",
        int,
        2,
        "Password hashing: Argon2id passes",
        "OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB, 2 passes, 1 lane",
        1,
        20,
    ),
    SettingSpec(
        "password_hash_memory_kib",
        int,
        19456,
        "Password hashing: Argon2id memory in KiB",
        "OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB, 2 passes, 1 lane",
        8,
        4_194_304,
    ),
    SettingSpec(
        "password_hash_parallelism",
        int,
        1,
        "Password hashing: Argon2id lanes",
        "OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB, 2 passes, 1 lane",
        1,
        16,
    ),
)


def normalise_password(password: str) -> str:
    """How a password is compared with the common list: case and spaces ignored."""
    return "".join(password.split()).casefold()


def parse_common_passwords(lines: Iterable[str]) -> frozenset[str]:
    """The deny-list from its file: one password a line, ``#`` starts a comment."""
    return frozenset(
        normalise_password(line) for line in lines if line.strip() and not line.startswith("#")
    )


def password_problem(
    password: str,
    *,
    min_length: int,
    common: frozenset[str],
    names: Iterable[str] = (),
) -> str | None:
    """Why a new password is refused, in the user's words; None when it will do.

    ``names``: the account's username and display name, which a password may
    not simply repeat.
    """
    if len(password) < min_length:
        return f"A password needs at least {min_length} characters; this one has {len(password)}."
    key = normalise_password(password)
    if key in common:
        return "That password is on the list of common passwords: choose another."
    if len(set(key)) <= 2:
        return "That password repeats the same characters: choose another."
    if any(key == normalise_password(name) for name in names if name):
        return "A password may not be the account's own name: choose another."
    return None


def locked_until(
    failures: int, now: datetime, *, max_failures: int, minutes: int
) -> datetime | None:
    """When an account with ``failures`` failed sign-ins in a row unlocks; None if not locked."""
    if failures < max_failures:
        return None
    return now + timedelta(minutes=minutes)
