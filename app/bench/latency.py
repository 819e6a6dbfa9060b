"""The GUI's longest stall while a person works the screens (issue 21, SPEC.md 8).

A timer on the GUI thread ticks every few milliseconds; the longest gap between
two ticks, less the interval, is the longest the event loop could not answer
input. :func:`exercise` searches, filters, sorts and switches screens on a
shown main window, waiting after each step until the window's reads are done.

``python -m app.bench.latency URL`` prints ``{"stall_ms": ...}`` for the bench;
``tests/ui/test_latency.py`` runs the same steps under pytest-qt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QElapsedTimer, QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

TICK_MS = 5
Wait = Callable[[Callable[[], bool]], None]


class StallMeter(QObject):
    """The longest gap between ticks of a timer on the GUI thread, less the tick."""

    def __init__(self) -> None:
        super().__init__()
        self.longest_ms = 0.0
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.longest_ms, self._last = 0.0, time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        self._tick()
        return self.longest_ms

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest_ms = max(self.longest_ms, (now - self._last) * 1000 - TICK_MS)
        self._last = now


def exercise(window: MainWindow, wait: Wait, meter: StallMeter | None = None) -> dict[str, float]:
    """Search, filter, sort and switch screens; ``wait(idle)`` after each step.

    With a ``meter``: the longest stall of each kind of step, by name.
    """
    from app.ui.caseload.screen import CaseloadScreen

    worst: dict[str, float] = {}
    plain = wait

    def wait_named(name: str) -> Wait:
        def waited(condition: Callable[[], bool]) -> None:
            before = meter.longest_ms if meter else 0.0
            if meter:
                meter.longest_ms = 0.0
            plain(condition)
            if meter:
                worst[name] = max(worst.get(name, 0.0), meter.longest_ms)
                meter.longest_ms = max(before, meter.longest_ms)

        return waited

    def idle() -> bool:
        return window.ctx.ops.pending == 0

    caseload = window.open_screen("Caseload")
    assert isinstance(caseload, CaseloadScreen)
    wait(idle)
    wait = wait_named("searching")
    for text in ("s", "sm", "smi", "X1", ""):
        caseload.search_box.setText(text)
        wait(lambda: not caseload._search_timer.isActive() and idle())
    header = caseload.table.horizontalHeader()
    wait = wait_named("sorting")
    for column in range(min(header.count(), 12)):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            header.setSortIndicator(column, order)
            wait(idle)
    wait = wait_named("filtering")
    for box in (caseload.team_box, caseload.tier_box, caseload.rosh_box, caseload.type_box):
        if box.count() > 1:
            box.setCurrentIndex(1)
            wait(idle)
            box.setCurrentIndex(0)
            wait(idle)
    caseload.unallocated_box.setChecked(True)
    wait(idle)
    caseload.unallocated_box.setChecked(False)
    wait(idle)
    for row in range(window.nav.count()):
        wait = wait_named(f"opening {window.nav.item(row).text()}")
        window.nav.setCurrentRow(row)
        wait(idle)
    window.nav.setCurrentRow(0)
    wait(idle)
    return worst


def spin_until(app: QApplication, deadline_s: float = 120.0) -> Wait:
    """A ``wait`` for a child process: run the event loop until the condition holds."""

    def wait(condition: Callable[[], bool]) -> None:
        clock = QElapsedTimer()
        clock.start()
        while not condition():
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, TICK_MS)
            if clock.elapsed() > deadline_s * 1000:
                raise TimeoutError("the window did not finish its reads in time")
        app.processEvents()

    return wait


def figure(children: Any, database: Path, cases: int) -> Any:
    """The bench's figure: the longest stall in a child process over the big database."""
    from app.bench.figures import Figure, not_measured
    from app.db.engine import sqlite_url

    name = "longest GUI stall while searching, filtering, sorting, switching screens"
    try:
        _elapsed, line = children.first_line(["-m", "app.bench.latency", sqlite_url(database)])
        shown = json.loads(line)
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        return not_measured(name, 0.1, str(exc))
    steps = ", ".join(f"{step} {ms:.0f} ms" for step, ms in shown["steps"].items())
    note = f"over all {cases:,} cases; worst by step: {steps}"
    return Figure(name, float(shown["stall_ms"]) / 1000, None, 0.1, note=note)


def main(url: str) -> None:
    from app.bench.app_window import show_main_window

    app, window = show_main_window(url)
    wait = spin_until(app)
    wait(lambda: window.ctx.ops.pending == 0)
    meter = StallMeter()
    meter.start()
    steps = exercise(window, wait, meter)
    worst = {name: round(ms, 1) for name, ms in steps.items()}
    print(json.dumps({"stall_ms": round(meter.stop(), 1), "steps": worst}), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1])
