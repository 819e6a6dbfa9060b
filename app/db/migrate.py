"""Schema versions: check, back up, upgrade, restore.

Start-up reads the schema revision with a plain query; Alembic (slow to import)
is loaded only when an upgrade is needed. On SQLite the app upgrades by itself
after a backup; a shared PostgreSQL store is never migrated by the app.
"""

from __future__ import annotations

import importlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Connection, Engine, inspect, text

from app.db.engine import is_sqlite, restrict_to_owner, sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config

# Every released revision in order; the last is the head. A test checks this
# against Alembic's own script directory.
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_hardening",
    "0007_decisions",
    "0008_allocation_desk",
    "0003_users",
    "0004_unpaid_work",
    "0005_victims",
    "0006_returns",
    "0009_indexes",
)
SCHEMA_HEAD = KNOWN_REVISIONS[-1]

SchemaState = Literal["empty", "older", "current", "newer"]


class SchemaError(Exception):
    """The database cannot be used as it is; the message says what to do."""


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    revision: str | None
    problems: tuple[str, ...]


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def schema_state(engine: Engine) -> SchemaState:
    with engine.connect() as conn:
        revision = current_revision(conn)
    if revision is None:
        return "empty"
    if revision == SCHEMA_HEAD:
        return "current"
    if revision in KNOWN_REVISIONS:
        return "older"
    return "newer"


def ensure_schema(engine: Engine, backup_dir: Path | None = None) -> SchemaState:
    """Bring a SQLite store to the current schema, backing it up first.

    Returns the state found. Refuses a newer database, and never upgrades
    PostgreSQL by itself.
    """
    state = schema_state(engine)
    if state == "newer":
        raise SchemaError(
            "This database was written by a newer version of PDU Manager. "
            "Install the newer version to open it; nothing was changed."
        )
    if state == "current":
        return state
    if not is_sqlite(engine):
        raise SchemaError(
            "The shared database needs an upgrade: ask your administrator to run "
            "pdu-manager db upgrade"
        )
    upgrade(engine, backup_dir=backup_dir if state == "older" else None)
    return state


def upgrade(
    engine: Engine,
    backup_dir: Path | None = None,
    *,
    config: Config | None = None,
    target: str = "heads",
) -> Path | None:
    """Apply every pending migration in one transaction; on SQLite back up first when asked.

    On SQLite the whole upgrade (DDL included) commits or rolls back as one, so
    a kill leaves the schema exactly before or after. Foreign keys are off for
    its duration (a table rebuild would otherwise delete a parent's children)
    and checked before the commit: any broken link rolls the upgrade back.
    """
    backup_path = None
    path = sqlite_path(str(engine.url))
    if backup_dir is not None and path is not None and path.exists():
        from app.db.backups import backup_to_dir

        backup_path = backup_to_dir(path, backup_dir, "before-upgrade")
    _run_alembic_upgrade(engine, config or alembic_config(), target)
    if path is not None:
        restrict_to_owner(path)
    return backup_path


def _run_alembic_upgrade(engine: Engine, config: Config, target: str) -> None:
    from alembic import command

    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection if is_sqlite(engine) else None
        if raw is not None:
            # On the raw connection before the transaction begins: inside one SQLite ignores it.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, target)
                if raw is not None:
                    _refuse_broken_links(conn)
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def _refuse_broken_links(conn: Connection) -> None:
    problems = _foreign_key_problems(conn)
    if problems:
        raise SchemaError(
            "The upgrade would leave records pointing at missing records "
            f"({'; '.join(problems[:5])}); it was undone and nothing changed."
        )


def alembic_config() -> Config:
    """Alembic's configuration, built in code so the packaged app needs no .ini."""
    from alembic.config import Config

    # app.migrations is the top-level migrations/ folder (pyproject's package-dir).
    scripts = importlib.import_module("app.migrations")
    config = Config()
    config.set_main_option("script_location", str(Path(str(scripts.__file__)).parent))
    return config


def _foreign_key_problems(conn: Connection) -> list[str]:
    rows = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    return [f"{row[0]} row {row[1]} -> {row[2]}" for row in rows]


SQLITE_GUARDS = {
    "audit_log_no_update": "0001_initial",
    "audit_log_no_delete": "0001_initial",
    "store_identity_no_update": "0002_hardening",
    "store_identity_no_delete": "0002_hardening",
}
POSTGRESQL_GUARDS = {
    "audit_log_append_only": ("audit_log", "0001_initial"),
    "audit_log_no_truncate": ("audit_log", "0002_hardening"),
    "audit_log_fill": ("audit_log", "0002_hardening"),
    "store_identity_fixed": ("store_identity", "0002_hardening"),
    "store_identity_no_truncate": ("store_identity", "0002_hardening"),
}


def _due(since: str, revision: str) -> bool:
    known = KNOWN_REVISIONS
    return revision in known and since in known and known.index(revision) >= known.index(since)


def missing_guards(conn: Connection, revision: str) -> list[str]:
    """The triggers that keep the audit log append-only, each missing or disabled one named."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        found = {str(name): str(sql) for name, sql in rows}
        return [
            f"the guard {name} of the audit log is missing (the log could be rewritten)"
            for name, since in SQLITE_GUARDS.items()
            if _due(since, revision) and "RAISE(ABORT" not in found.get(name, "")
        ]
    rows = conn.exec_driver_sql(
        "SELECT t.tgname, t.tgenabled, p.prosrc FROM pg_trigger t "
        "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal"
    )
    enabled_and_source = {str(name): (str(on), str(source)) for name, on, source in rows}
    problems = []
    for name, (_table, since) in POSTGRESQL_GUARDS.items():
        if not _due(since, revision):
            continue
        enabled, source = enabled_and_source.get(name, ("", ""))
        if not enabled:
            problems.append(f"the guard {name} of the audit log is missing")
        elif enabled == "D":
            problems.append(f"the guard {name} of the audit log is switched off")
        elif "RAISE EXCEPTION" not in source.upper() and "session_user" not in source:
            problems.append(f"the guard {name} of the audit log no longer refuses anything")
    return problems


def check(engine: Engine) -> CheckReport:
    """Integrity check of the store (the audit chain is verified by the services)."""
    problems: list[str] = []
    with engine.connect() as conn:
        revision = current_revision(conn)
        if is_sqlite(engine):
            result = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check")]
            if result != ["ok"]:
                problems.extend(result)
            problems.extend(f"broken link: {p}" for p in _foreign_key_problems(conn))
        if revision is not None:
            problems.extend(missing_guards(conn, revision))
    if revision is None:
        problems.append("the database has no schema yet")
    elif revision not in KNOWN_REVISIONS:
        problems.append(f"schema revision {revision} is newer than this version's {SCHEMA_HEAD}")
    elif revision != SCHEMA_HEAD:
        problems.append(
            f"schema revision {revision} is older than this version's {SCHEMA_HEAD}: it is "
            "upgraded, after a backup, when PDU Manager next opens it "
            "(or now with: pdu-manager db upgrade)"
        )
    return CheckReport(ok=not problems, revision=revision, problems=tuple(problems))


def check_backup(backup: Path) -> None:
    """Refuse anything but a sound PDU Manager database of a version this app knows."""
    if not backup.is_file():
        raise SchemaError(f"There is no backup file at {backup}.")
    try:
        # immutable: reading a backup must not leave -wal or -shm files beside it
        with sqlite3.connect(f"file:{backup}?mode=ro&immutable=1", uri=True) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            revision = (
                conn.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables
                else None
            )
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise SchemaError(f"{backup} is not a PDU Manager database ({exc}).") from exc
    if ok is None or ok[0] != "ok":
        raise SchemaError(f"{backup} is damaged; the database was left as it was.")
    if revision is None or not {"person", "audit_log"} <= tables:
        raise SchemaError(f"{backup} is not a PDU Manager database; nothing was changed.")
    if revision[0] not in KNOWN_REVISIONS:
        raise SchemaError(
            f"{backup} was written by a newer version of PDU Manager; nothing was changed."
        )
