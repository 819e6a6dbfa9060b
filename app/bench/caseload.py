"""The caseload figure: each representative query, ours and in raw sqlite3 (SPEC.md 8).

``python -m app.bench.caseload URL PATH PDU_NUMBER`` prints one JSON line per
query, ``{"query", "seconds", "floor"}``: the median seconds to the first
page of rows and its count, through the app's service and through raw
sqlite3 with the same SQL. A process of its own, so the bench's data
generation does not count.
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

from sqlalchemy import func, select
from sqlalchemy.dialects import sqlite

from app import clock
from app.db.models import CaseloadRow
from app.services.caseload import search as caseload
from app.services.caseload.search import CaseFilter, CaseRow
from app.services.core.store import Store, open_store


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
    compiled = statement.compile(
        dialect=sqlite.dialect(), compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    values = [params[name] for name in compiled.positiontup]
    return str(compiled), [v.isoformat() if isinstance(v, date) else v for v in values]


def _row_query(ids: list[int]) -> Any:
    columns = [getattr(CaseloadRow, name) for name in CaseRow.__dataclass_fields__]
    return select(*columns).where(CaseloadRow.person_id.in_(ids))


def _filters(db: sqlite3.Connection, pdu_id: int, today: date) -> dict[str, tuple[CaseFilter, str]]:
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


def _measure(
    store: Store, db: sqlite3.Connection, flt: CaseFilter, sort: str
) -> tuple[float, float]:
    """Median seconds to the first page of rows and its count: ours and raw sqlite3.

    That is what the screen waits for before it paints (the full id list
    follows in the background).
    """

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


def main(url: str, path: str, pdu_number: int) -> None:
    """Time each representative caseload query, ours and raw; print JSON lines."""
    store = open_store(url)
    db = sqlite3.connect(path)
    pdu_id = db.execute("SELECT id FROM pdu WHERE number = ?", (pdu_number,)).fetchone()[0]
    for name, (flt, sort) in _filters(db, pdu_id, clock.today()).items():
        ours, floor = _measure(store, db, flt, sort)
        print(json.dumps({"query": name, "seconds": ours, "floor": floor}), flush=True)
    store.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
