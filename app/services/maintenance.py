"""Looking after the store: upgrade, check, back up, restore (SPEC.md 6, 9).

The command line (``pdu-manager db ...``) and the window (File > Restore from
backup…, later an Administration screen) call these same functions; each
returns what happened for the caller to show, and raises ``SchemaError``,
``StoreBusy`` or ``BackupError`` with a message written for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app import clock
from app.db import backups, migrate
from app.db.backups import BackupFile as BackupFile
from app.db.engine import make_engine, make_session_factory, normalise_url, sqlite_path, sqlite_url
from app.db.migrate import SchemaError
from app.db.models import AppUser, AuditEntry, Base, Person, Setting, Staff, Team
from app.db.storelock import StoreBusy, StoreLock, lock_path
from app.domain.codes import Role
from app.domain.progress import Progress
from app.services.core import audit, witness
from app.services.core.actor import Actor, system_actor
from app.services.core.changes import ChangeSet, Kind
from app.services.core.permissions import write_service
from app.services.core.reference import load_reference_data
from app.services.core.store import backups_dir, held


@dataclass(frozen=True)
class UpgradeResult:
    revision: str
    backup: Path | None


@dataclass(frozen=True)
class CheckResult:
    """``db check``: each line as printed (problems start "Problem:"), and the verdict."""

    ok: bool
    lines: tuple[str, ...]


@dataclass(frozen=True)
class RestoreResult:
    """A restore done: from which file, where the database as it was is kept, what differs.

    ``changes``: any record may have changed, so every kind is named in bulk.
    """

    backup: Path
    safety_copy: Path | None
    differences: tuple[str, ...]
    changes: ChangeSet = field(default_factory=lambda: ChangeSet(bulk=frozenset(Kind)))


def _file_of(url: str, must_exist: bool = True) -> Path | None:
    path = sqlite_path(normalise_url(url))
    if must_exist and path is not None and not path.exists():
        raise SchemaError(f"There is no database at {path}.")
    return path


def upgrade(url: str) -> UpgradeResult:
    """Apply pending migrations (after a backup on SQLite), then seed reference data."""
    path = _file_of(url, must_exist=False)
    lock = StoreLock(path) if path is not None else None
    try:
        if lock is not None:
            lock.exclusive("upgrade the database")
    except StoreBusy:
        lock.release()  # type: ignore[union-attr]
        raise
    engine = make_engine(url)
    try:
        state = migrate.schema_state(engine)
        if state == "newer":
            raise SchemaError("This database is newer than this version of PDU Manager.")
        if path is not None:
            backups.remove_leftovers(path, backups_dir())
        backup = migrate.upgrade(engine, backup_dir=backups_dir() if state == "older" else None)
        with make_session_factory(engine).begin() as session:
            load_reference_data(session)
        return UpgradeResult(migrate.SCHEMA_HEAD, backup)
    finally:
        engine.dispose()
        if lock is not None:
            lock.release()


def check(url: str, expect_head: str | None = None) -> CheckResult:
    """Integrity, schema, the audit chain, its guards, its witnesses and an expected head."""
    _file_of(url)
    engine = make_engine(url)
    try:
        report = migrate.check(engine)
        lines = [f"Problem: {problem}" for problem in report.problems]
        ok = report.ok
        if report.revision == migrate.SCHEMA_HEAD:  # an older schema's log has older columns
            with make_session_factory(engine)() as session:
                chain_lines, chain_ok = _check_chain(session, expect_head)
            lines += chain_lines
            ok = ok and chain_ok
    finally:
        engine.dispose()
    if ok:
        lines.append(f"Database OK (schema {report.revision})")
    return CheckResult(ok=ok, lines=tuple(lines))


def _check_chain(session: Session, expect_head: str | None) -> tuple[list[str], bool]:
    chain = audit.verify_chain(session)
    if not chain.ok:
        return [f"Problem: the audit chain is broken: {chain.problem}"], False
    problems: list[str] = []
    identity = witness.store_id(session)
    if identity is not None:
        seen = witness.read(witness.witness_file(identity))
        problems += witness.compare(session, seen, chain.head_id)
    if expect_head:
        wanted = expect_head.strip().lower()
        if session.scalar(select(AuditEntry.id).where(AuditEntry.hash == wanted)) is None:
            problems.append(
                f"the audit head {wanted[:12]}… given is not in the audit log: "
                "the history has been rewritten or cut short since it was printed"
            )
    entries = "1 entry" if chain.entries == 1 else f"{chain.entries:,} entries"
    lines = [f"Problem: {problem}" for problem in problems]
    if not problems:
        lines.append(f"Audit chain intact: {entries}, head {chain.head}")
        if identity is not None and chain.head_id:
            witness.note(witness.witness_file(identity), [(chain.head_id, chain.head)])
    lines += _restores_seen(session)
    return lines, not problems


def _restores_seen(session: Session) -> list[str]:
    rows = session.execute(
        select(AuditEntry.id, AuditEntry.at, AuditEntry.summary)
        .where(AuditEntry.action == witness.RESTORED)
        .order_by(AuditEntry.id)
    ).all()
    return [
        f"Restored on {at:%d/%m/%Y at %H:%M} (entry {i:,}): {summary}" for i, at, summary in rows
    ]


def backup(url: str, destination: Path) -> Path:
    """An online copy of a SQLite store into a new file (consistent while others write)."""
    source = _file_of(url)
    if source is None:
        raise SchemaError(
            "Backups of a shared PostgreSQL database are made by its administrator "
            "(pg_dump); see the README."
        )
    destination = destination.expanduser().absolute()
    if destination.exists():
        raise SchemaError(f"{destination} already exists: choose another name.")
    if not destination.parent.is_dir():
        raise SchemaError(f"There is no folder {destination.parent}: check the path.")
    backups.copy_database(source, destination)
    return destination


def list_backups(url: str) -> list[BackupFile]:
    """The backups kept of this database in the data folder, newest first."""
    path = _file_of(url, must_exist=False)
    return [] if path is None else backups.list_backups(path, backups_dir())


def daily_backup(url: str) -> Path | None:
    """The day's backup, taken on its first start (SPEC.md 9); None when already taken."""
    path = _file_of(url, must_exist=False)
    if path is None or not backups.daily_backup_due(path, backups_dir(), clock.today()):
        return None
    return backups.backup_to_dir(path, backups_dir(), "daily")


def restore(
    url: str, backup_file: Path, *, actor: Actor | None = None, held: StoreLock | None = None
) -> RestoreResult:
    """Replace a SQLite store's content with a backup, recorded in its audit log.

    Refuses while any other process has the database open. The database as
    it was is kept in the backups folder first. The backup is copied beside
    the database, brought to the current schema and given its audit entry
    (naming the audit head it replaces); then it is copied into the live file
    in one write transaction, so a kill leaves the database wholly before or
    after, the entry with it. ``held``: the caller's own shared lock on the
    file (the window's), converted for the restore and handed back after.
    """
    path = _file_of(url, must_exist=False)
    if path is None:
        raise SchemaError("Restore a shared database with the server's own tools (pg_restore).")
    backup_file = backup_file.expanduser().absolute()
    migrate.check_backup(backup_file)
    lock = held or StoreLock(path)
    try:
        lock.exclusive("restore a backup")
    except StoreBusy:
        if held is None:
            lock.release()
        raise
    try:
        safety = None
        if path.exists():
            safety = backups.backup_to_dir(path, backups_dir(), "before-restore")
        staged = backups.staging_copy(backup_file, path)
        try:
            differences, seen = _prepare_staged(path, staged, backup_file, safety, actor)
            backups.copy_into_live(staged, path)
            if seen is not None:  # seen here: the replaced head, then the restore's own entry
                witness.note(*seen)
        finally:
            backups.discard(staged)
    finally:
        if held is not None:
            lock.to_shared()
        else:
            lock.release()
    return RestoreResult(backup=backup_file, safety_copy=safety, differences=differences)


def _url_of(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=False)


def backups_of(session: Session) -> list[BackupFile]:
    """The backups kept of the session's database, newest first (the window's list)."""
    return list_backups(_url_of(session))


@write_service(Role.HEAD_OF_PDU, Role.SYSTEM, action="restore a backup")
def restore_from_window(
    session: Session,
    actor: Actor,
    backup_file: Path,
    progress: Progress | None = None,
) -> RestoreResult:
    """The window's restore: the signed-in Head of PDU, the window's own hold on the file.

    ``session`` is the runner's read session, used only to name the database:
    a restore runs outside every transaction of the live database.
    """
    url = _url_of(session)
    path = sqlite_path(url)
    if path is None:
        raise SchemaError("Restore a shared database with the server's own tools (pg_restore).")
    if progress is not None:
        progress.start(0, "Restoring the backup…")
    return restore(url, backup_file, actor=actor, held=held.get(lock_path(path)))


Seen = tuple[Path, list[tuple[int, str]]]


def _prepare_staged(
    live: Path, staged: Path, backup_file: Path, safety: Path | None, actor: Actor | None
) -> tuple[tuple[str, ...], Seen | None]:
    """Upgrade the staged copy, write its audit entry; what it brings back that differs."""
    before = _snapshot(live) if live.exists() else None
    replaced = before.head if before is not None else (0, audit.GENESIS)
    engine = make_engine(sqlite_url(staged))
    try:
        if migrate.schema_state(engine) != "current":
            migrate.upgrade(engine)
        sessions = make_session_factory(engine)
        audit.install(sessions)
        with sessions.begin() as session:
            load_reference_data(session)
            restored_head = audit.head(session)
            audit.record(
                session,
                _restorer(session, actor),
                witness.RESTORED,
                "database",
                "",
                summary=f"Restored from {backup_file.name}",
                extra={
                    "backup": str(backup_file),
                    "previous_kept_in": str(safety or ""),
                    "replaced_head": list(replaced),
                    "restored_head": list(restored_head),
                },
            )
        with sessions() as session:
            identity, entry = witness.store_id(session), audit.head(session)
    finally:
        engine.dispose()
    seen = None if identity is None else (witness.witness_file(identity), [replaced, entry])
    after = _snapshot(staged)
    return (tuple(_differences(before, after)) if before is not None else ()), seen


def _restorer(session: Session, actor: Actor | None) -> Actor:
    """Who restores, as the restored database knows them (the command line by default)."""
    if actor is None or actor.has(Role.SYSTEM):
        return system_actor(session)
    user_id = session.scalar(select(AppUser.id).where(AppUser.username == actor.username))
    return replace(actor, user_id=user_id)


@dataclass(frozen=True)
class _Snapshot:
    head: tuple[int, str]
    counts: dict[str, int]
    users: dict[str, tuple[object, ...]]


_COUNTED: dict[str, type[Base]] = {
    "cases": Person,
    "staff": Staff,
    "teams": Team,
    "settings": Setting,
    "audit entries": AuditEntry,
}


def _snapshot(path: Path) -> _Snapshot:
    engine: Engine = make_engine(sqlite_url(path))
    try:
        with make_session_factory(engine)() as session:
            counts = {
                label: int(session.scalar(select(func.count()).select_from(model)) or 0)
                for label, model in _COUNTED.items()
            }
            columns = [c for c in AppUser.__table__.columns if c.name != "id"]
            users = {
                str(row[0]): tuple(row[1:])
                for row in session.execute(
                    select(AppUser.username, *[c for c in columns if c.name != "username"])
                )
            }
            return _Snapshot(audit.head(session), counts, users)
    finally:
        engine.dispose()


def _differences(before: _Snapshot, after: _Snapshot) -> list[str]:
    """What the restore brought back that differs from the database as it was."""
    lines = [
        f"{label.capitalize()}: {before.counts[label]:,} before, {after.counts[label]:,} now"
        for label in _COUNTED
        if before.counts[label] != after.counts[label] and label != "audit entries"
    ]
    for name in sorted(set(before.users) | set(after.users)):
        if name not in after.users:
            lines.append(f"The account {name} is not in the backup: it is gone")
        elif name not in before.users:
            lines.append(f"The account {name} is back from the backup (it had been removed)")
        elif before.users[name] != after.users[name]:
            lines.append(f"The account {name} is back as the backup had it (changed since)")
    lost = before.counts["audit entries"] - after.counts["audit entries"] + 1
    if lost > 0:
        lines.append(
            f"{lost:,} audit entries written since the backup are not in it "
            "(they are kept in the copy of the database as it was)"
        )
    return lines


def describe_backup(item: BackupFile) -> str:
    kinds = {
        "daily": "daily backup",
        "before-upgrade": "before an upgrade",
        "before-restore": "before a restore",
    }
    return f"{item.taken:%d/%m/%Y %H:%M} ({kinds.get(item.kind, item.kind)})"
