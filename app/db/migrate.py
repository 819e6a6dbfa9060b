"""Schema versions: check, back up, upgrade, restore.

Start-up reads the schema revision with a plain query; Alembic (slow to import)
is loaded only when an upgrade is needed. On SQLite the app upgrades by itself
after a backup; a shared PostgreSQL store is never migrated by the app.
"""

from __future__ import annotations

import importlib
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Connection, Engine, inspect, text

from app import clock
from app.db.engine import is_sqlite, restrict_to_owner, sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config

# Every released revision in order; the last is the head. A test checks this
# against Alembic's own script directory.
KNOWN_REVISIONS: tuple[str, ...] = ("0001_initial", "0006_returns")
SCHEMA_HEAD = KNOWN_REVISIONS[-1]
BACKUPS_KEPT = 14

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


def upgrade(engine: Engine, backup_dir: Path | None = None) -> Path | None:
    """Apply every pending migration; on SQLite take a backup first when asked."""
    backup_path = None
    if backup_dir is not None and is_sqlite(engine):
        backup_path = backup_to_dir(engine, backup_dir, label="before-upgrade")
    _run_alembic_upgrade(engine)
    if is_sqlite(engine):
        problems = _foreign_key_problems(engine)
        if problems:
            if backup_path is not None:
                engine.dispose()
                restore_file(backup_path, engine)
            raise SchemaError(
                "The upgrade left records pointing at missing records "
                f"({'; '.join(problems[:5])}); the backup was restored and nothing changed."
            )
        path = sqlite_path(str(engine.url))
        if path is not None:
            restrict_to_owner(path)
    return backup_path


def _run_alembic_upgrade(engine: Engine) -> None:
    from alembic import command

    config = alembic_config()
    with engine.connect() as conn:
        if is_sqlite(engine):
            # Outside the migration's transaction, or SQLite ignores it.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()
        if is_sqlite(engine):
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


def alembic_config() -> Config:
    """Alembic's configuration, built in code so the packaged app needs no .ini."""
    from alembic.config import Config

    # app.migrations is the top-level migrations/ folder (pyproject's package-dir).
    scripts = importlib.import_module("app.migrations")
    config = Config()
    config.set_main_option("script_location", str(Path(str(scripts.__file__)).parent))
    return config


def _foreign_key_problems(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    return [f"{row[0]} row {row[1]} -> {row[2]}" for row in rows]


def check(engine: Engine) -> CheckReport:
    """Integrity check of the store (the audit chain is verified by the services)."""
    problems: list[str] = []
    with engine.connect() as conn:
        revision = current_revision(conn)
        if is_sqlite(engine):
            result = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check")]
            if result != ["ok"]:
                problems.extend(result)
    if is_sqlite(engine):
        problems.extend(f"broken link: {p}" for p in _foreign_key_problems(engine))
    if revision is None:
        problems.append("the database has no schema yet")
    elif revision != SCHEMA_HEAD:
        problems.append(f"schema revision {revision} is not the current {SCHEMA_HEAD}")
    return CheckReport(ok=not problems, revision=revision, problems=tuple(problems))


def backup_file(engine: Engine, destination: Path, overwrite: bool = False) -> Path:
    """An online copy of a SQLite store (consistent while others write)."""
    source = sqlite_path(str(engine.url))
    if source is None:
        raise SchemaError(
            "Backups of a shared PostgreSQL database are made by its administrator "
            "(pg_dump); see the README."
        )
    if not source.exists():
        raise SchemaError(f"There is no database at {source} to back up.")
    destination = destination.expanduser().absolute()
    if destination.exists() and not overwrite:
        raise SchemaError(f"{destination} already exists: choose another name.")
    if not destination.parent.is_dir():
        raise SchemaError(f"There is no folder {destination.parent}: check the path.")
    tmp = destination.with_name(destination.name + ".part")
    with sqlite3.connect(source) as src, sqlite3.connect(tmp) as dst:
        src.backup(dst)
    dst.close()
    src.close()
    tmp.replace(destination)
    restrict_to_owner(destination)
    return destination


def backup_to_dir(engine: Engine, directory: Path, label: str) -> Path:
    """A dated backup in ``directory``, keeping the newest ``BACKUPS_KEPT``."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S-%f")
    directory.mkdir(parents=True, exist_ok=True)
    path = backup_file(engine, directory / f"pdu-manager-{label}-{stamp}.sqlite3")
    backups = sorted(directory.glob("pdu-manager-*.sqlite3"))
    for old in backups[:-BACKUPS_KEPT]:
        old.unlink(missing_ok=True)
    return path


def restore_file(backup: Path, engine: Engine, safety_dir: Path | None = None) -> Path | None:
    """Replace a SQLite store with a backup, after checking the backup is sound.

    The current database is copied to ``safety_dir`` first (returned), so a
    restore of the wrong file can itself be undone.
    """
    target = sqlite_path(str(engine.url))
    if target is None:
        raise SchemaError("Restore a shared database with the server's own tools (pg_restore).")
    _check_backup(backup)
    safety = None
    if safety_dir is not None and target.exists():
        safety = backup_to_dir(engine, safety_dir, label="before-restore")
    engine.dispose()
    tmp = target.with_name(target.name + ".restoring")
    shutil.copyfile(backup, tmp)  # copied before anything of the live store is touched
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    tmp.replace(target)
    restrict_to_owner(target)
    return safety


def _check_backup(backup: Path) -> None:
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
