"""What the About box says of the database: its kind, where it is, its schema."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db.engine import sqlite_path
from app.db.migrate import current_revision


@dataclass(frozen=True)
class StoreFacts:
    """The open database, in words: ``kind`` ("SQLite file"), ``location``, ``schema``."""

    kind: str
    location: str
    schema: str | None
    shared: bool


def store_facts(session: Session) -> StoreFacts:
    """The database behind ``session``: a password in its address is never shown."""
    connection = session.connection()
    engine = connection.engine
    path = sqlite_path(str(engine.url))
    schema = current_revision(connection)
    if path is not None:
        version = connection.execute(text("SELECT sqlite_version()")).scalar_one()
        return StoreFacts(f"SQLite {version} file, on this computer", str(path), schema, False)
    if engine.dialect.name == "postgresql":
        version = connection.execute(text("SHOW server_version")).scalar_one()
        kind = f"PostgreSQL {str(version).split()[0]} server, shared"
    else:
        kind = f"{engine.dialect.name} server, shared"
    location = engine.url.render_as_string(hide_password=True)
    return StoreFacts(kind, location, schema, True)
