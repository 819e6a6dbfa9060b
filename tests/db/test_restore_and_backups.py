"""Restores that can never lose or corrupt, backups that leave nothing half-written (SPEC.md 9)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.db import backups
from app.db.engine import data_dir
from app.db.models import AuditEntry
from app.db.storelock import StoreBusy, StoreLock
from app.services import maintenance
from app.services.core import audit
from app.services.core.actor import local_actor
from app.services.core.store import open_store

REPO = Path(__file__).resolve().parents[2]


SQLITE_ONLY = pytest.mark.skipif(
    os.environ.get("PDU_MANAGER_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="works on the SQLite file itself (tests/db/test_postgresql_store.py covers PostgreSQL)",
)


def _owner_only(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def _entries(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT action, changes FROM audit_log ORDER BY id").fetchall()
    conn.close()
    return [(str(a), str(c)) for a, c in rows]


def test_a_restore_refuses_while_another_process_has_the_database_open(db_path: Path) -> None:
    store = open_store(str(db_path))
    backup = maintenance.backup(store.url, db_path.with_name("b.sqlite3"))
    try:
        with pytest.raises(StoreBusy, match="open in another PDU Manager window or command"):
            maintenance.restore(store.url, backup)  # as a second process would
    finally:
        store.close()
    restored = maintenance.restore(store.url, backup)  # alone now
    assert restored.backup == backup


def test_a_database_being_restored_is_not_opened_meanwhile(db_path: Path) -> None:
    open_store(str(db_path)).close()
    restorer = StoreLock(db_path)
    restorer.exclusive("restore a backup")
    try:
        with pytest.raises(StoreBusy, match="being restored or upgraded"):
            StoreLock(db_path).shared(wait_seconds=0.2)
    finally:
        restorer.release()


@SQLITE_ONLY
def test_a_restore_is_written_into_the_live_file_and_audited_with_the_head_it_replaced(
    store, head, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    backup = maintenance.backup(store.url, tmp_path / "b.sqlite3")
    inode = Path(store.path).stat().st_ino
    with store.sessions.begin() as session:
        audit.record(session, head, "test.after_backup", "pdu", 17)
    with store.sessions() as session:
        replaced = audit.head(session)
    result = maintenance.restore(store.url, backup, actor=head, held=store.lock)
    assert Path(store.path).stat().st_ino == inode  # the same file: never renamed over
    actions = _entries(Path(store.path))
    assert "test.after_backup" not in [a for a, _ in actions]
    assert actions[-1][0] == "db.restored"
    assert json.loads(actions[-1][1])["replaced_head"] == list(replaced)
    assert any("audit entries written since the backup" in line for line in result.differences)
    assert result.safety_copy is not None and _owner_only(result.safety_copy)
    assert "test.after_backup" in [a for a, _ in _entries(result.safety_copy)]
    assert maintenance.check(store.url).ok  # a restore is not mistaken for a truncation
    assert not list(Path(store.path).parent.glob("*.restoring*"))


@SQLITE_ONLY
def test_a_restore_lists_the_accounts_it_brings_back(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with store.sessions.begin() as session:
        local_actor(session)
    backup = maintenance.backup(store.url, tmp_path / "b.sqlite3")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE app_user SET display_name = 'Renamed' WHERE username = 'local'"))
    result = maintenance.restore(store.url, backup, held=store.lock)
    assert "The account local is back as the backup had it (changed since)" in result.differences


def test_backups_are_owner_only_and_a_crash_leaves_nothing_that_survives_a_start(
    db_path: Path,
) -> None:
    store = open_store(str(db_path))
    store.close()
    folder = data_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    left = folder / "pdu-manager-daily-20261124-000000-000000.sqlite3.part"
    left.write_bytes(b"half a copy of names and dates of birth")
    Path(f"{left}-journal").write_bytes(b"journal")
    staged = Path(f"{db_path}.restoring")
    staged.write_bytes(b"half a restore")
    open_store(str(db_path)).close()  # the next start clears what the crash left
    assert not left.exists() and not Path(f"{left}-journal").exists() and not staged.exists()
    assert _owner_only(db_path) and _owner_only(Path(f"{db_path}.lock"))


def test_the_daily_backup_is_taken_once_a_day_and_the_last_14_are_kept(db_path: Path) -> None:
    open_store(str(db_path)).close()
    url = str(db_path)
    first = maintenance.daily_backup(url)
    assert first is not None and _owner_only(first) and _owner_only(first.parent)
    assert maintenance.daily_backup(url) is None  # the day's backup is taken
    folder = first.parent
    for day in range(1, 20):
        name = backups.backup_name(db_path, "daily", datetime(2026, 10, day, 8))
        backups.copy_database(db_path, folder / name)
    kept = [b for b in maintenance.list_backups(url) if b.kind == "daily"]
    assert len(kept) == 20  # pruned when the next is taken
    backups.backup_to_dir(db_path, folder, "daily")
    kept = [b for b in maintenance.list_backups(url) if b.kind == "daily"]
    assert len(kept) == backups.BACKUPS_KEPT
    assert kept[-1].taken > datetime(2026, 10, 6)  # the oldest went first


FULL_DISK = """
import resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
from app.services import maintenance
try:
    maintenance.backup(sys.argv[1], Path(sys.argv[2]))
except Exception as exc:
    print(type(exc).__name__, exc)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_FSIZE")
def test_a_full_disk_leaves_no_partial_backup(db_path: Path, tmp_path: Path) -> None:
    from app.services.demo import create_demo

    store = open_store(str(db_path))
    create_demo(store, cases=60, seed=2)
    store.close()
    target = tmp_path / "out" / "copy.sqlite3"
    target.parent.mkdir()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(db_path), str(target)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.stdout.startswith("BackupError"), result.stdout + result.stderr
    assert "nothing was left behind" in result.stdout
    assert list(target.parent.iterdir()) == []


def test_every_file_the_store_makes_is_owner_only(db_path: Path) -> None:
    os.umask(0o022)  # as a careless shell would leave it
    store = open_store(str(db_path))
    with store.sessions.begin() as session:
        session.execute(select(AuditEntry.id)).all()
    for suffix in ("", "-wal", "-shm", ".lock"):
        path = Path(f"{db_path}{suffix}")
        if path.exists():
            assert _owner_only(path), suffix
    store.close()
