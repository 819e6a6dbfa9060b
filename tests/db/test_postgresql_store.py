"""The shared PostgreSQL store: guards, a chain that never forks, imports that wait kindly.

Runs when ``PDU_MANAGER_TEST_DATABASE_URL`` names a PostgreSQL server; each
test gets a database of its own, migrated as its administrator would.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from app.db.models import AuditEntry
from app.services import maintenance
from app.services.core import audit
from app.services.core.actor import system_actor
from app.services.core.store import Store, open_store
from app.services.imports import run_import
from app.services.imports.turns import AnotherImportRunning

BASE = os.environ.get("PDU_MANAGER_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not BASE.startswith("postgresql"), reason="needs PDU_MANAGER_TEST_DATABASE_URL (PostgreSQL)"
)


@pytest.fixture
def pg_url() -> Iterator[str]:
    name = f"pdu_hardening_{uuid.uuid4().hex[:10]}"
    server = make_url(BASE)
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        maintenance.upgrade(url)  # as the administrator runs it
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    store = open_store(pg_url)
    yield store
    store.close()


def _problems(url: str) -> list[str]:
    return [line for line in maintenance.check(url).lines if line.startswith("Problem:")]


def test_the_audit_log_refuses_update_delete_and_truncate(pg_store: Store) -> None:
    with pg_store.sessions.begin() as session:
        audit.record(session, system_actor(session), "test.a", "pdu", 1)
    for statement in ("UPDATE audit_log SET summary = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), pg_store.engine.begin() as conn:
            conn.execute(text(statement))
    with pytest.raises(Exception, match="append-only"), pg_store.engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log"))
    assert _problems(pg_store.url) == []


def test_db_check_reports_a_switched_off_guard(pg_store: Store) -> None:
    with pg_store.engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate"))
    problems = _problems(pg_store.url)
    assert any("audit_log_no_truncate" in p and "switched off" in p for p in problems)


def test_each_entry_carries_the_database_login_filled_by_the_server(pg_store: Store) -> None:
    with pg_store.sessions.begin() as session:
        audit.record(session, system_actor(session), "test.a", "pdu", 1)
    with pg_store.sessions() as session:
        login = session.scalar(text("SELECT session_user"))
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.db_user == login and entry.db_time is not None
        assert audit.verify_chain(session).ok


def test_two_writers_at_once_never_chain_onto_the_same_entry(pg_store: Store) -> None:
    barrier = threading.Barrier(3)
    failures: list[BaseException] = []
    with pg_store.sessions.begin() as session:
        actor = system_actor(session)

    def writer(name: str) -> None:
        try:
            barrier.wait()
            for n in range(20):
                with pg_store.sessions.begin() as session:
                    audit.record(session, actor, name, "pdu", n)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(f"test.{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with pg_store.sessions() as session:
        assert max(Counter(session.scalars(select(AuditEntry.prev_hash))).values()) == 1
        report = audit.verify_chain(session)
    assert report.ok and report.entries >= 60


HEADER = "crn,forename,surname,pdu,sentence_type,sentence_date\n"


def _extract(tmp_path: Path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_a_second_import_of_the_same_cases_waits_a_few_seconds_and_is_told(
    pg_store: Store, tmp_path: Path
) -> None:
    with pg_store.sessions.begin() as session:
        actor = system_actor(session)
    first = _extract(tmp_path, "a.csv", "X200001,Alex,Smith,17,CO,20/11/2026\n")
    holder = pg_store.engine.connect()  # another import, mid-way: X200001 inserted, not committed
    holder.begin()
    holder.execute(
        text(
            "INSERT INTO person (crn, forename, surname, pdu_id, version, date_of_birth, "
            "gender, female_practitioner_requested) SELECT 'X200001', 'A', 'B', id, 1, NULL, "
            "NULL, false FROM pdu WHERE number = 17"
        )
    )
    started = time.monotonic()
    try:
        with pytest.raises(AnotherImportRunning, match="Another import into this database"):
            run_import(pg_store.sessions, actor, "cases", first)
    finally:
        holder.rollback()
        holder.close()
    assert time.monotonic() - started < 30
    report = run_import(pg_store.sessions, actor, "cases", first)  # once the other has finished
    assert report.accepted and report.added == 1


def test_least_privilege_role_may_append_and_read_the_log_but_never_rewrite_it(
    pg_url: str,
) -> None:
    role = f"pdu_app_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for statement in _least_privilege(role):
            conn.execute(text(statement))
    app_url = make_url(pg_url).set(username=role, password="x").render_as_string(False)
    try:
        store = open_store(app_url)
        try:
            with store.sessions.begin() as session:
                audit.record(session, system_actor(session), "test.a", "pdu", 1)
            with store.sessions() as session:
                assert audit.verify_chain(session).ok
            for statement in (
                "UPDATE audit_log SET summary = 'x'",
                "DELETE FROM audit_log",
                "TRUNCATE audit_log",
                "DROP TRIGGER audit_log_append_only ON audit_log",
            ):
                with (
                    pytest.raises(Exception, match=r"permission denied|must be owner"),
                    store.engine.begin() as conn,
                ):
                    conn.execute(text(statement))
        finally:
            store.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


def _least_privilege(role: str) -> list[str]:
    """The README's set-up, line for line: the app's role appends to the log, and no more."""
    return [
        f"CREATE ROLE \"{role}\" LOGIN PASSWORD 'x'",
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"',
        f'REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, store_identity FROM "{role}"',
        f'REVOKE INSERT, UPDATE, DELETE ON store_identity, alembic_version FROM "{role}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
    ]
