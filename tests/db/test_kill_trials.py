"""Kill trials: SIGKILL at every moment of a first creation and of a two-step migration.

Each trial runs a child process that sends itself SIGKILL just before one SQL
statement (or the commit); every survivor must open and upgrade, its schema
wholly before or after, and a rebuilt parent must keep its children.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import migrate
from app.db.engine import make_engine
from app.services.core.store import open_store
from tests.db.kill_child import trial_config

REPO = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]


def _child(
    mode: str, database: Path, kill_at: int, *extra: str
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "tests.db.kill_child", mode, str(database), str(kill_at), *extra],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


def _moments(total: int, wanted: int) -> list[int]:
    """``wanted`` kill points spread over statements 1..total, the first and last included."""
    step = max(total / wanted, 1)
    return sorted({min(total, 1 + round(i * step)) for i in range(wanted)} | {total})


def _objects(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        count = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    conn.close()
    return int(count)


def test_a_kill_at_any_moment_of_a_first_creation_leaves_a_store_that_opens(
    tmp_path: Path,
) -> None:
    clean = _child("create", tmp_path / "clean.sqlite3", 0)
    assert clean.returncode == 0, clean.stderr
    total = int(clean.stdout.split()[-1])
    complete = _objects(tmp_path / "clean.sqlite3")
    killed = 0
    for moment in _moments(total, 16):
        database = tmp_path / f"kill-{moment}.sqlite3"
        result = _child("create", database, moment)
        assert result.returncode == -signal.SIGKILL, (moment, result.stderr)
        killed += 1
        objects = _objects(database) if database.exists() else 0
        assert objects in (0, complete), f"killed before statement {moment}: {objects} objects"
        store = open_store(str(database))  # the survivor opens, creating what is missing
        try:
            assert migrate.schema_state(store.engine) == "current"
            assert migrate.check(store.engine).ok
            with store.engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM pdu")).scalar() == 108
        finally:
            store.close()
    assert killed >= 15


@pytest.fixture
def populated(tmp_path: Path) -> Path:
    from app.services.demo import create_demo

    path = tmp_path / "populated.sqlite3"
    store = open_store(str(path))
    create_demo(store, cases=30, seed=3)
    store.close()
    return path


def _counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM caseload_row), "
            "(SELECT count(*) FROM event)"
        ).fetchone()
    conn.close()
    return int(row[0]), int(row[1]), int(row[2])


def _columns(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        names = {str(r[1]) for r in conn.execute("PRAGMA table_info(person)")}
    conn.close()
    return names


def test_a_rebuilt_parent_keeps_its_children(populated: Path) -> None:
    before = _counts(populated)
    assert before[1] == before[0] > 0
    engine = make_engine(str(populated))
    migrate.upgrade(engine, config=trial_config())
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # on again after
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        nicknames = conn.execute(text("SELECT count(*) FROM person WHERE nickname = forename"))
        assert nicknames.scalar() == before[0]
    engine.dispose()
    assert _counts(populated) == before  # caseload rows (ON DELETE CASCADE) all kept


def test_a_kill_at_any_moment_of_a_two_step_migration_leaves_it_before_or_after(
    populated: Path, tmp_path: Path
) -> None:
    before = _counts(populated)
    dry = tmp_path / "dry.sqlite3"
    shutil.copyfile(populated, dry)
    clean = _child("migrate", dry, 0)
    assert clean.returncode == 0, clean.stderr
    total = int(clean.stdout.split()[-1])
    for moment in range(1, total + 1):
        database = tmp_path / f"migrate-{moment}.sqlite3"
        shutil.copyfile(populated, database)
        result = _child("migrate", database, moment)
        assert result.returncode == -signal.SIGKILL, (moment, result.stderr)
        assert "nickname" not in _columns(database), f"half migrated at statement {moment}"
        engine = make_engine(str(database))
        try:
            migrate.upgrade(engine, config=trial_config())  # the survivor upgrades
        finally:
            engine.dispose()
        assert "nickname" in _columns(database)
        assert _counts(database) == before
    assert total >= 5


def _actions(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        actions = [str(r[0]) for r in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    conn.close()
    return actions


def test_a_kill_at_any_moment_of_a_restore_leaves_the_database_before_or_restored_and_audited(
    populated: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.sqlite3"
    shutil.copyfile(populated, backup)
    with sqlite3.connect(populated) as conn:  # written after the backup: a restore undoes it
        conn.execute("UPDATE person SET forename = 'Changed'")
    conn.close()
    dry = tmp_path / "dry.sqlite3"
    shutil.copyfile(populated, dry)
    clean = _child("restore", dry, 0, str(backup))
    assert clean.returncode == 0, clean.stderr
    total = int(clean.stdout.split()[-1])
    before = _actions(populated)
    for moment in [*_moments(total, 8), -1]:
        database = tmp_path / f"restore-{moment}.sqlite3"
        shutil.copyfile(populated, database)
        result = _child("restore", database, moment, str(backup))
        assert result.returncode == -signal.SIGKILL, (moment, result.stderr)
        actions = _actions(database)
        if moment == -1:  # killed after the copy: restored, and the restore recorded with it
            assert actions[-1] == "db.restored" and len(actions) == len(before) + 1
            with sqlite3.connect(database) as conn:
                changed = conn.execute("SELECT count(*) FROM person WHERE forename = 'Changed'")
                assert changed.fetchone() == (0,)
            conn.close()
        else:
            assert actions == before, f"killed at statement {moment}"
        store = open_store(str(database))  # the survivor opens; its leftovers are cleared
        try:
            assert migrate.check(store.engine).ok
        finally:
            store.close()
        assert not list(tmp_path.glob(f"restore-{moment}.sqlite3.restoring*"))
