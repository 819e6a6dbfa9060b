"""Opening the store: schema check or upgrade, reference data, the acting user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session as Session
from sqlalchemy.orm import sessionmaker

from app.db import migrate
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
from app.services.core import unit_of_work
from app.services.core.actor import Actor
from app.services.core.reference import load_reference_data
from app.services.core.unit_of_work import last_changes as last_changes


@dataclass
class Store:
    """An open store: the engine, a session factory and a label for the status bar."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def label(self) -> str:
        path = sqlite_path(self.url)
        if path is not None:
            return str(path)
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        if self.engine.dialect.name == "sqlite":
            # SQLite's advice for long-lived connections: keep the planner's statistics fresh.
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA optimize")
        self.engine.dispose()


def open_store(url: str) -> Store:
    """Open (creating or upgrading a SQLite file as needed) and seed reference data.

    Raises ``migrate.SchemaError`` for a newer database, or a shared store that
    needs its administrator to upgrade it.
    """
    url = normalise_url(url)
    engine = make_engine(url)
    migrate.ensure_schema(engine, backup_dir=data_dir() / "backups")
    sessions = make_session_factory(engine)
    unit_of_work.install(sessions)
    with sessions.begin() as session:
        if (session.scalar(select(func.count()).select_from(Pdu)) or 0) < 108:
            load_reference_data(session)
    return Store(url=url, engine=engine, sessions=sessions)


@contextmanager
def write_session(store: Store, actor: Actor) -> Iterator[Session]:
    """One unit of work acting as ``actor``: committed on leaving, rolled back on error.

    The change-set is then ``last_changes(session)``.
    """
    with store.sessions.begin() as session:
        unit_of_work.set_actor(session, actor)
        yield session
