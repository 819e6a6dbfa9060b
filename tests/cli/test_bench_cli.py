"""``pdu-manager bench``: the performance table and its JSON form (SPEC.md 6, 8).

A small bench (2,000 cases) runs every figure's machinery, child processes
included; it asserts that each figure was measured and has the documented
shape, never how fast anything was. The 250,000-case run is a command
(``pdu-manager bench``), not a test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

CASES = 2000
STARTUP = "start-up to a painted main window accepting input"
CASELOAD = "caseload filter or sort to the first page of rows"
WEEKLY_RETURN = "weekly return for one PDU, built and exported to both formats"
IMPORT = "import of a caseload extract, validation to commit"
TIERS = "tier calculation over prepared inputs"
MEMORY = "memory of a separate process showing the caseload"
UPW_GRID = "unpaid work weekly grid of a PDU (20 projects, 12 weeks, 600 people)"
STALL = "longest GUI stall while searching, filtering, sorting, switching screens"
KEYS = [
    "name",
    "seconds",
    "floor_seconds",
    "ratio",
    "target_seconds",
    "target_ratio",
    "unit",
    "met",
]
pytestmark = pytest.mark.heavy


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    """The printed table and the JSON of one small bench run."""
    folder = tmp_path_factory.mktemp("bench")
    out = folder / "bench.json"
    env = {
        **os.environ,
        "PDU_MANAGER_DATA_DIR": str(folder / "data"),
        "PDU_MANAGER_TODAY": "2026-11-25",
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("PDU_MANAGER_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "app", "bench", "--cases", str(CASES), "--json", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(out.read_text(encoding="utf-8"))


def _figures(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in payload["figures"]}


def test_the_json_has_every_figure_in_the_documented_shape(
    bench: tuple[str, dict[str, Any]],
) -> None:
    table, payload = bench
    assert {"figures", "peak_memory_mb"} <= payload.keys()
    assert payload["cases"] == CASES
    assert [f["name"] for f in payload["figures"]] == [
        STARTUP,
        CASELOAD,
        WEEKLY_RETURN,
        IMPORT,
        TIERS,
        MEMORY,
        UPW_GRID,
        STALL,
    ]
    for figure in payload["figures"]:
        assert list(figure) == KEYS
        assert isinstance(figure["met"], bool)
        assert figure["target_seconds"] > 0
        assert figure["name"] in table
    assert f"PDU Manager performance ({CASES:,} cases)" in table


def test_every_built_figure_is_measured_and_positive(bench: tuple[str, dict[str, Any]]) -> None:
    _table, payload = bench
    figures = _figures(payload)
    for name in (STARTUP, CASELOAD, IMPORT, WEEKLY_RETURN):  # each against its floor
        figure = figures[name]
        assert figure["seconds"] > 0, name
        assert figure["floor_seconds"] > 0, name
        assert figure["ratio"] > 0, name
        assert figure["unit"] == "s", name
    assert figures[IMPORT]["target_ratio"] == 3.0
    assert figures[TIERS]["seconds"] > 0
    assert figures[TIERS]["unit"] == f"{CASES} assessments"
    assert figures[MEMORY]["seconds"] > 0
    assert figures[MEMORY]["unit"] == "MB"
    assert payload["peak_memory_mb"] == figures[MEMORY]["seconds"]
    assert figures[UPW_GRID]["seconds"] > 0
