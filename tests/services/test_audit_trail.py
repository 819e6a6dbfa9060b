"""The audit trail never forks by itself; an insider cannot rewrite it unseen (SPEC.md 9)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from app.db.models import AuditEntry
from app.services import maintenance
from app.services.core import audit, witness

SQLITE_ONLY = pytest.mark.skipif(
    os.environ.get("PDU_MANAGER_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="works on the SQLite file itself (tests/db/test_postgresql_store.py covers PostgreSQL)",
)


def _record(store: Any, actor: Any, action: str, count: int = 1) -> None:
    for n in range(count):
        with store.sessions.begin() as session:
            audit.record(session, actor, action, "pdu", n, after={"n": n})


def test_two_writers_at_once_never_chain_onto_the_same_entry(store, head) -> None:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            barrier.wait()
            _record(store, head, name, 25)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(f"test.{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with store.sessions() as session:
        prevs = Counter(session.scalars(select(AuditEntry.prev_hash)))
        report = audit.verify_chain(session)
    assert report.ok and report.entries >= 50
    assert max(prevs.values()) == 1  # no two entries follow the same one


def _forge(store: Any, statements: list[str]) -> None:
    """An insider with the file: drop the guards, change the log, recompute every hash."""
    with store.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        for statement in statements:
            conn.execute(text(statement))
        conn.execute(text("UPDATE audit_log SET id = id + 1000000"))  # room to renumber
        prev = audit.GENESIS
        rows = conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.id)).mappings().all()
        for number, row in enumerate(rows, start=1):
            entry = AuditEntry(**{**row, "id": number, "prev_hash": prev})
            digest = audit.entry_hash(entry)
            conn.execute(
                text("UPDATE audit_log SET id = :new, prev_hash = :p, hash = :h WHERE id = :old"),
                {"new": number, "p": prev, "h": digest, "old": row["id"]},
            )
            prev = digest
        conn.execute(
            text(
                "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
        )


def _problems(store: Any, expect_head: str | None = None) -> list[str]:
    result = maintenance.check(store.url, expect_head=expect_head)
    return [line for line in result.lines if line.startswith("Problem:")]


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("forgery", "said"),
    [
        (
            ["UPDATE audit_log SET summary = 'nothing happened' WHERE action = 'test.b'"],
            "rewritten",
        ),
        (["DELETE FROM audit_log WHERE action = 'test.b'"], "rewritten"),
        (["DELETE FROM audit_log WHERE action = 'test.c'"], "cut short"),
        (["UPDATE audit_log SET user_id = NULL"], "rewritten"),
        (
            [
                "INSERT INTO audit_log (id, at, username, os_login, action, entity, entity_id, "
                "summary, changes, prev_hash, hash, hash_version, db_user) SELECT 0, at, "
                "username, os_login, 'test.inserted', entity, entity_id, summary, changes, '', "
                "'', 2, '' FROM audit_log WHERE action = 'test.a'"
            ],
            "rewritten",
        ),
    ],
    ids=["rewrite-middle", "delete-middle", "truncate-tail", "edit-user-id", "insert"],
)
def test_a_rewritten_history_with_recomputed_hashes_is_still_found(
    store, head, forgery: list[str], said: str
) -> None:  # type: ignore[no-untyped-def]
    _record(store, head, "test.a")
    _record(store, head, "test.b")
    _record(store, head, "test.c")
    assert _problems(store) == []
    _forge(store, forgery)
    with store.sessions() as session:
        assert audit.verify_chain(session).ok  # the hashes alone cannot tell
    problems = _problems(store)
    assert problems, "the forgery went unseen"
    assert said in " ".join(problems)


@SQLITE_ONLY
def test_an_edited_user_id_breaks_the_chain_when_the_hashes_are_not_recomputed(store, head) -> None:  # type: ignore[no-untyped-def]
    _record(store, head, "test.a")
    with store.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET user_id = NULL WHERE action = 'test.a'"))
    with store.sessions() as session:
        report = audit.verify_chain(session)
    assert not report.ok and "was changed after it was written" in report.problem


@SQLITE_ONLY
def test_the_head_printed_on_a_return_must_still_be_in_the_log(store, head, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _record(store, head, "test.a")
    with store.sessions() as session:
        printed = audit.head_hash(session)
    assert _problems(store, expect_head=printed) == []
    witness_file = witness.witness_file(store.store_id)
    witness_file.unlink()  # a forger on another computer: no witness here
    _forge(store, ["UPDATE audit_log SET summary = 'nothing' WHERE action = 'test.a'"])
    assert _problems(store) == []  # no witness, no head: the chain alone cannot tell
    (problem,) = _problems(store, expect_head=printed)
    assert "is not in the audit log" in problem


@SQLITE_ONLY
def test_db_check_reports_a_missing_guard(store, head) -> None:  # type: ignore[no-untyped-def]
    with store.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
    problems = _problems(store)
    assert any("audit_log_no_delete" in p for p in problems), problems


@SQLITE_ONLY
def test_old_entries_hashed_the_first_way_still_verify(store, head) -> None:  # type: ignore[no-untyped-def]
    _record(store, head, "test.new")
    with store.engine.begin() as conn:  # an entry as the first version wrote it, before the rest
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        row = conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.id)).mappings().first()
        old = AuditEntry(**{**row, "hash_version": 1, "prev_hash": audit.GENESIS})
        payload = json.dumps(
            {
                "at": old.at.isoformat(),
                "username": old.username,
                "os_login": old.os_login,
                "action": old.action,
                "entity": old.entity,
                "entity_id": old.entity_id,
                "summary": old.summary,
                "changes": old.changes,
            },
            sort_keys=True,
            separators=(",", ":"),
        )
        assert (
            audit.entry_hash(old) == hashlib.sha256((old.prev_hash + payload).encode()).hexdigest()
        )


@SQLITE_ONLY
def test_an_entry_claiming_the_old_hashing_after_new_entries_is_tampering(store, head) -> None:  # type: ignore[no-untyped-def]
    _record(store, head, "test.a")
    _record(store, head, "test.b")
    with store.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET hash_version = 1 WHERE action = 'test.b'"))
    with store.sessions() as session:
        report = audit.verify_chain(session)
    assert not report.ok and "old way of hashing" in report.problem
