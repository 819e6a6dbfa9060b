"""Shared fixtures: a store of its own per test, a fixed clock, offscreen Qt.

A test that asks for a store (``store``, ``session``, ``head``, ``make_store``,
``store_urls``, ``module_store_urls``: every fixture that stands on
``postgresql_server``) is marked ``stores`` automatically and runs on SQLite, or on
PostgreSQL when ``PDU_MANAGER_TEST_DATABASE_URL`` names a server (see
``tests/stores.py`` and the README). ``sqlite_only`` and ``heavy`` tests are
skipped there: they run once, on SQLite.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

from tests.stores import PostgresServer, server_url

if TYPE_CHECKING:
    from app.services.core.store import Store

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60
)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# A Wednesday, so working-day clocks have a week on either side.
TODAY = date(2026, 11, 25)

STORE_FIXTURE = "postgresql_server"
"""Every store fixture stands on this one: a test that does is a ``stores`` test."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgresql = server_url() is not None
    for item in items:
        if STORE_FIXTURE in getattr(item, "fixturenames", ()):  # the fixtures' whole closure
            item.add_marker(pytest.mark.stores)
        if not on_postgresql:
            continue
        sqlite_only = item.get_closest_marker("sqlite_only")
        if sqlite_only is not None:
            reason = sqlite_only.kwargs.get("reason") or "".join(sqlite_only.args)
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
        elif item.get_closest_marker("heavy") is not None:
            item.add_marker(pytest.mark.skip(reason="heavy: runs once, on SQLite"))


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
    """A SQLite file that does not exist yet, for tests of SQLite itself."""
    return tmp_path / "test.sqlite3"


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgresServer | None]:
    """The run's PostgreSQL server with its migrated template; None on SQLite."""
    url = server_url()
    if url is None:
        yield None
        return
    server = PostgresServer(url)
    try:
        server.make_template()
        yield server
    finally:
        server.close()


class StoreUrls:
    """Where a test's stores live, on the run's store; PostgreSQL's are dropped after."""

    def __init__(self, folder: Path, server: PostgresServer | None) -> None:
        self._folder = folder
        self._server = server
        self._numbers = itertools.count(1)
        self._made: list[str] = []

    @property
    def backend(self) -> str:
        return "sqlite" if self._server is None else "postgresql"

    def new(self) -> str:
        """A new store that ``open_store`` opens with the current schema and reference data."""
        if self._server is None:
            return str(self._folder / f"store-{next(self._numbers)}.sqlite3")
        return self._keep(self._server.create(template=self._server.template))

    def empty(self) -> str:
        """A store with nothing in it yet, not even a schema."""
        if self._server is None:
            return str(self._folder / f"empty-{next(self._numbers)}.sqlite3")
        return self._keep(self._server.create())

    def _keep(self, url: str) -> str:
        self._made.append(url)
        return url

    def drop(self) -> None:
        if self._server is not None:
            for url in self._made:
                self._server.drop(url)
        self._made.clear()


@pytest.fixture
def store_urls(tmp_path: Path, postgresql_server: PostgresServer | None) -> Iterator[StoreUrls]:
    urls = StoreUrls(tmp_path, postgresql_server)
    yield urls
    urls.drop()


@pytest.fixture(scope="module")
def module_store_urls(
    tmp_path_factory: pytest.TempPathFactory, postgresql_server: PostgresServer | None
) -> Iterator[StoreUrls]:
    """Stores shared by a module's tests (build slow data once), dropped after its last."""
    urls = StoreUrls(tmp_path_factory.mktemp("stores"), postgresql_server)
    yield urls
    urls.drop()


@pytest.fixture
def make_store(store_urls: StoreUrls) -> Iterator[Callable[[], Store]]:
    """Opens a new store on each call, with the current schema and reference data."""
    from app.services.core.store import open_store

    opened: list[Store] = []

    def make() -> Store:
        opened.append(open_store(store_urls.new()))
        return opened[-1]

    yield make
    for store in reversed(opened):
        store.close()


@pytest.fixture
def store(make_store: Callable[[], Store]) -> Store:
    """A migrated store with reference data, of the test's own."""
    return make_store()


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
