"""Errors a user can act on. Anything else is a bug and is reported as one."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; the message is written for them."""


class PermissionDenied(UserError):
    """The signed-in user's role does not allow this (SPEC.md 1)."""


class NotFound(UserError):
    """The record asked for does not exist (any more)."""


class ConflictError(UserError):
    """Someone else changed the record first; the message says what changed."""


def is_store_unavailable(error: BaseException) -> bool:
    """The database could not be reached (locked, read-only, disk full, server down)."""
    from sqlalchemy.exc import OperationalError

    return isinstance(error, OperationalError)
