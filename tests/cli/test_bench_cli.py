"""``pdu-manager bench``: the performance table and its JSON form (SPEC.md 6, 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FIGURES = {
    "start-up to a painted main window accepting input",
    "caseload filter or sort to the first page of rows",
    "weekly return for one PDU, built and exported to both formats",
    "import of a caseload extract, validation to commit",
    "tier calculation over prepared inputs",
    "memory of a separate process showing the caseload",
}
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


def test_bench_prints_the_table_and_writes_every_figure_as_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = {
        **os.environ,
        "PDU_MANAGER_DATA_DIR": str(tmp_path / "data"),
        "PDU_MANAGER_TODAY": "2026-11-25",
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        [sys.executable, "-m", "app", "bench", "--cases", "2000", "--json", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "PDU Manager performance (2,000 cases)" in done.stdout
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert {"figures", "peak_memory_mb"} <= payload.keys()
    assert {f["name"] for f in payload["figures"]} == FIGURES
    for figure in payload["figures"]:
        assert list(figure) == KEYS
        assert isinstance(figure["met"], bool)
        assert figure["name"] in done.stdout
    measured = {f["name"]: f for f in payload["figures"]}
    assert measured["tier calculation over prepared inputs"]["unit"] == "200000 assessments"
    weekly = measured["weekly return for one PDU, built and exported to both formats"]
    assert weekly["seconds"] > 0 and weekly["floor_seconds"] > 0
    startup = measured["start-up to a painted main window accepting input"]
    assert startup["seconds"] > startup["floor_seconds"] > 0
    assert payload["peak_memory_mb"] > 0
