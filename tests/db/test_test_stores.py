"""The test fixtures' stores: one of its own per test, on the run's backend."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from app.db.models import Person, Team
from app.services.core.store import Store
from tests import factories as f
from tests.stores import server_url


def test_a_test_asking_for_a_store_is_marked_and_runs_on_the_runs_backend(
    request: pytest.FixtureRequest, store: Store
) -> None:
    assert request.node.get_closest_marker("stores") is not None
    expected = "sqlite" if server_url() is None else "postgresql"
    assert store.engine.dialect.name == expected


def test_each_store_starts_with_the_reference_data_only_and_keeps_its_writes_to_itself(
    make_store: Callable[[], Store],
) -> None:
    first, second = make_store(), make_store()
    assert first.url != second.url
    with first.sessions.begin() as s:
        f.team(s, f.pdu(s).id, "Team Only In The First")
    for store, teams in ((first, 1), (second, 0)):
        with store.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Team)) == teams
            assert s.scalar(select(func.count()).select_from(Person)) == 0
            assert f.pdu(s).name == "Leeds"
