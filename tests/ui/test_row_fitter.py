"""Wrapped rows grow to their text as they come into view, never all at once (issue 21)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView

from app.ui.widgets.columns import wrap_column

LONG = " ".join(["several words that must wrap onto more lines"] * 6)


def test_rows_in_view_grow_to_their_wrapped_text_and_rows_far_below_wait(qtbot: Any) -> None:
    model = QStandardItemModel(2000, 1)
    for row in range(2000):
        model.setItem(row, 0, QStandardItem(LONG))
    view = QTableView()
    view.setModel(model)
    wrap_column(view, 0)
    view.resize(300, 300)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    default = view.verticalHeader().defaultSectionSize()
    qtbot.waitUntil(lambda: view.rowHeight(0) > default)
    assert view.rowHeight(1999) == default  # not measured: far out of view
    view.scrollToBottom()
    top = view.rowAt(0)
    assert top > 1000
    qtbot.waitUntil(lambda: view.rowHeight(top) > default)  # measured once scrolled to
