"""``pdu-manager db upgrade|check|backup|restore`` in a subprocess."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def test_upgrade_check_backup_restore(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "pdu.sqlite3"
    up = run_cli("--database", str(db), "db", "upgrade")
    assert up.returncode == 0, up.stderr
    assert "0001_initial" in up.stdout
    check = run_cli("--database", str(db), "db", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Database OK" in check.stdout

    backup = tmp_path / "copy.sqlite3"
    assert run_cli("--database", str(db), "db", "backup", str(backup)).returncode == 0
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT count(*) FROM pdu").fetchone() == (108,)
    conn.close()
    restored = run_cli("--database", str(db), "db", "restore", str(backup))
    assert restored.returncode == 0, restored.stderr


def test_errors_are_one_line_on_stderr_and_non_zero(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "pdu.sqlite3"
    missing = run_cli("--database", str(db), "db", "restore", str(tmp_path / "nope.sqlite3"))
    assert missing.returncode != 0
    assert missing.stderr.strip().count("\n") == 0
    assert "no backup file" in missing.stderr

    run_cli("--database", str(db), "db", "upgrade")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    newer = run_cli("--database", str(db), "db", "check")
    assert newer.returncode != 0
    assert "9999_future" in newer.stdout
