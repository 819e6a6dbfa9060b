"""Each screen's main queries walk an index, never the whole of a case table (issue 21).

The screens' services run for real over a small store; every SELECT they send is
explained on the same connection: SQLite's ``EXPLAIN QUERY PLAN``, PostgreSQL's
``EXPLAIN (FORMAT JSON)`` with sequential scans and sorts switched off (small test
tables are always scanned otherwise, and a plan that must still scan or sort has no
index for it). A scan of a case table (a walk of a whole table or of a whole index)
fails, and so does a caseload page that sorts the PDU's rows rather than reading them
in order from an index.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from app.services.allocation import queue as allocation
from app.services.balance.mix import balance
from app.services.caseload import search as caseload
from app.services.caseload.search import SORT_COLUMNS, CaseFilter
from app.services.core.store import Store, open_store
from app.services.teams.organisation import list_teams
from tests import factories as f
from tests.conftest import TODAY, StoreUrls

pytestmark = pytest.mark.stores

CASE_TABLES = frozenset(
    {"person", "event", "assessment", "tier_record", "allocation", "review_item", "caseload_row"}
)


@dataclass(frozen=True)
class Plan:
    statement: str
    lines: tuple[str, ...]
    full_scans: tuple[str, ...]
    full_sort: bool

    def __str__(self) -> str:
        return f"{self.statement}\n  " + "\n  ".join(self.lines)


@contextmanager
def _selects(session: Session) -> Iterator[list[tuple[str, Any]]]:
    """The SELECT statements (with their driver parameters) the block sends."""
    seen: list[tuple[str, Any]] = []
    engine = session.get_bind()

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_a: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


_SQLITE_SCAN = re.compile(r"^SCAN (\w+)")


def _sqlite_plan(session: Session, statement: str, parameters: Any, _page: bool) -> Plan:
    rows = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
    lines = tuple(str(r[3]) for r in rows)
    scans = []
    for line in lines:
        m = _SQLITE_SCAN.match(line)
        if m and m.group(1) in CASE_TABLES:
            scans.append(line)
    full_sort = any(line == "USE TEMP B-TREE FOR ORDER BY" for line in lines)
    return Plan(statement, lines, tuple(scans), full_sort)


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def _whole(node: dict[str, Any]) -> bool:
    """A scan of a whole table, or of the whole of an index of the caseload.

    With sequential scans off, a Seq Scan left means no index serves. A walk of a
    whole index of another table may still be the cheapest way through a tiny test
    table; the caseload's rows are always entered by PDU or practitioner.
    """
    if node["Node Type"] == "Seq Scan":
        return True
    walk = node["Node Type"] in ("Index Scan", "Index Only Scan") and not node.get("Index Cond")
    return walk and node["Relation Name"] == "caseload_row"


def _postgresql_plan(session: Session, statement: str, parameters: Any, page: bool) -> Plan:
    connection = session.connection()
    # Small tables are scanned and hash-joined whole whatever their indexes; a plan
    # that still scans with both off has no index to use. A page that still sorts
    # with sorting off has no index in its order.
    for setting in ("enable_seqscan", "enable_hashjoin", "enable_mergejoin"):
        connection.exec_driver_sql(f"SET LOCAL {setting} = off")
    connection.exec_driver_sql(f"SET LOCAL enable_sort = {'off' if page else 'on'}")
    found = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar()
    plan = found if isinstance(found, list) else json.loads(found)
    nodes = list(_nodes(plan[0]["Plan"]))
    lines = tuple(
        f"{n['Node Type']} {n.get('Relation Name', '')} {n.get('Index Name', '')}"
        f" {n.get('Index Cond', '')}".rstrip()
        for n in nodes
    )
    scans = [
        f"{n['Node Type']} on {n['Relation Name']}"
        for n in nodes
        if n.get("Relation Name") in CASE_TABLES and _whole(n)
    ]
    full_sort = any(n["Node Type"] == "Sort" for n in nodes)
    return Plan(statement, lines, tuple(scans), full_sort)


def _is_page(statement: str) -> bool:
    return "LIMIT" in statement.upper()


def _plans(session: Session, work: Callable[[], object], *, pages: bool = False) -> list[Plan]:
    """The plans of what ``work`` sends; ``pages``: its LIMIT queries are caseload pages."""
    with _selects(session) as seen:
        work()
    explain = _sqlite_plan if session.get_bind().dialect.name == "sqlite" else _postgresql_plan
    return [explain(session, s, p, pages and _is_page(s)) for s, p in seen]


def _touches_cases(plan: Plan) -> bool:
    return any(re.search(rf"\b{t}\b", plan.statement) for t in CASE_TABLES)


@pytest.fixture(scope="module")
def planned(module_store_urls: StoreUrls) -> Iterator[tuple[Store, int]]:
    """Two PDUs of cases in two teams and PODs, some unallocated; built once per module."""
    store = open_store(module_store_urls.new())
    with store.sessions() as session:
        ours, other = f.pdu(session), f.pdu(session, 18)
        for pdu in (ours, other):
            for t in range(2):
                team = f.team(session, pdu.id, f"Team {t} of {pdu.number}")
                pod = f.pod(session, team.id, f"POD {t}")
                staff = [f.staff(session, pod, g) for g in ("PO", "PSO")]
                for n in range(12):
                    held = staff[n % 2].id if n % 3 else None
                    f.case(session, pdu.id, staff_id=held, rosh=("LOW", "HIGH", None)[n % 3])
        session.commit()
        if session.get_bind().dialect.name != "sqlite":
            # SQLite goes without statistics, as a new store does; PostgreSQL's
            # autovacuum would gather them soon enough.
            session.execute(text("ANALYZE"))
            session.commit()
        pdu_id = ours.id
    yield store, pdu_id
    store.close()


@pytest.fixture
def session(planned: tuple[Store, int]) -> Iterator[Session]:
    with planned[0].sessions() as s:
        yield s


@pytest.fixture
def pdu_id(planned: tuple[Store, int]) -> int:
    return planned[1]


def _assert_indexed(plans: list[Plan], *, in_order: bool = False) -> None:
    case_plans = [p for p in plans if _touches_cases(p)]
    assert case_plans, "the work sent no query over the cases"
    scanned = [str(p) for p in case_plans if p.full_scans]
    assert not scanned, "full scans of case tables:\n" + "\n".join(scanned)
    if in_order:
        sorted_ = [str(p) for p in case_plans if p.full_sort]
        assert not sorted_, "caseload pages sorted rather than read in order:\n" + "\n".join(
            sorted_
        )


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", sorted(SORT_COLUMNS))
def test_every_caseload_sort_reads_its_first_page_in_index_order(
    session: Session, pdu_id: int, sort: str, descending: bool
) -> None:
    flt = CaseFilter(pdu_id=pdu_id, as_at=TODAY)
    page: list[caseload.Page] = []
    plans = _plans(
        session,
        lambda: page.append(caseload.first_page(session, flt, sort, descending, 5)),
        pages=True,
    )
    assert page[0].total == 24
    _assert_indexed([p for p in plans if _is_page(p.statement)], in_order=True)
    _assert_indexed(plans)


def _filters(session: Session, pdu_id: int) -> list[CaseFilter]:
    options = caseload.filter_options(session, pdu_id, TODAY)
    base = CaseFilter(pdu_id=pdu_id, as_at=TODAY)
    return [
        CaseFilter(pdu_id=pdu_id, as_at=TODAY, text="case1"),
        CaseFilter(pdu_id=pdu_id, as_at=TODAY, text="X0000"),
        CaseFilter(pdu_id=pdu_id, as_at=TODAY, team_id=options.teams[0].id),
        CaseFilter(pdu_id=pdu_id, as_at=TODAY, pod_id=options.pods[0].id),
        CaseFilter(pdu_id=pdu_id, as_at=TODAY, staff_id=options.practitioners[0].id),
        CaseFilter(pdu_id=pdu_id, as_at=TODAY, unallocated_only=True),
        CaseFilter(pdu_id=pdu_id, as_at=TODAY, tiers=frozenset({"B2", "C2"})),
        CaseFilter(pdu_id=pdu_id, as_at=TODAY, rosh=frozenset({"HIGH"})),
        CaseFilter(pdu_id=pdu_id, as_at=TODAY, sentence_types=frozenset({"CO"})),
        CaseFilter(pdu_id=pdu_id, as_at=TODAY, include_ended=True),
        base,
    ]


def test_every_caseload_filter_and_its_count_use_an_index(session: Session, pdu_id: int) -> None:
    for flt in _filters(session, pdu_id):

        def work(flt: CaseFilter = flt) -> None:
            ids = caseload.search(session, flt)
            caseload.count(session, flt)
            caseload.rows(session, ids[:5])

        _assert_indexed(_plans(session, work))


def test_the_allocation_queue_and_its_reviews_use_indexes(session: Session, pdu_id: int) -> None:
    items: list[list[allocation.QueueItem]] = []
    plans = _plans(session, lambda: items.append(allocation.queue(session, pdu_id, TODAY)))
    assert len(items[0]) == 8
    _assert_indexed(plans)
    _assert_indexed(_plans(session, lambda: allocation.reviews(session, pdu_id)))


def test_the_balance_uses_indexes(session: Session, pdu_id: int) -> None:
    _assert_indexed(_plans(session, lambda: balance(session, pdu_id, TODAY)))


def test_the_teams_screen_uses_indexes(session: Session, pdu_id: int) -> None:
    _assert_indexed(_plans(session, lambda: list_teams(session, pdu_id, TODAY)))
