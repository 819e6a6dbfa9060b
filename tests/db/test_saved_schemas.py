"""Databases saved by each released schema revision still open, upgraded, data intact.

A new migration adds its own saved database here (``pdu-manager demo`` at that
revision, 40 cases, seed 7); every earlier one must keep upgrading cleanly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db import migrate
from app.db.models import Allocation, AuditEntry, CaseloadRow, Person
from app.services.core.audit import verify_chain
from app.services.core.store import open_store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAVED = sorted(FIXTURES.glob("schema_*.sqlite3"))


def test_every_released_revision_has_a_saved_database() -> None:
    saved = {p.stem.removeprefix("schema_") for p in SAVED}
    released = {revision.split("_", 1)[0] for revision in migrate.KNOWN_REVISIONS}
    assert released <= saved


@pytest.mark.sqlite_only(reason="the saved databases are SQLite files of each released revision")
@pytest.mark.parametrize("saved", SAVED, ids=lambda p: p.stem)
def test_a_saved_database_opens_at_the_current_schema_with_its_data(
    saved: Path, tmp_path: Path
) -> None:
    copy = tmp_path / saved.name
    shutil.copyfile(saved, copy)
    store = open_store(str(copy))
    try:
        assert migrate.schema_state(store.engine) == "current"
        assert migrate.check(store.engine).ok
        with store.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Person)) == 40
            assert session.scalar(select(func.count()).select_from(CaseloadRow)) == 40
            assert session.scalar(select(func.count()).select_from(Allocation)) >= 30
            assert session.scalar(select(func.count()).select_from(AuditEntry)) >= 1
            assert verify_chain(session).ok
    finally:
        store.close()
