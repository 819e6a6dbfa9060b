"""The import dialog driven like a person: choose a file, read the preview, import (SPEC.md 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from app.db.models import Allocation, Person, Staff
from app.ui.app import build_window
from app.ui.caseload.screen import CaseloadScreen
from app.ui.imports.dialog import ImportDialog
from app.ui.main_window import MainWindow
from tests.ui.helpers import when_modal

STAFF_CSV = """\ufeffstaff_code,forename,surname,grade,pdu,team,pod
N07A001,Ada,Fielding,PO,17,Team North,POD 1
N07A002,Ben,Marsh,PSO,17,Team North,POD 1
"""
CASES_CSV = """crn,forename,surname,pdu,sentence_type,sentence_date,rosh,practitioner_code,Notes
X100001,Alex,Testcase,17,CO,20/11/2026,High,N07A001,synthetic
X100002,Sam,Example,17,SSO,21/11/2026,Low,,synthetic
X100003,Jo,Sample,17,CO,22/11/2026,Medium,N07A002,synthetic
"""
BAD_CSV = """crn,forename,surname,pdu,sentence_type,sentence_date
X100001,Alex,Testcase,17,CO,31/02/2026
"""


def _window(qtbot: Any, store: Any) -> MainWindow:
    window = build_window(store, inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    return window


def _dialog(qtbot: Any, window: MainWindow, kind: str, path: Path) -> ImportDialog:
    dialog = ImportDialog(window.ctx, kind, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_path(path)
    return dialog


def _count(store: Any, model: Any) -> int:
    with store.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _column(table: Any, column: int) -> list[str]:
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_preview_then_import_staff_and_cases(qtbot: Any, store: Any, tmp_path: Path) -> None:
    window = _window(qtbot, store)
    staff_file = tmp_path / "staff.csv"
    staff_file.write_text(STAFF_CSV, encoding="utf-8")
    dialog = _dialog(qtbot, window, "staff", staff_file)
    assert dialog.windowTitle() == "Import staff extract"
    assert "2 added, 0 changed" in dialog.summary.text()
    assert "New team 'Team North'" in dialog.summary.text()
    assert not dialog.end_box.isVisible()
    assert _count(store, Staff) == 0
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.imported and _count(store, Staff) == 2
    assert not dialog.import_button.isEnabled()
    dialog.close()
    window.refresh_pdus()  # as the main window does after an import

    cases_file = tmp_path / "cases.csv"
    cases_file.write_text(CASES_CSV, encoding="utf-8")
    dialog = _dialog(qtbot, window, "cases", cases_file)
    assert dialog.summary.text().startswith("Preview of the caseload extract cases.csv")
    assert "Added: 3" in dialog.summary.text()
    assert "Ignored columns: Notes" in dialog.summary.text()
    assert _column(dialog.changes_table, 1) == ["X100001", "X100002", "X100003"]
    assert _column(dialog.changes_table, 0) == ["New"] * 3
    assert dialog.import_button.isEnabled() and not dialog.end_box.isEnabled()
    assert _count(store, Person) == 0

    screen = window.open_screen("Caseload")
    assert isinstance(screen, CaseloadScreen)
    assert screen.model.rowCount() == 0
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.imported
    assert dialog.summary.text().startswith("Imported the caseload extract cases.csv")
    assert _count(store, Person) == 3 and _count(store, Allocation) == 2
    names = [screen.model.index(r, 1).data() for r in range(screen.model.rowCount())]
    assert sorted(names) == ["EXAMPLE, Sam", "SAMPLE, Jo", "TESTCASE, Alex"]
    dialog.close()


def test_a_bad_file_lists_its_problems_and_cannot_be_imported(
    qtbot: Any, store: Any, tmp_path: Path
) -> None:
    window = _window(qtbot, store)
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    dialog = _dialog(qtbot, window, "cases", bad)
    assert dialog.summary.text().startswith("Refused:")
    assert not dialog.import_button.isEnabled()
    assert dialog.tabs.currentWidget() is dialog.errors_table
    assert [_column(dialog.errors_table, c) for c in range(3)] == [
        ["2"],
        ["sentence_date"],
        ["'31/02/2026'"],
    ]
    assert "not a date" in dialog.errors_table.item(0, 3).text()
    assert dialog.save_problems_button.isVisible()
    saved = tmp_path / "problems.xlsx"
    dialog.problems_menu.export(saved)  # what Save the problems writes, once a file is chosen
    from openpyxl import load_workbook

    rows = [r for r in load_workbook(saved).worksheets[0].iter_rows(values_only=True) if any(r)]
    assert ("Row", "Column", "Value", "Reason") in rows
    assert any(r[:2] == (2, "sentence_date") and "not a date" in str(r[3]) for r in rows)
    dialog.close()


def test_a_file_changed_after_its_preview_is_not_imported_but_previewed_again(
    qtbot: Any, store: Any, tmp_path: Path
) -> None:
    window = _window(qtbot, store)
    staff_file = tmp_path / "staff.csv"
    staff_file.write_text(STAFF_CSV, encoding="utf-8")
    dialog = _dialog(qtbot, window, "staff", staff_file)
    assert "2 added" in dialog.summary.text()
    staff_file.write_text(STAFF_CSV + "N07A003,Cara,Holt,PO,17,Team North,\n", encoding="utf-8")
    messages: list[str] = []

    def close_message(box: object) -> None:
        assert isinstance(box, QMessageBox)
        messages.append(box.text())
        box.close()

    when_modal(close_message)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert messages == ["staff.csv has changed since its preview: preview it again."]
    assert not dialog.imported and _count(store, Staff) == 0
    assert "3 added" in dialog.summary.text()  # what the file holds now
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.imported and _count(store, Staff) == 3
    dialog.close()


DIFFERING_CSV = """crn,forename,surname,pdu,sentence_type,sentence_date,requirements,rosh,\
ogrs_percent,assessment_date,tier
X100001,Alex,Testcase,17,CO,20/11/2026,RAR,Medium,35,01/10/2026,C2
X100002,Sam,Example,17,CO,21/11/2026,RAR,Medium,35,,
"""


def test_the_preview_lists_tier_differences_and_undated_assessments_to_check(
    qtbot: Any, store: Any, tmp_path: Path
) -> None:
    window = _window(qtbot, store)
    path = tmp_path / "tiers.csv"
    path.write_text(DIFFERING_CSV, encoding="utf-8")
    dialog = _dialog(qtbot, window, "cases", path)
    summary = dialog.summary.text()
    assert "The tier in the extract differs from the calculation for 1 case" in summary
    assert "1 assessment without an assessment date" in summary
    assert dialog.tabs.currentWidget() is dialog.findings_table
    tab = dialog.tabs.tabText(dialog.tabs.indexOf(dialog.findings_table))
    assert tab == "To chec&k (2)"
    assert _column(dialog.findings_table, 0) == ["Tier differs", "No assessment date"]
    assert _column(dialog.findings_table, 1) == ["X100001", "X100002"]
    detail = dialog.findings_table.item(0, 3).text()
    assert detail.startswith("tier C2 in the extract, C1 by the calculation (protect 10 points")
    assert _count(store, Person) == 0
    dialog.close()
