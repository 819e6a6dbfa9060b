"""``pdu-manager bench``: the performance table of SPEC.md 8.

Builds synthetic stores at scale with raw SQL in a temporary folder, measures
each figure (start-up, caseload and memory in child processes, so the bench's
own data generation does not count), prints the table and optionally writes
it as JSON (SPEC.md 6). The bench reports; it does not fail on a missed
target: it exits 0 once the table is printed.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.bench import figures
from app.bench.figures import Children, Figure
from app.bench.sql import build_database

STARTUP_CASES = 40_000
BENCH_PDU = 17
REGION_PDUS = tuple(range(14, 25))
"""The PDUs of Yorkshire and the Humber (region B), for the region start-up database."""


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


@contextmanager
def _bench_data_dir(workdir: Path) -> Iterator[None]:
    """Keep the bench's backups and logs out of the user's own data folder."""
    old = os.environ.get("PDU_MANAGER_DATA_DIR")
    os.environ["PDU_MANAGER_DATA_DIR"] = str(workdir / "data")
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PDU_MANAGER_DATA_DIR", None)
        else:
            os.environ["PDU_MANAGER_DATA_DIR"] = old


def _build(path: Path, cases: int, pdus: tuple[int, ...]) -> None:
    start = time.perf_counter()
    build_database(path, cases, pdus)
    _say(f"built {path.name}: {cases:,} cases in {time.perf_counter() - start:.1f} s")


def measure(workdir: Path, cases: int) -> tuple[list[Figure], float | None]:
    """Every figure of the table, in the order of SPEC.md 8; and the peak memory."""
    startup_cases = min(STARTUP_CASES, cases)
    region, big = workdir / "region.sqlite3", workdir / "bench.sqlite3"
    _build(region, startup_cases, REGION_PDUS)
    _build(big, cases, (BENCH_PDU,))
    children = Children(workdir)
    _say("measuring start-up")
    # A small bench checks that every figure can be measured; one timed start is enough.
    runs = figures.STARTUP_RUNS if cases >= STARTUP_CASES else 1
    startup = figures.startup(children, region, startup_cases, runs)
    _say("measuring the caseload")
    caseload = figures.caseload(children, big, BENCH_PDU, cases)
    _say("measuring the import")
    imported = figures.import_extract(workdir, cases)
    _say("measuring the tier calculation")
    tiers = figures.tier_calculation(min(figures.TIER_BATCH, cases))
    _say("measuring the weekly return")
    weekly = figures.weekly_return(region, REGION_PDUS[3])
    _say("measuring memory")
    memory, peak = figures.memory(children, big, cases)
    table = [startup, caseload, weekly, imported, tiers, memory]
    table.append(_unpaid_work(workdir))
    _say("measuring the longest GUI stall")
    from app.bench import latency

    table.append(latency.figure(children, big, cases))
    return table, peak


def _unpaid_work(workdir: Path) -> Figure:
    """The weekly grid of unpaid work (its own module: app/bench/upw.py)."""
    from app.bench import upw

    _say("measuring the unpaid work grid")
    return upw.figure(workdir)


def _cell(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "-"
    return f"{value:,.0f} MB" if unit == "MB" else f"{value:.3f} s"


def format_table(table: list[Figure], cases: int) -> str:
    """The table as printed: figure, ours, floor, ratio, target, met."""
    header = ("figure", "ours", "floor", "ratio", "target", "met")
    lines = [header]
    for f in table:
        target = _cell(f.target_seconds, f.unit)
        if f.target_ratio is not None:
            target += f" and {f.target_ratio:g}x"
        ratio = "-" if f.ratio is None else f"{f.ratio:.1f}x"
        ours = _cell(f.seconds, f.unit)
        if f.unit not in ("s", "MB"):
            ours += f" per {f.unit}"
        met = "yes" if f.met else "no"
        lines.append((f.name, ours, _cell(f.floor_seconds), ratio, target, met))
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    text = [f"PDU Manager performance ({cases:,} cases)"]
    for row in lines:
        text.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    text += [f"  {f.name}: {f.note}" for f in table if f.note]
    return "\n".join(text)


def write_json(path: Path, table: list[Figure], peak: float | None, cases: int) -> None:
    """The JSON form of SPEC.md 6."""
    payload = {
        "figures": [f.as_json() for f in table],
        "peak_memory_mb": peak,
        "cases": cases,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def run_bench(cases: int = 250_000, json_file: Path | None = None) -> int:
    """Build the bench data, measure every figure, print the table; always 0 once printed."""
    if cases < 100:
        raise ValueError("The bench needs at least 100 cases.")
    with tempfile.TemporaryDirectory(prefix="pdu-bench-") as folder:
        workdir = Path(folder)
        with _bench_data_dir(workdir):
            table, peak = measure(workdir, cases)
    print(format_table(table, cases))
    if json_file is not None:
        write_json(json_file, table, peak, cases)
    return 0
