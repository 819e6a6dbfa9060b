"""``pdu-manager db upgrade|check|backup|restore`` in a subprocess."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.db import migrate
from tests.cli.conftest import count


@pytest.mark.sqlite_only(reason="backup and restore of a SQLite file; PostgreSQL's is pg_dump")
def test_upgrade_check_backup_restore(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "pdu.sqlite3"
    up = run_cli("--database", str(db), "db", "upgrade")
    assert up.returncode == 0, up.stderr
    assert migrate.SCHEMA_HEAD in up.stdout
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


@pytest.mark.sqlite_only(reason="backup and restore of a SQLite file; PostgreSQL's is pg_dump")
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


@pytest.mark.sqlite_only(reason="backup and restore of a SQLite file; PostgreSQL's is pg_dump")
def test_restore_refuses_a_file_that_is_not_ours_and_keeps_a_safety_copy(
    run_cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "pdu.sqlite3"
    assert run_cli("--database", str(db), "db", "upgrade").returncode == 0
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    refused = run_cli("db", "restore", str(empty), "--database", str(db))
    assert refused.returncode != 0
    assert "not a PDU Manager database" in refused.stderr
    with sqlite3.connect(db) as conn:  # untouched
        assert conn.execute("SELECT count(*) FROM pdu").fetchone() == (108,)
    conn.close()

    backup = tmp_path / "good.sqlite3"
    assert run_cli("--database", str(db), "db", "backup", str(backup)).returncode == 0
    again = run_cli("--database", str(db), "db", "backup", str(backup))
    assert again.returncode != 0 and "already exists" in again.stderr
    restored = run_cli("--database", str(db), "db", "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "kept in" in restored.stdout
    assert list((tmp_path / "data" / "backups").glob("pdu-before-restore-*.sqlite3"))


@pytest.mark.sqlite_only(reason="a SQLite file that is not there")
def test_check_of_a_missing_file_says_so_and_creates_nothing(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "typo" / "pdu.sqlite3"
    result = run_cli("db", "check", "--database", str(missing))
    assert result.returncode != 0
    assert result.stderr.strip() == f"pdu-manager: There is no database at {missing}."
    assert not missing.parent.exists()


def test_an_unusable_database_address_is_one_line(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("--database", "foo://bar", "db", "check")
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.sqlite_only(reason="backup and restore of a SQLite file; PostgreSQL's is pg_dump")
def test_restore_is_audited_and_bad_paths_are_one_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "pdu.sqlite3"
    assert run_cli("--database", str(db), "db", "upgrade").returncode == 0
    backup = tmp_path / "copy.sqlite3"
    assert run_cli("--database", str(db), "db", "backup", str(backup)).returncode == 0
    assert run_cli("--database", str(db), "db", "restore", str(backup)).returncode == 0
    assert not Path(f"{backup}-wal").exists() and not Path(f"{backup}-shm").exists()
    with sqlite3.connect(db) as conn:
        actions = [r[0] for r in conn.execute("SELECT action FROM audit_log")]
    conn.close()
    assert actions[-1] == "db.restored"

    nowhere = run_cli("--database", str(db), "db", "backup", str(tmp_path / "typo" / "b.sqlite3"))
    assert nowhere.returncode != 0 and "There is no folder" in nowhere.stderr
    assert not (tmp_path / "typo").exists()

    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 200)
    check = run_cli("--database", str(junk), "db", "check")
    assert check.returncode != 0
    assert check.stderr.count("\n") == 1 and "sqlalche.me" not in check.stderr

    demo = run_cli("demo", str(tmp_path / "none.sqlite3"), "--cases", "0")
    assert demo.returncode != 0 and not (tmp_path / "none.sqlite3").exists()


def test_upgrade_gives_an_empty_store_the_schema_and_the_pdus_then_check_passes(
    run_cli, store_urls
) -> None:  # type: ignore[no-untyped-def]
    empty = store_urls.empty()  # a shared store's administrator runs the upgrade
    up = run_cli("--database", empty, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    assert up.stdout.startswith("Database is at schema ")
    assert count(empty, "SELECT count(*) FROM pdu") == 108
    check = run_cli("--database", empty, "db", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Database OK" in check.stdout
    again = run_cli("--database", empty, "db", "upgrade")
    assert again.returncode == 0, again.stderr
    assert count(empty, "SELECT count(*) FROM pdu") == 108


def test_a_missing_module_is_called_a_driver_only_when_it_is_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.cli import _report

    _report(ModuleNotFoundError("No module named 'psycopg'", name="psycopg"))
    assert "a database driver is missing (psycopg)" in capsys.readouterr().err
    _report(ModuleNotFoundError("No module named 'PIL'", name="PIL"))
    err = capsys.readouterr().err
    assert "a part of PDU Manager is missing (PIL): reinstall it" in err
    assert "driver" not in err


@pytest.mark.sqlite_only(reason="a saved SQLite database of the first schema")
def test_check_of_an_older_schema_says_to_upgrade_and_changes_nothing(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path
) -> None:
    import shutil
    import sqlite3

    db = tmp_path / "old.sqlite3"
    shutil.copyfile(Path(__file__).parents[1] / "fixtures" / "schema_0001.sqlite3", db)
    checked = run_cli("--database", str(db), "db", "check")
    assert checked.returncode != 0 and "Traceback" not in checked.stderr
    assert "schema revision 0001_initial is older than this version's" in checked.stdout
    assert "pdu-manager db upgrade" in checked.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "0001_initial",
        )
    assert run_cli("--database", str(db), "db", "upgrade").returncode == 0
    again = run_cli("--database", str(db), "db", "check")
    assert again.returncode == 0 and "Database OK" in again.stdout
