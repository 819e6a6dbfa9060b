"""Where the store lives and how every connection to it is set up."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker
from sqlalchemy.pool import NullPool

ENV_DATABASE_URL = "PDU_MANAGER_DATABASE_URL"
APP_NAME = "PDU Manager"


def data_dir() -> Path:
    """The user's local (not roaming) data folder: SQLite's WAL is unsafe on a share."""
    override = os.environ.get("PDU_MANAGER_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=False))


def default_database_url() -> str:
    """The user's own database, unless ``PDU_MANAGER_DATABASE_URL`` names another."""
    env = os.environ.get(ENV_DATABASE_URL, "").strip()
    if env:
        return env
    return sqlite_url(data_dir() / "pdu-manager.sqlite3")


def demo_database_url() -> str:
    """The built-in demo PDU's database, beside the user's own."""
    return sqlite_url(data_dir() / "demo.sqlite3")


def sqlite_url(path: Path | str) -> str:
    return f"sqlite:///{Path(path).expanduser().absolute()}"


def normalise_url(text: str) -> str:
    """Accept a plain file path where a URL is expected."""
    if "://" in text:
        return text
    return sqlite_url(text)


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another kind of store."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


BUSY_TIMEOUT_MS = 10_000
WRITE = "pdu_write"
"""Execution option: this transaction will write, so on SQLite it takes the write lock first."""


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling runs DDL outside any transaction (a
    # kill mid-migration leaves half a schema): switch it off and BEGIN ourselves.
    dbapi_connection.isolation_level = None
    # SQLite forgets pragmas between connections, so set them on each one.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_sqlite(conn: Connection) -> None:
    """SQLAlchemy's pysqlite recipe: every transaction is a real one, DDL included.

    A writer takes the write lock at once (``BEGIN IMMEDIATE``): it waits its
    turn behind another writer instead of reading, then failing to write.
    """
    immediate = conn.get_execution_options().get(WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_owner_only(path: Path) -> None:
    """Create an empty database file readable by its owner only, before SQLite opens it.

    SQLite gives the WAL and shared-memory files the database file's mode.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def make_engine(url: str) -> Engine:
    """An engine for the store at ``url``; SQLite files get WAL, full sync, foreign keys.

    Statement parameters are never shown in error messages: they hold names
    and dates of birth, and error messages reach the log.
    """
    url = normalise_url(url)
    path = sqlite_path(url)
    if path is not None:
        create_owner_only(path)
        engine = create_engine(
            url,
            poolclass=NullPool,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def restrict_to_owner(path: Path) -> None:
    """Make the database file readable by its owner only (SPEC.md 9)."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.exists():
            # On Windows the installer sets the folder's ACLs; chmod may do nothing.
            with contextlib.suppress(OSError):
                candidate.chmod(0o600)


class StoreSession(Session):
    """A session whose explicit ``begin()`` (``sessions.begin()``) declares a write.

    On SQLite that transaction starts with ``BEGIN IMMEDIATE``: it holds the
    write lock before it reads anything, so two writers never both read the
    same state (the audit chain's head, a version) and then collide. A session
    that begins by itself (a read) starts a plain deferred ``BEGIN``.
    """

    def begin(self, nested: bool = False) -> SessionTransaction:
        transaction = super().begin(nested=nested)
        if not nested:
            self.connection(execution_options={WRITE: True})
        return transaction


def make_session_factory(
    engine: Engine, info: dict[str, Any] | None = None
) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, class_=StoreSession, expire_on_commit=False, info=info)
