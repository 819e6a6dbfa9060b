"""Alembic environment: runs on the connection the app hands over.

SQLite migrations run in batch mode with foreign keys switched off outside the
migration transaction (a table rebuild would otherwise fire ON DELETE CASCADE);
``app.db.migrate`` checks ``PRAGMA foreign_key_check`` afterwards.
"""

from __future__ import annotations

from alembic import context

from app.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from app.db.engine import default_database_url, make_engine

        url = config.get_main_option("sqlalchemy.url") or default_database_url()
        engine = make_engine(url)
        with engine.connect() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection):  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported: run pdu-manager db upgrade")
run_migrations_online()
