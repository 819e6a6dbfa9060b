"""Someone holding only the file, the command line, an export or a log reads no victim's name.

The demo is made (its victims sealed), the demo's VLO reads every victim's
name through the services, then every column of every table, the database
file and its WAL, the exported caseload and audit log, the log folder and
the audit log are scanned for each of those names (issue 19 points 5-6). The column
scan also runs on PostgreSQL (a `stores` test: `.ci/with-postgres ... -m stores`).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from app.db.victim_models import VcsCase
from app.services.admin import audit_log
from app.services.caseload import search as caseload
from app.services.core.actor import system_actor
from app.services.core.store import open_store
from app.services.core.tables import export_table
from app.services.demo.generate import generate_demo
from app.services.users.gate import Gate
from app.services.victims.view import case_view
from tests.conftest import TODAY


@pytest.fixture
def sealed_demo(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "demo.sqlite3"
    store = open_store(str(path))
    with store.sessions.begin() as session:
        generate_demo(session, system_actor(session), 120, 3)
    yield store, path
    store.close()


def _victim_names(store) -> set[str]:  # type: ignore[no-untyped-def]
    vlo = Gate(store).sign_in("vlo", "demo").actor
    assert vlo is not None and vlo.keyring is not None and vlo.keyring.is_open
    names: set[str] = set()
    with store.sessions() as session:
        for case_id in session.scalars(select(VcsCase.id)):
            view = case_view(session, vlo, case_id)
            assert view.names_open
            names |= {v.name for v in view.victims}
            names |= {v.phone for v in view.victims} | {v.email for v in view.victims}
    assert len(names) > 30
    return {n for n in names if n}


def _hits(data: bytes, names: set[str]) -> set[str]:
    lowered = data.lower()
    found = set()
    for name in names:
        for form in (name.encode(), name.encode("utf-16-le")):
            if form.lower() in lowered:
                found.add(name)
    return found


def test_no_victim_name_is_in_any_column_the_file_or_its_wal(sealed_demo) -> None:  # type: ignore[no-untyped-def]
    store, path = sealed_demo
    names = _victim_names(store)
    assert _hits(" ".join(sorted(names)).encode(), names) == names  # the scan does find them
    raw = sqlite3.connect(path)
    try:
        tables = [t for (t,) in raw.execute("select name from sqlite_master where type='table'")]
        assert "victim" in tables
        for table in tables:
            for row in raw.execute(f'select * from "{table}"'):
                for value in row:
                    data = value if isinstance(value, bytes) else str(value).encode()
                    assert not _hits(data, names), f"{table} holds a victim's details"
    finally:
        raw.close()
    wal = Path(f"{path}-wal")
    files = [path, wal] if wal.exists() else [path]
    for file in files:
        assert not _hits(file.read_bytes(), names), f"{file.name} holds a victim's details"


@pytest.fixture
def demo_on_the_runs_store(make_store):  # type: ignore[no-untyped-def]
    """The demo on the run's store: SQLite, or PostgreSQL under .ci/with-postgres."""
    store = make_store()
    with store.sessions.begin() as session:
        generate_demo(session, system_actor(session), 120, 3)
    return store


def test_no_victim_name_is_in_any_column_of_the_store_sqlite_or_postgresql(
    demo_on_the_runs_store,
) -> None:  # type: ignore[no-untyped-def]
    store = demo_on_the_runs_store
    names = _victim_names(store)
    scanned = 0
    with store.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        assert "victim" in tables and "victim_task" in tables
        for table in tables:
            for row in conn.execute(text(f'select * from "{table}"')):
                for value in row:
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    data = value if isinstance(value, bytes) else str(value).encode()
                    assert not _hits(data, names), f"{table} holds a victim's details"
                    scanned += 1
        sealed = conn.execute(text("select name_enc from victim")).scalars().all()
    assert scanned > 10_000 and len(sealed) > 30 and all(sealed)  # names there, as ciphertext


def test_no_victim_name_leaves_in_an_export_a_log_or_the_audit_log(sealed_demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store, _path = sealed_demo
    names = _victim_names(store)
    gate = Gate(store)
    head = gate.sign_in("head", "demo").actor
    assert head is not None
    out = tmp_path / "exports"
    out.mkdir()
    with store.sessions.begin() as session:
        pdu_id = next(iter(head.pdu_ids))
        flt = caseload.CaseFilter(pdu_id=pdu_id, as_at=TODAY)
        rows = caseload.rows(session, caseload.search(session, flt))
        titles = [f.name for f in dataclasses.fields(rows[0])]
        table = [[str(getattr(r, t)) for t in titles] for r in rows]
        export_table(session, head, out / "caseload.xlsx", "Caseload", titles, table)
        audit_log.export(session, head, audit_log.AuditFilter(), out / "audit.csv")
        entries = audit_log.export_rows(session, audit_log.AuditFilter())
    assert entries
    assert not _hits(repr(entries).encode(), names)
    for file in [*out.iterdir(), *Path(store.label).parent.glob("*.log*")]:
        assert not _hits(file.read_bytes(), names), f"{file.name} holds a victim's details"
    import os

    logs = Path(os.environ["PDU_MANAGER_DATA_DIR"])
    for file in logs.rglob("*"):
        if file.is_file() and "sqlite" not in file.name:
            assert not _hits(file.read_bytes(), names), f"{file.name} holds a victim's details"
