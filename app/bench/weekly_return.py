"""The bench's weekly return figure (SPEC.md 8): one PDU's return built and exported.

Ours: the return for one PDU of the region database (about 3,600 cases),
gathered from the store, worked out, and written to Excel and PDF, as
``pdu-manager return`` does; each run in a transaction rolled back after,
so every run builds afresh. The floor: openpyxl's write-only mode writing
the same cells (every figure and table row of the return) to a workbook,
with no styles, tables or charts. The median of three runs of each.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from app import clock
from app.db.engine import sqlite_url
from app.domain.report import Report
from app.domain.returns import last_week_end
from app.services.core.actor import system_actor
from app.services.core.store import open_store
from app.services.core.unit_of_work import set_actor
from app.services.returns.export import export_return, preview_return

RUNS = 3


def _median(run: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def raw_floor(report: Report, path: Path) -> None:
    """The same cells as plain values in a write-only workbook: the cheapest honest write."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    cover = wb.create_sheet("Cover")
    for field in report.cover:
        cover.append([field.label, field.value])
    for section in report.sections:
        ws = wb.create_sheet(section.title[:31])
        for figure in section.figures:
            ws.append([figure.label, figure.value])
        for table in section.tables:
            ws.append([table.title])
            ws.append([c.title for c in table.columns])
            for row in table.rows:
                ws.append(list(row))
    wb.save(path)


def measure(database: Path, pdu_number: int) -> tuple[float, float, str]:
    """(ours, floor, note) in seconds for one PDU's return of the last full week."""
    store = open_store(sqlite_url(database))
    folder = Path(tempfile.mkdtemp(prefix="pdu-return-"))
    try:
        with store.sessions.begin() as session:
            actor = system_actor(session)
            pdu_id = _pdu_id(session, pdu_number)
        ending = last_week_end(clock.today() - timedelta(days=1), "FRI")

        def ours() -> None:
            with store.sessions() as session:
                set_actor(session, actor)
                export_return(
                    session, actor, pdu_id, ending, xlsx=folder / "r.xlsx", pdf=folder / "r.pdf"
                )
                session.rollback()

        seconds = _median(ours)
        with store.sessions() as session:
            preview = preview_return(session, actor, pdu_id, ending)
        floor = _median(lambda: raw_floor(preview.report, folder / "floor.xlsx"))
        cases = preview.figures["caseload"]["active"]
        note = f"PDU {pdu_number}, {cases:,} active cases, week ending {_shown(ending)}"
        return seconds, floor, note
    finally:
        store.close()
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


def _pdu_id(session: object, number: int) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.db.models import Pdu

    assert isinstance(session, Session)
    found = session.scalar(select(Pdu.id).where(Pdu.number == number))
    if found is None:
        raise ValueError(f"PDU {number} is not in the bench database")
    return found


def _shown(day: date) -> str:
    return day.strftime("%d/%m/%Y")
