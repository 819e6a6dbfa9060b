"""What the bench's child processes run (SPEC.md 8: start-up, caseload, memory).

Start-up and its floor are ``python -c`` scripts, so both pay the same
interpreter start; the parent times each from spawning the process to the
line the child prints once its window is painted and idle.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

_WAIT = """
import os, sys, time
from PySide6.QtCore import QTimer

def _when_ready(app, window, ready, then):
    deadline = time.monotonic() + 300
    def check():
        handle = window.windowHandle()
        if handle is not None and handle.isExposed() and ready():
            timer.stop()
            window.repaint()
            app.processEvents()
            then()
            sys.stdout.flush()
            os._exit(0)
        if time.monotonic() > deadline:
            print("timeout", flush=True)
            os._exit(1)
    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(2)
    app.exec()
"""

BARE_STARTUP = (
    _WAIT
    + """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("Bare")
window.resize(1280, 800)
window.show()
_when_ready(app, window, lambda: True, lambda: print("painted"))
"""
)
"""A bare QMainWindow start: the floor of the start-up figure."""

_APP_WINDOW = """
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
QCoreApplication.setOrganizationName("PDU Manager")
QCoreApplication.setApplicationName("PDU Manager")
app = QApplication(sys.argv[:1])
from app.services.core import startup
from app.services.core.store import open_store
from app.ui.app import build_window
store = open_store(sys.argv[1])
# Timed from the signed-in window: the bench's synthetic store has no accounts, so it
# opens as the system account (which covers every PDU); the sign-in dialog is not timed.
window = build_window(store, startup.system_account(store))
window.show()
"""
"""The app's main window over the database named on the command line, shown."""

APP_STARTUP = (
    _WAIT
    + _APP_WINDOW
    + """
_when_ready(app, window, lambda: window.ctx.ops.pending == 0, lambda: print("painted"))
"""
)
"""The app's start-up: the main window on its first screen, its first reads done."""

MEMORY = (
    _WAIT
    + """
import json, resource
"""
    + _APP_WINDOW
    + """
state = {"scrolled": False}

def ready():
    if window.ctx.ops.pending:
        return False
    if not state["scrolled"]:
        table = window.open_screen("Caseload").table
        bar = table.verticalScrollBar()
        bar.setValue(bar.maximum() // 2)
        state["scrolled"] = True
        return False
    return True

def peak_mb():
    # Linux: VmHWM is this process's own peak; ru_maxrss would include the
    # parent's size at fork, as the kernel carries it across exec.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024

def report():
    rows = window.open_screen("Caseload").model.rowCount()
    print(json.dumps({"peak_mb": round(peak_mb(), 1), "rows": rows}))

_when_ready(app, window, ready, report)
"""
)
"""A process showing the whole caseload, scrolled once; prints its peak memory."""


def _median_seconds(run: Callable[[], object], repeat: int = 5) -> float:
    run()  # warm the page cache and the statement caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _raw(statement: Any) -> tuple[str, list[Any]]:
    """The SQL SQLAlchemy sends to SQLite for ``statement``, with its parameters."""
    from sqlalchemy.dialects import sqlite

    compiled = statement.compile(
        dialect=sqlite.dialect(), compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    values = [params[name] for name in compiled.positiontup]
    return str(compiled), [v.isoformat() if isinstance(v, date) else v for v in values]


def _row_query(ids: list[int]) -> Any:
    from sqlalchemy import select

    from app.db.models import CaseloadRow
    from app.services.caseload.search import CaseRow

    columns = [getattr(CaseloadRow, name) for name in CaseRow.__dataclass_fields__]
    return select(*columns).where(CaseloadRow.person_id.in_(ids))


def _filters(db: sqlite3.Connection, pdu_id: int, today: date) -> dict[str, tuple[Any, str]]:
    from app.services.caseload.search import CaseFilter

    total = db.execute("SELECT count(*) FROM caseload_row WHERE pdu_id = ?", (pdu_id,))
    middle = total.fetchone()[0] // 2
    surname = db.execute(
        "SELECT surname FROM caseload_row WHERE pdu_id = ? ORDER BY person_id LIMIT 1 OFFSET ?",
        (pdu_id, middle),
    ).fetchone()[0]
    base = CaseFilter(pdu_id=pdu_id, as_at=today)
    return {
        "sort by name": (base, "name"),
        "unallocated only": (CaseFilter(pdu_id=pdu_id, as_at=today, unallocated_only=True), "crn"),
        f"search {surname[:3]!r}": (
            CaseFilter(pdu_id=pdu_id, as_at=today, text=surname[:3]),
            "name",
        ),
        "tier B2, by sentence date": (
            CaseFilter(pdu_id=pdu_id, as_at=today, tiers=frozenset({"B2"})),
            "sentence_date",
        ),
    }


class _RowsSql:
    """The raw SQL of ``caseload.rows`` for n ids, compiled once per n."""

    def __init__(self) -> None:
        self._sql: dict[int, str] = {}

    def __call__(self, ids: list[int]) -> str:
        if len(ids) not in self._sql:
            self._sql[len(ids)] = _raw(_row_query(list(range(len(ids)))))[0]
        return self._sql[len(ids)]


def _measure(store: Any, db: sqlite3.Connection, flt: Any, sort: str) -> tuple[float, float]:
    """Median seconds to the first page of rows and its count: ours and raw sqlite3.

    That is what the screen waits for before it paints (the full id list
    follows in the background).
    """
    from sqlalchemy import func, select

    from app.db.models import CaseloadRow
    from app.services.caseload import search as caseload

    def ours() -> object:
        with store.sessions() as session:
            page = caseload.first_page(session, flt, sort)
            return caseload.rows(session, page.ids)

    page_sql, page_params = _raw(caseload.search_query(flt, sort).limit(200))
    count_sql, count_params = _raw(
        select(func.count()).select_from(CaseloadRow).where(*caseload.conditions(flt))
    )
    rows_sql = _RowsSql()

    def floor() -> object:
        ids = [i for (i,) in db.execute(page_sql, page_params)]
        db.execute(count_sql, count_params).fetchone()
        return db.execute(rows_sql(ids), ids).fetchall()

    return _median_seconds(ours), _median_seconds(floor)


def caseload_main(url: str, path: str, pdu_number: int) -> None:
    """Time each representative caseload query, ours and raw; print JSON lines."""
    from app import clock
    from app.services.core.store import open_store

    store = open_store(url)
    db = sqlite3.connect(path)
    pdu_id = db.execute("SELECT id FROM pdu WHERE number = ?", (pdu_number,)).fetchone()[0]
    for name, (flt, sort) in _filters(db, pdu_id, clock.today()).items():
        ours, floor = _measure(store, db, flt, sort)
        print(json.dumps({"query": name, "seconds": ours, "floor": floor}), flush=True)
    store.close()


if __name__ == "__main__":
    caseload_main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
