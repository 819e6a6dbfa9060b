"""The store: pragmas, migrations, backups, the append-only audit chain."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import migrate
from app.db.engine import make_engine
from app.services import maintenance
from app.services.core import audit
from app.services.core.store import open_store


def test_new_store_has_pragmas_schema_and_the_108_pdus(db_path: Path) -> None:
    store = open_store(str(db_path))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.execute(text("SELECT count(*) FROM pdu")).scalar() == 108
        assert conn.execute(text("SELECT count(*) FROM region")).scalar() == 12
        leeds = conn.execute(text("SELECT name FROM pdu WHERE number = 17")).scalar()
        wales = conn.execute(
            text(
                "SELECT count(*) FROM pdu JOIN region ON region.id = pdu.region_id "
                "WHERE region.code = 'H'"
            )
        ).scalar()
    assert leeds == "Leeds"
    assert wales == 6
    assert migrate.schema_state(store.engine) == "current"
    assert db_path.stat().st_mode & 0o077 == 0  # owner only
    store.close()


def test_known_revisions_match_the_alembic_scripts() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    chain = [rev.revision for rev in scripts.walk_revisions()][::-1]
    assert tuple(chain) == migrate.KNOWN_REVISIONS
    assert scripts.get_current_head() == migrate.SCHEMA_HEAD


def test_the_models_and_the_migrations_agree(db_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.db.models import Base

    store = open_store(str(db_path))
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.close()
    assert diff == []


def test_a_database_from_a_newer_version_is_refused_unchanged(db_path: Path) -> None:
    open_store(str(db_path)).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(migrate.SchemaError, match="newer version"):
        open_store(str(db_path))
    assert db_path.read_bytes() == before


def test_backup_and_restore_round_trip(db_path: Path, tmp_path: Path) -> None:
    store = open_store(str(db_path))
    backup = maintenance.backup(store.url, tmp_path / "b.sqlite3")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE pdu SET name = 'Renamed' WHERE number = 17"))
    maintenance.restore(store.url, backup, held=store.lock)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM pdu WHERE number = 17")).scalar() == "Leeds"
    assert migrate.check(store.engine).ok
    store.close()


def test_restore_refuses_a_file_that_is_not_a_database(db_path: Path, tmp_path: Path) -> None:
    store = open_store(str(db_path))
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(migrate.SchemaError):
        maintenance.restore(store.url, junk, held=store.lock)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pdu")).scalar() == 108
    store.close()


def test_audit_log_is_append_only_and_chained(store, head) -> None:  # type: ignore[no-untyped-def]
    with store.sessions.begin() as session:
        audit.record(session, head, "test.one", "pdu", 17, after={"name": "Leeds"})
        audit.record(session, head, "test.two", "pdu", 17, before={"a": 1}, after={"a": 2})
    with store.sessions() as session:
        report = audit.verify_chain(session)
    assert report.ok and report.entries >= 2
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))


def test_a_rewritten_audit_entry_breaks_the_chain(store, head) -> None:  # type: ignore[no-untyped-def]
    with store.sessions.begin() as session:
        audit.record(session, head, "test.one", "pdu", 17, after={"name": "Leeds"})
        audit.record(session, head, "test.two", "pdu", 17, after={"name": "York"})
    with store.engine.begin() as conn:  # a forger who drops the guard first
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET summary = 'forged' WHERE action = 'test.one'"))
    with store.sessions() as session:
        report = audit.verify_chain(session)
    assert not report.ok
    assert report.first_bad_id is not None


def test_upgrade_from_an_empty_file_then_check(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "x.sqlite3"))
    assert migrate.schema_state(engine) == "empty"
    migrate.upgrade(engine)
    report = migrate.check(engine)
    assert report.ok, report.problems
    engine.dispose()


def test_a_case_can_never_have_two_open_allocations(store) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, datetime

    from sqlalchemy.exc import IntegrityError

    from app.db.models import Allocation
    from tests import factories as f

    with store.sessions.begin() as s:
        pdu = f.pdu(s)
        pod = f.pod(s, f.team(s, pdu.id).id)
        a, b = f.staff(s, pod, "PO"), f.staff(s, pod, "PSO")
        person = f.case(s, pdu.id, staff_id=a.id)
        person_id, b_id = person.id, b.id
    with pytest.raises(IntegrityError), store.sessions.begin() as s:
        s.add(
            Allocation(
                person_id=person_id,
                staff_id=b_id,
                start_date=date(2026, 11, 25),
                recorded_at=datetime(2026, 11, 25),
            )
        )
    with store.sessions.begin() as s:  # a closed one beside the open one is fine
        s.add(
            Allocation(
                person_id=person_id,
                staff_id=b_id,
                start_date=date(2026, 1, 1),
                end_date=date(2026, 2, 1),
                recorded_at=datetime(2026, 11, 25),
            )
        )
