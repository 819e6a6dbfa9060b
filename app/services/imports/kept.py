"""A previewed import's plan, kept for its apply while nothing has changed (issue 21).

The window previews a file, then imports it: without this both would parse,
check and plan the whole file. The last accepted preview's checked rows and
plan are kept in memory; the apply takes them when it is for the same store,
person, kind, file (its SHA-256) and day, and the audit chain's head is where
it was (every change to the records leaves an audit entry). Anything else and
the apply checks and plans afresh, as it always did. The write step keeps its
own optimistic checks either way. One plan at most is kept: the newest.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app.services.core.actor import Actor
from app.services.core.audit import head
from app.services.imports.common import Importer
from app.services.imports.report import ImportReport


@dataclass(frozen=True)
class PlanKey:
    """What a kept plan is for."""

    store: str
    user_id: int | None
    kind: str
    path: str
    pdu: str | None
    as_at: date
    file_hash: str
    audit_head: tuple[int, str]


@dataclass(frozen=True)
class KeptPlan:
    key: PlanKey
    importer: Importer
    report: ImportReport
    end_missing: bool


_lock = threading.Lock()
_kept: list[KeptPlan] = []


def plan_key(
    session: Session,
    actor: Actor,
    kind: str,
    path: Path,
    pdu: str | None,
    as_at: date,
    file_hash: str,
) -> PlanKey:
    store = session.get_bind().engine.url.render_as_string(hide_password=True)
    return PlanKey(
        store, actor.user_id, kind, str(path.resolve()), pdu, as_at, file_hash, head(session)
    )


def keep(plan: KeptPlan) -> None:
    with _lock:
        _kept[:] = [plan]


def take(key: PlanKey) -> KeptPlan | None:
    """The plan kept for exactly this key, no longer kept (a plan is applied once)."""
    with _lock:
        found = _kept[:]
        _kept.clear()
    return found[0] if found and found[0].key == key else None


def forget() -> None:
    with _lock:
        _kept.clear()
