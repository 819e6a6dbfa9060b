"""The audit chain anchored outside the database: what this computer has seen of it.

Each store has a random id. Every client appends the (entry id, hash) pairs
it writes or sees to a witness file in the user's own data folder, one file
per store id. ``db check`` compares the chain with every witnessed pair: an
insider who rewrites history and recomputes every hash still cannot make the
chain agree with what was seen before. A legitimate restore names the head
it replaced, so what was witnessed up to that head is not held against the
restored chain.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.engine import data_dir
from app.db.models import AuditEntry, StoreIdentity

log = logging.getLogger("pdu_manager")
RESTORED = "db.restored"


def store_id(session: Session) -> str | None:
    """The store's random id (None before its schema has one)."""
    return session.scalar(select(StoreIdentity.store_id).order_by(StoreIdentity.id).limit(1))


def witness_file(identity: str) -> Path:
    return data_dir() / "witness" / f"{identity}.txt"


def note(path: Path, pairs: Iterable[tuple[int, str]]) -> None:
    """Append seen (id, hash) pairs; a witness that cannot be written never stops the work."""
    lines = "".join(f"{entry_id} {digest}\n" for entry_id, digest in pairs if entry_id > 0)
    if not lines:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="ascii") as handle:
            handle.write(lines)
    except OSError as exc:
        log.warning("The audit witness file could not be written: %s", exc.strerror)


def read(path: Path) -> list[tuple[int, str]]:
    """The pairs witnessed so far, in the order seen; lines that are not pairs are skipped."""
    pairs: list[tuple[int, str]] = []
    with contextlib.suppress(FileNotFoundError):
        for line in path.read_text(encoding="ascii", errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0].isdigit() and len(parts[1]) == 64:
                pairs.append((int(parts[0]), parts[1]))
    return pairs


def replaced_heads(session: Session) -> set[tuple[int, str]]:
    """The heads that restores recorded in the chain replaced."""
    heads: set[tuple[int, str]] = set()
    for changes in session.scalars(select(AuditEntry.changes).where(AuditEntry.action == RESTORED)):
        with contextlib.suppress(ValueError, TypeError, KeyError):
            entry_id, digest = json.loads(changes)["replaced_head"]
            heads.add((int(entry_id), str(digest)))
    return heads


def _hashes(session: Session, ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = session.execute(
            select(AuditEntry.id, AuditEntry.hash).where(AuditEntry.id.in_(chunk))
        )
        found.update((int(i), str(h)) for i, h in rows)
    return found


def compare(session: Session, witnessed: Sequence[tuple[int, str]], head_id: int) -> list[str]:
    """What the chain no longer shows of what was witnessed, in plain words (first five)."""
    replaced = replaced_heads(session)
    last_restore = max((i for i, pair in enumerate(witnessed) if pair in replaced), default=-1)
    since = dict(witnessed[last_restore + 1 :])
    stored = _hashes(session, sorted(since))
    problems: list[str] = []
    beyond = sorted(i for i in since if i not in stored and i > head_id)
    if beyond:
        problems.append(
            f"the audit log has been cut short: entry {beyond[-1]:,} was seen on this computer, "
            f"but the log now ends at entry {head_id:,}"
        )
    for entry_id in sorted(since):
        if entry_id in stored and stored[entry_id] != since[entry_id]:
            problems.append(
                f"audit entry {entry_id:,} is not the entry seen on this computer: "
                "the history has been rewritten"
            )
        elif entry_id not in stored and entry_id <= head_id:
            problems.append(f"audit entry {entry_id:,}, seen on this computer, has been removed")
    return problems[:5]
