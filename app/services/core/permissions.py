"""The register of guarded services: who may call each one (SPEC.md 1).

Every write service carries :func:`write_service`, naming the roles that may
call it; the check runs before the service's own body, which then checks
scope (the PDU, the team). Reads that only some roles may make carry
:func:`guarded_read`. Screens ask :func:`may` to disable what a user cannot
do and :func:`who_can` for the tooltip saying who can; the check that
counts is the service's. A test calls every registered service as every
role, and scans the services for any that take an actor unregistered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from app.domain.codes import PEOPLE_ROLES, Role
from app.services.core.actor import Actor, who_may

P = ParamSpec("P")
R = TypeVar("R")
Service = Callable[Concatenate[Session, Actor, P], R]

EVERY_ROLE: tuple[Role, ...] = (*PEOPLE_ROLES, Role.SYSTEM)
"""Every role, the command line's included (work the clock makes due, say)."""


@dataclass(frozen=True)
class Guard:
    """Who may call one service, and what it does in the user's words."""

    name: str
    roles: tuple[Role, ...]
    action: str
    writes: bool

    def allows(self, actor: Actor) -> bool:
        return actor.has(*self.roles)

    @property
    def who(self) -> str:
        return who_may(self.roles, self.action)


REGISTRY: dict[str, Guard] = {}
"""Every guarded service by its dotted name (``app.services.allocation.writes.allocate``)."""
_BY_FUNCTION: dict[Callable[..., Any], Guard] = {}


def _guarded(
    roles: tuple[Role, ...], action: str, writes: bool
) -> Callable[[Service[P, R]], Service[P, R]]:
    if not roles:
        raise ValueError("a guarded service names at least one role")

    def decorate(fn: Service[P, R]) -> Service[P, R]:
        guard = Guard(f"{fn.__module__}.{fn.__qualname__}", roles, action, writes)

        @functools.wraps(fn)
        def checked(session: Session, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> R:
            actor.require(*roles, action=action)
            return fn(session, actor, *args, **kwargs)

        if guard.name in REGISTRY:
            raise ValueError(f"{guard.name} is registered twice")
        REGISTRY[guard.name] = guard
        _BY_FUNCTION[checked] = guard
        return checked

    return decorate


def write_service(*roles: Role, action: str) -> Callable[[Service[P, R]], Service[P, R]]:
    """Register a write service; the actor's role is checked before it runs.

    ``action`` completes "may not ..." and "Only ... can ...": "allocate cases".
    """
    return _guarded(roles, action, writes=True)


def guarded_read(*roles: Role, action: str) -> Callable[[Service[P, R]], Service[P, R]]:
    """Register a read only some roles may make (the audit log, the users)."""
    return _guarded(roles, action, writes=False)


def guard_of(fn: Callable[..., Any]) -> Guard | None:
    return _BY_FUNCTION.get(fn)


def may(actor: Actor, fn: Callable[..., Any]) -> bool:
    """Whether the actor's roles let them call ``fn`` (its scope is checked when called)."""
    guard = guard_of(fn)
    if guard is None:
        raise ValueError(f"{getattr(fn, '__qualname__', fn)!r} is not a guarded service")
    return guard.allows(actor)


def who_can(fn: Callable[..., Any]) -> str:
    """ "Only the Head of PDU or a Senior Probation Officer can allocate cases."."""
    guard = guard_of(fn)
    if guard is None:
        raise ValueError(f"{getattr(fn, '__qualname__', fn)!r} is not a guarded service")
    return guard.who
