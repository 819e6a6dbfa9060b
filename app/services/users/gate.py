"""The sign-in services over a whole store, before anyone is signed in (so before ops).

Signing in is the one step the window takes with no acting user; each call
is one short transaction in the GUI thread (the dialog waits for it anyway),
committed whatever the answer, so failed sign-ins are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.services.core.actor import Actor
from app.services.core.reference import PduInfo, list_pdus
from app.services.core.store import Store
from app.services.users import credentials, signin
from app.services.users.signin import SignIn
from app.services.victims.keys import with_keyring


@dataclass
class Gate:
    """Sign-in, first Head of PDU, password change and unlock over one store."""

    store: Store

    @property
    def shared(self) -> bool:
        """A shared (PostgreSQL) store: the first Head is made by the command line only."""
        return self.store.engine.dialect.name != "sqlite"

    def needs_first_head(self) -> bool:
        with self.store.sessions() as session:
            return credentials.needs_first_head(session)

    def is_demo(self) -> bool:
        with self.store.sessions() as session:
            return signin.demo_store(session)

    def pdus(self) -> list[PduInfo]:
        with self.store.sessions() as session:
            return list_pdus(session)

    def idle_lock_seconds(self) -> int:
        with self.store.sessions() as session:
            return signin.idle_lock_seconds(session)

    def first_head(
        self, username: str, display_name: str, password: str, pdu_ids: frozenset[int]
    ) -> Actor:
        with self.store.sessions.begin() as session:
            actor = credentials.create_first_head(
                session, username, display_name, password, pdu_ids
            )
            return with_keyring(session, actor, password)

    def sign_in(self, username: str, password: str) -> SignIn:
        with self.store.sessions.begin() as session:
            answer = signin.sign_in(session, username, password)
            if answer.actor is None:
                return answer
            return replace(answer, actor=with_keyring(session, answer.actor, password))

    def unlock(self, actor: Actor, password: str) -> SignIn:
        with self.store.sessions.begin() as session:
            answer = signin.unlock(session, actor, password)
            if answer.actor is None:
                return answer
            # The window keeps its actor: its keyring is opened again with the password.
            return replace(answer, actor=with_keyring(session, actor, password))

    def change_password(self, actor: Actor, current: str, new: str) -> None:
        with self.store.sessions.begin() as session:
            credentials.change_own_password(session, actor, current, new)

    def demo_head(self) -> Actor | None:
        """The demo's Head of PDU (``--demo`` starts signed in as them); None elsewhere."""
        with self.store.sessions() as session:
            return signin.demo_head(session)
