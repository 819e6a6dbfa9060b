"""Where the store lives and how every connection to it is set up."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
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


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite forgets pragmas between connections, so set them on each one.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for the store at ``url``; SQLite files get WAL, full sync, foreign keys."""
    url = normalise_url(url)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            poolclass=NullPool,
            connect_args={"check_same_thread": False, "timeout": 10},
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def restrict_to_owner(path: Path) -> None:
    """Make the database file readable by its owner only (SPEC.md 9)."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.exists():
            # On Windows the installer sets the folder's ACLs; chmod may do nothing.
            with contextlib.suppress(OSError):
                candidate.chmod(0o600)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
