"""The window never stalls for long while a person works a large caseload (issue 21).

The event loop's longest stall is measured while searching, filtering, sorting
and switching screens over ``PDU_MANAGER_LATENCY_CASES`` cases (40,000, a region,
unless set; 250,000 for the national figure, which ``pdu-manager bench`` also
reports), built once with raw SQL. It fails above 100 ms only when
``PDU_MANAGER_STRICT_LATENCY=1``: on a shared or slow machine the figure is
reported, not judged. ``pdu-manager bench`` reports the same figure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.bench.latency import StallMeter, exercise
from app.bench.sql import build_database
from app.db.engine import sqlite_url
from tests.conftest import TODAY

pytestmark = pytest.mark.heavy

LIMIT_MS = 100.0
CASES = int(os.environ.get("PDU_MANAGER_LATENCY_CASES", "40000"))  # CI's 20 minutes


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from app.services.core.store import open_store

    folder = tmp_path_factory.mktemp("latency")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PDU_MANAGER_TODAY", TODAY.isoformat())
        env.setenv("PDU_MANAGER_DATA_DIR", str(folder / "data"))
        path = folder / "big.sqlite3"
        build_database(path, CASES, (17,))
        store = open_store(sqlite_url(path))
    yield store
    store.close()


def test_the_longest_stall_while_working_the_screens_is_reported_and_held_to_100_ms(
    qtbot: Any, big_store: Any, record_property: Callable[[str, object], None]
) -> None:
    from app.services.core.startup import system_account
    from app.ui.app import build_window

    window = build_window(big_store, system_account(big_store))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    def wait(condition: Callable[[], bool]) -> None:
        qtbot.waitUntil(condition, timeout=120_000)

    wait(lambda: window.ctx.ops.pending == 0)
    caseload = window.open_screen("Caseload")
    wait(lambda: caseload.model.rowCount() > 0)
    meter = StallMeter()
    meter.start()
    steps = exercise(window, wait, meter)
    stall = meter.stop()
    record_property("longest_stall_ms", round(stall, 1))
    worst = ", ".join(f"{name} {ms:.0f} ms" for name, ms in steps.items())
    print(f"longest stall over {CASES:,} cases: {stall:.0f} ms ({worst})")
    assert caseload.model.rowCount() > 0  # the screens worked: the caseload shows its cases
    if os.environ.get("PDU_MANAGER_STRICT_LATENCY") == "1":
        assert stall <= LIMIT_MS, f"the window stalled {stall:.0f} ms (limit {LIMIT_MS:.0f} ms)"
