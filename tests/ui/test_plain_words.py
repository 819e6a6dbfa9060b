"""No internal code on any screen: DOMESTIC_ABUSE, FRI and their like are shown as words."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QTextBrowser,
    QWidget,
)

from app.domain.settings import SETTINGS
from app.services.users.gate import Gate
from app.ui.app import build_window
from app.ui.main_window import SCREENS
from app.ui.settings.dialog import SettingsDialog
from tests.ui.helpers import model_indexes as _indexes

CODE = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\b(MON|TUE|WED|THU|FRI|SAT|SUN)\b")


def _texts(root: QWidget) -> list[str]:
    texts: list[str] = []
    for label in root.findChildren(QLabel):
        texts += [label.text(), label.toolTip()]
    for button in root.findChildren(QAbstractButton):
        texts += [button.text(), button.toolTip()]
    for box in root.findChildren(QComboBox):
        texts += [box.itemText(i) for i in range(box.count())]
    for browser in root.findChildren(QTextBrowser):
        texts.append(browser.toPlainText())
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if model is None:
            continue
        try:
            columns = model.columnCount(QModelIndex())
        except TypeError:  # Qt's own private models (a completer's, a list view's)
            columns = 1
        for col in range(columns):
            texts.append(str(model.headerData(col, Qt.Orientation.Horizontal) or ""))
            for index in _indexes(model, col, limit=60):
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = index.data(role)
                    if isinstance(value, str):
                        texts.append(value)
    return texts


def _codes(texts: list[str]) -> set[str]:
    return {m.group(0) for t in texts for m in CODE.finditer(t)}


def test_no_screen_shows_an_internal_code(qtbot: Any, demo_store: Any) -> None:
    head = Gate(demo_store).demo_head()
    assert head is not None
    window = build_window(demo_store, head, inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    found = {}
    for entry in SCREENS:
        screen = window.open_screen(entry.title)
        for view in screen.findChildren(QAbstractItemView):
            model = view.model()
            if model is not None and model.rowCount() and hasattr(view, "selectRow"):
                view.selectRow(0)
        codes = _codes(_texts(screen))
        if codes:
            found[entry.title] = sorted(codes)
    dialog = SettingsDialog(window.ctx, window)
    dialog.show()
    seen: set[str] = set()
    for key in SETTINGS:
        dialog.choose(key)
        seen |= _codes(_texts(dialog))
    if seen:
        found["Settings"] = sorted(seen)
    dialog.close()
    assert found == {}
    window.close()


def test_the_check_finds_codes() -> None:
    assert _codes(["Specialisms: DOMESTIC_ABUSE", "weeks end on FRI", "CO B2 PSO"]) == {
        "DOMESTIC_ABUSE",
        "FRI",
    }


def test_victim_liaison_and_its_dialogs_show_no_code_to_a_vlo(qtbot: Any, demo_store: Any) -> None:
    from app.ui.victims.case_dialogs import CaseDatesDialog, KeyStageDialog, OptDialog

    vlo = Gate(demo_store).sign_in("vlo", "demo").actor
    assert vlo is not None
    window = build_window(demo_store, vlo, inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    screen = window.open_screen("Victim liaison")
    assert screen.queue is not None and screen.queue.names_open
    found = {}
    for row in screen.queue.rows[:40]:  # many cases: their panels, victims and timelines
        screen.select_task(row.task_id)
        codes = _codes([screen.detail.toPlainText()])
        if codes:
            found[row.vcs_case_ref] = sorted(codes)
    codes = _codes(_texts(screen))  # the queue, the buttons, the choices: once
    if codes:
        found["Victim liaison"] = sorted(codes)
    assert screen.case is not None
    case, ctx = screen.case, window.ctx
    for dialog in (
        CaseDatesDialog(ctx, case, screen.vlos),
        OptDialog(ctx, case),
        KeyStageDialog(ctx, case),
    ):
        qtbot.addWidget(dialog)  # closed and deleted by pytest-qt, in order
        codes = _codes(_texts(dialog))
        if codes:
            found[type(dialog).__name__] = sorted(codes)
    assert found == {}
    window.close()
