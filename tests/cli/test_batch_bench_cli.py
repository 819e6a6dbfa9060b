"""``pdu-manager bench --batch``: the proposal against list order (issue 23)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_bench_batch_prints_the_comparison_and_writes_it_as_json(tmp_path: Path) -> None:
    out = tmp_path / "batch.json"
    env = {
        **os.environ,
        "PDU_MANAGER_DATA_DIR": str(tmp_path / "data"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        [sys.executable, "-m", "app", "bench", "--batch", "--seeds", "1", "--json", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Running HiGHS" not in done.stdout  # the solver's banner never reaches the user
    lines = done.stdout.splitlines()
    assert lines[0] == "Batch allocation: proposal against list order (medians over the seeds)"
    assert [line.split()[0] for line in lines[2:]] == ["10", "30", "60"]
    rows = json.loads(out.read_text(encoding="utf-8"))["batch_allocation"]
    assert [r["cases"] for r in rows] == [10, 30, 60]
    for r in rows:
        assert r["seeds"] == 1 and r["proposal_breaches_without_reason"] == 0
        assert r["proposal_receivers_max"] <= r["list_order_receivers_max"]
        assert isinstance(r["met"], bool)
