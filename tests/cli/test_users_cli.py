"""``pdu-manager users create-head|reset-password``: the database maintainer's part."""

from __future__ import annotations

import sqlite3
from pathlib import Path

PASSWORD = "a long and unusual passphrase\n"


def _audit(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT username, action, entity_id FROM audit_log ORDER BY id"
        ).fetchall()
    conn.close()
    return [tuple(r) for r in rows]


def test_create_head_then_reset_their_password(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "pdu.sqlite3"
    made = run_cli(
        "--database",
        str(db),
        "users",
        "create-head",
        "--username",
        "Jo.Head",
        "--name",
        "Jo Head",
        "--pdu",
        "17",
        stdin=PASSWORD,
    )
    assert made.returncode == 0, made.stderr
    assert "Head of PDU jo.head created" in made.stdout
    again = run_cli(
        "--database",
        str(db),
        "users",
        "create-head",
        "--username",
        "al",
        "--name",
        "Al",
        "--pdu",
        "17",
        stdin=PASSWORD,
    )
    assert again.returncode != 0
    assert "already has a Head of PDU" in again.stderr and again.stderr.count("\n") == 1
    reset = run_cli("--database", str(db), "users", "reset-password", "jo.head", stdin=PASSWORD)
    assert reset.returncode == 0, reset.stderr
    assert _audit(db) == [
        ("command line", "user.created", "jo.head"),
        ("command line", "user.password_reset", "jo.head"),
    ]
    with sqlite3.connect(db) as conn:
        stored = conn.execute(
            "SELECT password_hash, must_change_password FROM app_user WHERE username = 'jo.head'"
        ).fetchone()
    conn.close()
    assert stored[0].startswith("$argon2id$") and stored[1] == 1
    check = run_cli("--database", str(db), "db", "check")
    assert check.returncode == 0 and "Audit chain intact: 2 entries" in check.stdout


def test_a_weak_password_or_an_unknown_user_changes_nothing(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "pdu.sqlite3"
    weak = run_cli(
        "--database",
        str(db),
        "users",
        "create-head",
        "--username",
        "jo",
        "--name",
        "Jo",
        "--pdu",
        "17",
        stdin="short\n",
    )
    assert weak.returncode != 0 and "at least 12 characters" in weak.stderr
    unknown = run_cli("--database", str(db), "users", "reset-password", "nobody", stdin=PASSWORD)
    assert unknown.returncode != 0 and "no account called nobody" in unknown.stderr
    assert _audit(db) == []
