"""What the window asks of the store before any screen exists (who is acting, is it empty)."""

from __future__ import annotations

from app.services.core.actor import Actor, system_actor
from app.services.core.store import Store


def system_account(store: Store) -> Actor:
    """The system account: it writes the demo on first use, before anyone has signed in."""
    with store.sessions.begin() as session:
        return system_actor(session)


def has_cases(store: Store) -> bool:
    """Whether the store holds any person on probation (the demo is made only when not)."""
    from app.services.demo import has_cases as any_cases

    with store.sessions() as session:
        return any_cases(session)
