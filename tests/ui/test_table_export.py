"""Every table leaves the app: Copy, and Export to Excel of the rows as filtered and sorted."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from PySide6.QtGui import QGuiApplication

from app.ui.app import build_window
from app.ui.widgets.table_menu import TableMenu, shown_rows
from tests import factories as f
from tests.ui.test_allocation_screen import _data


def _sheet_rows(path: Path) -> tuple[Any, list[list[Any]]]:
    sheet = load_workbook(path).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r and r[0] == "CRN")
    return sheet, [r for r in rows[start:] if any(v is not None for v in r)]


def _menu(view: Any) -> TableMenu:
    window = view.window()
    [menu] = [m for ms in window._table_menus.values() for m in ms if m.view is view]
    return menu


def test_the_queue_exports_as_shown_with_the_marking(
    qtbot: Any, store: Any, tmp_path: Path
) -> None:
    data = _data(store)
    with store.sessions.begin() as s:  # text that a spreadsheet would run as a formula
        f.case(s, data.pdu_id, surname="=HYPERLINK(1)", sentence_date=date(2026, 11, 24))
    window = build_window(store, inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    desk = window.open_screen("Allocation").desk
    titles, shown = shown_rows(desk.queue_view)
    path = tmp_path / "queue.xlsx"
    _menu(desk.queue_view).export(path)
    sheet, rows = _sheet_rows(path)
    assert rows[0] == titles
    assert [r[0] for r in rows[1:]] == [r[0] for r in shown]  # same cases, same order
    assert "OFFICIAL-SENSITIVE" in sheet.oddHeader.center.text
    deadline = titles.index("Deadline")
    assert all(isinstance(r[deadline], date) for r in rows[1:])  # real dates, not text
    names = [r[titles.index("Name")] for r in rows[1:]]
    assert "'=HYPERLINK(1), Alex" in names  # neutralised: shown as text, never run
    assert not any(isinstance(n, str) and n.startswith("=") for n in names)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    window.close()


def test_the_caseload_exports_every_matching_case_not_only_the_first_page(
    qtbot: Any, store: Any, tmp_path: Path
) -> None:
    with store.sessions.begin() as s:
        pdu = f.pdu(s)
        for i in range(230):
            f.case(s, pdu.id, surname=f"Person{i:03d}", rosh="LOW" if i % 2 else "HIGH")
    window = build_window(store, inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    screen = window.open_screen("Caseload")
    screen.rosh_box.setCurrentIndex(screen.rosh_box.findText("High"))
    path = tmp_path / "caseload.xlsx"
    screen.table_menu.export(path)
    _sheet, rows = _sheet_rows(path)
    assert len(rows) - 1 == 115 == int(screen.count_label.text().split()[0])
    assert {r[rows[0].index("RoSH")] for r in rows[1:]} == {"High"}
    window.close()


def test_copy_puts_the_chosen_rows_with_their_headings_on_the_clipboard(
    qtbot: Any, store: Any
) -> None:
    data = _data(store)
    window = build_window(store, inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    desk = window.open_screen("Allocation").desk
    desk.queue_view.selectRow(0)
    _menu(desk.queue_view).copy()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:2] == ["CRN", "Name"]
    assert len(lines) == 2 and lines[1].startswith(data.oldest_crn)
    window.close()
