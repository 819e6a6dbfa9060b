"""Backups of a SQLite store, and copying a backup into the live file.

Every file made here is owner-only from the moment it exists (created with
mode 0600 before SQLite opens it) and is written under a ``.part`` name that
is renamed only once complete, so a kill or a full disk never leaves a
half-written backup under a real name; :func:`remove_leftovers` deletes what
an earlier crash left behind. A restore never renames a file over the live
database (other connections would keep the old inode and later delete the new
WAL by name): it copies with SQLite's online backup API into the open file,
in one write transaction, so a kill leaves it wholly before or after.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app import clock
from app.db.migrate import SchemaError

BACKUPS_KEPT = 14
"""Backups of each kind kept per database (SPEC.md 9): the oldest go first."""
PART = ".part"
STAGING = ".restoring"
_SIDE_FILES = ("", "-journal", "-wal", "-shm")


class BackupError(SchemaError):
    """A backup or restore could not be made; the message says why and what was kept."""


@dataclass(frozen=True)
class BackupFile:
    """One backup in the backups folder: which database, what kind, when."""

    path: Path
    kind: str  # "daily", "before-upgrade", "before-restore", "manual"
    taken: datetime


def _new_owner_only(path: Path) -> None:
    """An empty file only its owner can read, replacing a leftover of the same name."""
    for suffix in _SIDE_FILES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def discard(path: Path) -> None:
    """Remove a database file and its journal, WAL and shared-memory files, if there."""
    for suffix in _SIDE_FILES:
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_database(source: Path, destination: Path) -> None:
    """A consistent copy of ``source`` (while others write) into a new owner-only file.

    Written as ``destination.part`` and renamed when complete; on any failure
    nothing is left behind and :class:`BackupError` says why.
    """
    tmp = destination.with_name(destination.name + PART)
    try:
        _new_owner_only(tmp)
        with (
            contextlib.closing(sqlite3.connect(source)) as src,
            contextlib.closing(sqlite3.connect(tmp)) as dst,
        ):
            src.backup(dst)
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        tmp.replace(destination)
    except (OSError, sqlite3.Error) as exc:
        discard(tmp)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BackupError(
            f"The backup to {destination} could not be written ({reason}); nothing was left behind."
        ) from exc
    finally:
        Path(f"{tmp}-journal").unlink(missing_ok=True)


def backup_name(database: Path, kind: str, when: datetime) -> str:
    return f"{database.stem}-{kind}-{when:%Y%m%d-%H%M%S-%f}.sqlite3"


def list_backups(database: Path, directory: Path) -> list[BackupFile]:
    """The finished backups of ``database`` in ``directory``, newest first."""
    found: list[BackupFile] = []
    prefix = f"{database.stem}-"
    for path in directory.glob(f"{database.stem}-*.sqlite3") if directory.is_dir() else ():
        parts = path.stem.removeprefix(prefix).rsplit("-", 3)
        if len(parts) != 4:
            continue
        kind, day, moment, micro = parts
        try:
            taken = datetime.strptime(f"{day}{moment}{micro}", "%Y%m%d%H%M%S%f")
        except ValueError:
            continue
        found.append(BackupFile(path, kind, taken))
    return sorted(found, key=lambda b: b.taken, reverse=True)


def backup_to_dir(database: Path, directory: Path, kind: str) -> Path:
    """A dated backup in ``directory``, keeping the newest ``BACKUPS_KEPT`` of its kind."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / backup_name(database, kind, clock.now().replace(tzinfo=None))
    copy_database(database, path)
    same_kind = [b for b in list_backups(database, directory) if b.kind == kind]
    for old in same_kind[BACKUPS_KEPT:]:
        old.path.unlink(missing_ok=True)
    return path


def daily_backup_due(database: Path, directory: Path, today: date) -> bool:
    """True on the first start of a day: no daily backup of ``database`` was taken today."""
    return database.exists() and not any(
        b.kind == "daily" and b.taken.date() == today for b in list_backups(database, directory)
    )


def remove_leftovers(database: Path, directory: Path) -> list[Path]:
    """Delete the partial files an earlier crash left: backups' ``.part``, a restore's staging."""
    candidates: Iterator[Path] = iter(())
    if directory.is_dir():
        candidates = directory.glob(f"*{PART}*")
    staged = database.with_name(database.name + STAGING)
    removed: list[Path] = []
    for path in [*candidates, *(Path(f"{staged}{s}") for s in _SIDE_FILES)]:
        if path.exists():
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def staging_copy(backup: Path, database: Path) -> Path:
    """The backup copied beside the database (owner-only), to be prepared before the swap."""
    staged = database.with_name(database.name + STAGING)
    copy_database(backup, staged)
    return staged


def copy_into_live(staged: Path, database: Path) -> None:
    """Replace the live database's content with ``staged`` in one write transaction.

    Other connections keep working on the same file; a kill during the copy
    leaves the live database as it was. The staged file is removed after.
    """
    with (
        contextlib.closing(sqlite3.connect(staged)) as src,
        contextlib.closing(sqlite3.connect(database, isolation_level=None)) as dst,
    ):
        dst.execute("PRAGMA busy_timeout=10000")
        src.backup(dst)
    discard(staged)
    with contextlib.suppress(OSError):  # on Windows the folder's ACLs keep it private
        os.chmod(database, 0o600)
