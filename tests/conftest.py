"""Shared fixtures: a temporary store per test, a fixed clock, offscreen Qt."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60
)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# A Wednesday, so working-day clocks have a week on either side.
TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own data folder and the same fixed day."""
    home = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("PDU_MANAGER_DATA_DIR", str(home))
    monkeypatch.setenv("PDU_MANAGER_TODAY", TODAY.isoformat())
    monkeypatch.delenv("PDU_MANAGER_DATABASE_URL", raising=False)


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id's cost is a setting: tests use the cheapest (production keeps OWASP's)."""
    from dataclasses import replace

    from app.domain.settings import SETTINGS

    for key, cheap in (
        ("password_hash_time_cost", 1),
        ("password_hash_memory_kib", 8),
        ("password_hash_parallelism", 1),
    ):
        monkeypatch.setitem(SETTINGS, key, replace(SETTINGS[key], default=cheap))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[object]:
    """A migrated store with reference data, on a temporary SQLite file."""
    from app.services.core.store import open_store

    url = os.environ.get("PDU_MANAGER_TEST_DATABASE_URL") or str(db_path)
    opened = open_store(url)
    yield opened
    opened.close()


@pytest.fixture
def session(store):  # type: ignore[no-untyped-def]
    with store.sessions() as s:
        yield s


@pytest.fixture
def head(session):  # type: ignore[no-untyped-def]
    """A signed-in Head of PDU covering PDU 17 (the factories' PDU)."""
    from app.domain.codes import Role
    from tests import factories as f

    actor = f.actor(session, Role.HEAD_OF_PDU, username="head", name="Hana Head")
    session.commit()
    return actor
