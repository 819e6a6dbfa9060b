"""Measuring each figure of the performance table (SPEC.md 8).

Every function returns a :class:`Figure`; one that cannot be measured (a
feature not built yet, a child process that failed) says so in its note and
is never counted as met.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import clock
from app.bench.data import practitioners_for
from app.bench.extract import dict_rows_import, write_extract
from app.bench.floor import floor_import
from app.bench.sql import connect, create_schema, insert_staff, pdu_ids
from app.db.engine import sqlite_url

STARTUP_RUNS = 3
IMPORT_PDU = 17
TIER_BATCH = 200_000
TIER_RATE = 200_000
"""Assessments a second (SPEC.md 8)."""


@dataclass(frozen=True)
class Figure:
    """One line of the table: ours against the floor and the target."""

    name: str
    seconds: float | None
    floor_seconds: float | None
    target_seconds: float | None
    target_ratio: float | None = None
    unit: str = "s"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.floor_seconds:
            return None
        return self.seconds / self.floor_seconds

    @property
    def met(self) -> bool:
        if self.seconds is None:
            return False
        if self.target_seconds is not None and self.seconds > self.target_seconds:
            return False
        ratio = self.ratio
        return self.target_ratio is None or (ratio is not None and ratio <= self.target_ratio)

    def as_json(self) -> dict[str, Any]:
        """The documented keys of SPEC.md 6, in their order."""
        return {
            "name": self.name,
            "seconds": _round(self.seconds),
            "floor_seconds": _round(self.floor_seconds),
            "ratio": _round(self.ratio),
            "target_seconds": self.target_seconds,
            "target_ratio": self.target_ratio,
            "unit": self.unit,
            "met": self.met,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def not_measured(name: str, target: float | None, why: str, **kw: Any) -> Figure:
    return Figure(name, None, None, target, note=f"not measured: {why}", **kw)


class Children:
    """Runs the bench's child processes in an environment of their own."""

    def __init__(self, workdir: Path) -> None:
        self.env = dict(os.environ)
        self.env["PDU_MANAGER_DATA_DIR"] = str(workdir / "data")
        self.env["XDG_CONFIG_HOME"] = str(workdir / "config")  # QSettings stay in the bench
        self.env.pop("PDU_MANAGER_DATABASE_URL", None)
        headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        if sys.platform.startswith("linux") and headless:
            self.env.setdefault("QT_QPA_PLATFORM", "offscreen")

    def first_line(self, args: Sequence[str], timeout: float = 300) -> tuple[float, str]:
        """Seconds from spawning to the child's first line, and that line."""
        start = time.perf_counter()
        with subprocess.Popen(
            [sys.executable, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=self.env,
        ) as child:
            assert child.stdout is not None
            line = child.stdout.readline().strip()
            elapsed = time.perf_counter() - start
            child.wait(timeout=timeout)
        if child.returncode != 0 or not line or line == "timeout":
            raise RuntimeError(f"child process failed ({child.returncode}): {line or 'no output'}")
        return elapsed, line

    def lines(self, args: Sequence[str], timeout: float = 900) -> list[str]:
        done = subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"child process failed ({done.returncode}): {last}")
        return done.stdout.splitlines()


def _median_start(children: Children, runs: int, module: str, *args: str) -> float:
    command = ["-m", module, *args]
    children.first_line(command)  # warm the file cache
    return statistics.median(children.first_line(command)[0] for _ in range(runs))


def startup(children: Children, database: Path, cases: int, runs: int = STARTUP_RUNS) -> Figure:
    """Start-up to a painted, idle main window against a bare QMainWindow start.

    Each is started once to warm the file cache, then ``runs`` times; the
    median counts.
    """
    name = "start-up to a painted main window accepting input"
    try:
        floor = _median_start(children, runs, "app.bench.bare_window")
        ours = _median_start(children, runs, "app.bench.app_window", sqlite_url(database))
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        return not_measured(name, 1.0, str(exc))
    note = f"{cases:,}-case region database; aim 3x the floor"
    return Figure(name, ours, floor, 1.0, note=note)


def caseload(children: Children, database: Path, pdu_number: int, cases: int) -> Figure:
    """The slowest of a few filters and sorts to the first page of rows (median of 5)."""
    name = "caseload filter or sort to the first page of rows"
    args = ["-m", "app.bench.caseload", sqlite_url(database), str(database), str(pdu_number)]
    try:
        results = [json.loads(line) for line in children.lines(args)]
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        return not_measured(name, 0.1, str(exc))
    worst = max(results, key=lambda r: r["seconds"])
    listed = ", ".join(f"{r['query']} {r['seconds'] * 1000:.0f} ms" for r in results)
    note = f"over all {cases:,} cases; worst: {worst['query']} ({listed})"
    return Figure(name, worst["seconds"], worst["floor"], 0.1, note=note)


def _import_database(path: Path, cases: int) -> tuple[list[Any], int]:
    """An empty store with the extract's practitioners inserted raw; (staff, PDU id)."""
    create_schema(path)
    db = connect(path)
    with db:
        pdu = pdu_ids(db, [IMPORT_PDU])[0]
        staff = insert_staff(db, [pdu], practitioners_for(cases))[0]
    db.close()
    return staff, pdu


def _timed(run: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def import_extract(workdir: Path, cases: int) -> Figure:
    """Our import of a caseload extract against CSV parse and executemany."""
    name = "import of a caseload extract, validation to commit"
    try:
        from app.services.imports import run_import  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        why = "app.services.imports.run_import is not available yet"
        return not_measured(name, 20.0, why, target_ratio=3.0)
    from app.domain.progress import silent
    from app.services.core.actor import system_actor
    from app.services.core.store import open_store

    names = ("import.db", "floor.db", "dicts.db", "cases.csv")
    ours_db, floor_db, dicts_db, extract = (workdir / n for n in names)
    staff, _pdu = _import_database(ours_db, cases)
    floor_staff, floor_pdu = _import_database(floor_db, cases)
    dict_staff, dict_pdu = _import_database(dicts_db, cases)
    write_extract(extract, cases, IMPORT_PDU, staff, clock.today())
    floor, _ = _timed(lambda: floor_import(floor_db, extract, floor_staff, floor_pdu))
    dicts, _ = _timed(lambda: dict_rows_import(dicts_db, extract, dict_staff, dict_pdu))
    store = open_store(sqlite_url(ours_db))
    try:
        with store.sessions.begin() as session:
            actor = system_actor(session)
        ours, report = _timed(
            lambda: run_import(
                store.sessions, actor, "cases", extract, dry_run=False, progress=silent()
            )
        )
    finally:
        store.close()
    if not getattr(report, "accepted", False):
        first = str(getattr(report, "text", lambda: "")()).strip().splitlines()[:1]
        return not_measured(name, 20.0, f"the extract was refused: {first}", target_ratio=3.0)
    note = (
        f"{cases:,} rows; staff inserted first; floor: csv and executemany of prepared tuples"
        f" (a dict per row per table instead: {dicts:.1f} s)"
    )
    return Figure(name, ours, floor, 20.0, target_ratio=3.0, note=note)


def _random_inputs(rng: random.Random) -> Any:
    from app.domain.tiering import ComplexityFactor, Need, TierInputs

    severities = ("NO_NEED", "STANDARD", "SEVERE")
    return TierInputs(
        rosh=rng.choice(("LOW", "MEDIUM", "HIGH", "VERY_HIGH", None)),
        rsr_percent=round(rng.uniform(0, 15), 2),
        mappa_level=rng.choice((None, None, None, 1, 2, 3)),
        complexity_factors=frozenset(rng.sample(list(ComplexityFactor), rng.randint(0, 2))),
        is_female=rng.random() < 0.15,
        parenting_responsibilities=rng.random() < 0.1,
        previous_enforcement=rng.random() < 0.05,
        iom_nominal=rng.random() < 0.05,
        has_mandate_for_change=rng.random() < 0.8,
        has_assessment=rng.random() < 0.9,
        ogrs_percent=rng.randint(0, 99),
        needs={n.value: rng.choice(severities) for n in Need},
    )


def tier_calculation(batch: int = TIER_BATCH) -> Figure:
    """calculate_tier over ``batch`` prepared inputs (best of three runs).

    The target is a rate (SPEC.md 8: 200,000 a second), so it is written as
    the seconds for the whole batch; a small bench uses a small batch.
    """
    from app.domain.tiering import calculate_tier

    rng = random.Random(1)
    inputs = [_random_inputs(rng) for _ in range(batch)]
    runs = [_timed(lambda: [calculate_tier(i) for i in inputs])[0] for _ in range(3)]
    seconds = min(runs)
    note = f"{batch / seconds:,.0f} assessments per second"
    return Figure(
        "tier calculation over prepared inputs",
        seconds,
        None,
        batch / TIER_RATE,
        unit=f"{batch} assessments",
        note=note,
    )


def memory(children: Children, database: Path, cases: int) -> tuple[Figure, float | None]:
    """Peak memory of a process showing the whole caseload, scrolled once."""
    name = "memory of a separate process showing the caseload"
    try:
        _elapsed, line = children.first_line(["-m", "app.bench.memory", sqlite_url(database)])
        shown = json.loads(line)
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        return not_measured(name, 400.0, str(exc), unit="MB"), None
    peak = float(shown["peak_mb"])
    note = f"peak resident memory (MB), {shown['rows']:,} of {cases:,} cases listed"
    return Figure(name, peak, None, 400.0, unit="MB", note=note), peak


def weekly_return(database: Path, pdu_number: int) -> Figure:
    """The hook of :mod:`app.bench.weekly_return`, which measures it."""
    name = "weekly return for one PDU, built and exported to both formats"
    from app.bench.weekly_return import measure

    try:
        seconds, floor, note = measure(database, pdu_number)
    except Exception as exc:  # the bench reports a figure it could not measure
        return not_measured(name, 1.0, f"{type(exc).__name__}: {exc}")
    return Figure(name, seconds, floor, 1.0, note=note)
