"""``pdu-manager demo PATH``: a synthetic PDU written from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import count


def _run(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PDU_MANAGER_DATA_DIR": str(data),
        "PDU_MANAGER_TODAY": "2026-11-25",
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("PDU_MANAGER_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_demo_writes_the_cases_asked_for_and_prints_a_summary(
    tmp_path: Path, database: str
) -> None:
    done = _run(
        "demo", "--database", database, "--cases", "200", "--seed", "3", data=tmp_path / "data"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Demo PDU 17. Leeds: 200 cases, 48 practitioners in 3 teams")
    active = count(
        database,
        "SELECT count(*) FROM caseload_row WHERE sentence_date <= '2026-11-25'"
        " AND (end_date IS NULL OR end_date >= '2026-11-25')",
    )
    people = count(database, "SELECT count(*) FROM person WHERE ended_on IS NULL")
    assert active == people == 200


@pytest.mark.sqlite_only(reason="PATH names a SQLite file")
def test_demo_writes_a_new_sqlite_file_named_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    done = _run("demo", str(path), "--cases", "30", "--seed", "3", data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert count(str(path), "SELECT count(*) FROM person") == 30


def test_demo_refuses_a_database_that_already_has_cases(tmp_path: Path, database: str) -> None:
    first = _run("demo", "--database", database, "--cases", "30", data=tmp_path / "data")
    assert first.returncode == 0, first.stderr
    again = _run("demo", "--database", database, "--cases", "30", data=tmp_path / "data")
    assert again.returncode != 0
    assert "already holds cases" in again.stderr
    assert again.stderr.count("\n") == 1
    assert count(database, "SELECT count(*) FROM person") == 30
