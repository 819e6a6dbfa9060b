"""Sections 4 (unpaid work) and 5 (victim liaison) of the return from the store's own records.

The records and every figure are counted by hand in
:mod:`tests.services.return_sections_setup`; the figures are checked in the
JSON, read back from the exported workbook and from the PDF's text, and the
Overview's actions for today are counted from the same records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.domain.codes import Role
from app.domain.report import DASH, format_value
from app.domain.returns_report import FIGURE_LABELS
from app.services.returns.export import export_return, preview_return
from app.services.returns.overview import overview
from tests import factories as f
from tests.services.return_sections_setup import build
from tests.services.returns_setup import FRIDAY, WEEK_ENDING

UNPAID_WORK = {
    "active_requirements": 8,  # A B C F H G R Q; not D (completed), not E (sentence ended)
    "hours_ordered": 510.0,  # 100 + 50 + 40 + 40 + 40 + 40 + 100 + 100
    "hours_worked_week": 18.0,  # A 7 + 4, B 5 + 2 (the ATSS credit)
    "hours_worked_to_date": 25.0,  # A 7 more the week before
    "ete_hours_week": 4.0,
    "ete_share_pct": 22.2,  # 4 / 18
    "sessions_scheduled": 4,
    "sessions_held": 2,
    "sessions_stood_down": 2,
    "sessions_stood_down_on_day": 1,
    "stand_down_rate_pct": 50.0,
    "person_hours_offered": 32.0,  # 2 x 7 + 1 x 7 + 1 x 4 + 1 x 7
    "person_hours_lost": 12.0,  # 7 (AASD) + 5 (ATSS after 2 hours)
    "person_hours_lost_pct": 37.5,
    "assessed_within_10_pct": 50.0,  # F in time, H not
    "started_within_15_pct": 0.0,  # G late
    "reviews_due": 1,  # R's 6-month review on 25/11
    "reviews_overdue": 2,  # R's, and Q's 9-month one of 20/11
    "at_risk_12_months": 1,  # Q
}
VICTIMS = {
    "open_cases": 3,  # V1 V2 V3
    "tasks_due": 4,  # T1 T2 T6 T8 (T5 cancelled)
    "tasks_completed": 2,  # T1 T3
    "tasks_overdue": 3,  # T2 T4, and T8 still open at the end of the week
    "first_offer_on_time_pct": 50.0,  # V1 in time, V2 late
    "releases_next_4_weeks": 1,  # V3 (V2's is in January; V4 closed)
    "parole_next_4_weeks": 1,  # V3
}


@pytest.fixture(autouse=True)
def _friday(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDU_MANAGER_TODAY", FRIDAY)


@pytest.fixture
def pdu_id(session) -> int:  # type: ignore[no-untyped-def]
    found = build(session)
    session.commit()
    return found


def test_the_unpaid_work_section_counts_the_weeks_records(session, pdu_id: int) -> None:  # type: ignore[no-untyped-def]
    admin = f.actor(session, Role.ADMIN)
    figures = preview_return(session, admin, pdu_id, WEEK_ENDING).figures["unpaid_work"]
    by_reason = figures.pop("stand_downs_by_reason")
    assert figures == UNPAID_WORK
    assert {k: v for k, v in by_reason.items() if v} == {"weather": 1, "supervisor_absent": 1}
    assert len(by_reason) == 9


def test_the_victim_section_counts_cases_and_tasks_only(session, pdu_id: int) -> None:  # type: ignore[no-untyped-def]
    admin = f.actor(session, Role.ADMIN)
    assert preview_return(session, admin, pdu_id, WEEK_ENDING).figures["victims"] == VICTIMS


def test_the_previous_week_counts_only_its_own_days(session, pdu_id: int) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    admin = f.actor(session, Role.ADMIN)
    figures = preview_return(session, admin, pdu_id, date(2026, 11, 20)).figures
    upw, victims = figures["unpaid_work"], figures["victims"]
    assert (upw["hours_worked_week"], upw["sessions_scheduled"]) == (7.0, 1)
    assert upw["hours_worked_to_date"] == 7.0
    assert upw["stand_down_rate_pct"] == 0.0
    # T3 (due 20/11) and T4 (18/11) due that week; only T4 overdue by its end (T3 is due on it).
    assert (victims["tasks_due"], victims["tasks_completed"], victims["tasks_overdue"]) == (2, 0, 1)


def _workbook_figures(path: Path) -> dict[str, dict[str, object]]:
    """Each section sheet's label: value pairs, as the workbook holds them."""
    from openpyxl import load_workbook

    found: dict[str, dict[str, object]] = {}
    for ws in load_workbook(path, data_only=True):
        pairs: dict[str, object] = {}
        for row in ws.iter_rows(values_only=True):
            if len(row) >= 2 and isinstance(row[0], str):
                pairs.setdefault(row[0], row[1])
        found[ws.title] = pairs
    return found


def test_the_exported_files_carry_both_sections_figures(  # type: ignore[no-untyped-def]
    session, pdu_id: int, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    admin = f.actor(session, Role.ADMIN)
    export_return(
        session,
        admin,
        pdu_id,
        WEEK_ENDING,
        xlsx=tmp_path / "r.xlsx",
        pdf=tmp_path / "r.pdf",
        json_file=tmp_path / "r.json",
    )
    stored = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert stored["victims"] == VICTIMS
    assert stored["unpaid_work"]["hours_worked_week"] == 18.0
    cells: dict[str, object] = {}
    for pairs in _workbook_figures(tmp_path / "r.xlsx").values():
        cells.update(pairs)
    lines = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages).split("\n")
    for key in ("unpaid_work", "victims"):
        for name, label, kind in FIGURE_LABELS[key]:
            expected: Any = stored[key][name]
            assert cells[label] == expected or (expected is None and cells[label] == DASH), label
            assert lines[lines.index(label) + 1] == format_value(expected, kind), label


def test_the_overview_counts_todays_sessions_without_a_supervisor_and_victim_tasks_due(  # type: ignore[no-untyped-def]
    session, pdu_id: int
) -> None:
    from datetime import date

    admin = f.actor(session, Role.ADMIN)
    actions = {a.key: a for a in overview(session, admin, pdu_id, date(2026, 11, 27)).actions}
    # 28/11 only: 29/11 has a supervisor, 30/11 is stood down, 04/12 is past the 7 days.
    assert actions["no_supervisor"].count == 1
    assert actions["no_supervisor"].screen == "Unpaid work"
    # T2 (26/11), T4 (18/11) and T6 (today) are open and due; T2 and T4 overdue.
    assert actions["victim_tasks"].count == 3
    assert "3 (2 overdue)" in actions["victim_tasks"].text
    assert actions["victim_tasks"].screen == "Victim liaison"
