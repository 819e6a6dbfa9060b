"""Opening the store: schema check or upgrade, reference data, the acting user."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session as Session
from sqlalchemy.orm import sessionmaker

from app.db import migrate
from app.db.backups import remove_leftovers
from app.db.engine import (
    data_dir as data_dir,
)
from app.db.engine import (
    default_database_url as default_database_url,
)
from app.db.engine import (
    demo_database_url as demo_database_url,
)
from app.db.engine import (
    make_engine,
    make_session_factory,
    sqlite_path,
)
from app.db.engine import (
    normalise_url as normalise_url,
)
from app.db.migrate import SchemaError as SchemaError
from app.db.models import Pdu
from app.db.storelock import StoreBusy as StoreBusy
from app.db.storelock import StoreLock
from app.services.core import audit, unit_of_work, witness
from app.services.core.actor import Actor
from app.services.core.reference import load_reference_data
from app.services.core.unit_of_work import last_changes as last_changes


@dataclass
class Store:
    """An open store: the engine, a session factory and a label for the status bar.

    ``lock`` is this process's shared hold on a SQLite file (None on
    PostgreSQL); ``store_id`` keys the witness file of its audit chain.
    """

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    lock: StoreLock | None = None
    store_id: str | None = None

    @property
    def label(self) -> str:
        path = sqlite_path(self.url)
        if path is not None:
            return str(path)
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a shared store."""
        return sqlite_path(self.url)

    def close(self) -> None:
        if self.engine.dialect.name == "sqlite":
            # SQLite's advice for long-lived connections: keep the planner's statistics fresh.
            with contextlib.suppress(OperationalError), self.engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA optimize")  # committed: it may write statistics
        self.engine.dispose()
        if self.lock is not None:
            held.pop(self.lock.path, None)
            self.lock.release()


held: dict[Path, StoreLock] = {}
"""The shared locks of the stores this process has open, by lock file (the window's restore)."""


def backups_dir() -> Path:
    return data_dir() / "backups"


def _prepare_file(path: Path, lock: StoreLock, engine: Engine) -> None:
    """Alone with the file: clear an earlier crash's leftovers; upgrade the schema if needed.

    With others holding it open, leftovers may be theirs at work and stay;
    an upgrade then waits until the others close.
    """
    alone = lock.try_exclusive()
    try:
        if alone:
            remove_leftovers(path, backups_dir())
        elif migrate.schema_state(engine) in ("empty", "older"):
            raise StoreBusy(
                "The database needs an upgrade, but it is open in another PDU Manager window "
                "or command: close the others, then start PDU Manager again."
            )
        migrate.ensure_schema(engine, backup_dir=backups_dir())
    finally:
        if alone:
            lock.to_shared()


def open_store(url: str) -> Store:
    """Open (creating or upgrading a SQLite file as needed) and seed reference data.

    Raises ``migrate.SchemaError`` for a newer database, or a shared store that
    needs its administrator to upgrade it; ``StoreBusy`` while another process
    restores the file.
    """
    url = normalise_url(url)
    path = sqlite_path(url)
    lock = StoreLock(path) if path is not None else None
    if lock is not None:
        try:
            lock.shared()
        except StoreBusy:
            lock.release()
            raise
    engine = make_engine(url)
    try:
        if path is not None and lock is not None:
            _prepare_file(path, lock, engine)
        else:
            migrate.ensure_schema(engine)
        sessions = make_session_factory(engine)
        unit_of_work.install(sessions)
        audit.install(sessions)  # after the unit of work: its own entry is chained too
        with sessions.begin() as session:
            if (session.scalar(select(func.count()).select_from(Pdu)) or 0) < 108:
                load_reference_data(session)
            identity = witness.store_id(session)
            seen = audit.head(session)
    except BaseException:
        engine.dispose()
        if lock is not None:
            lock.release()
        raise
    if identity is not None:
        target = witness.witness_file(identity)
        if seen[0]:
            witness.note(target, [seen])
        audit.witness_with(sessions, partial(witness.note, target))
    if lock is not None:
        held[lock.path] = lock
    return Store(url=url, engine=engine, sessions=sessions, lock=lock, store_id=identity)


@contextmanager
def write_session(store: Store, actor: Actor) -> Iterator[Session]:
    """One unit of work acting as ``actor``: committed on leaving, rolled back on error.

    The change-set is then ``last_changes(session)``.
    """
    with store.sessions.begin() as session:
        unit_of_work.set_actor(session, actor)
        yield session
