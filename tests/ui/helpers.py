"""Driving modal dialogs from tests: they block the test's thread until closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def when_modal(handle: Callable[[Any], None]) -> None:
    """Run ``handle`` on the modal window once it is showing."""

    def run() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(10, run)
            return
        handle(widget)

    QTimer.singleShot(0, run)


def model_indexes(model: Any, col: int, limit: int = 120) -> list[Any]:
    """The first rows of a table, or of a tree depth first, in one column."""
    found: list[Any] = []
    stack = [model.index(r, 0) for r in reversed(range(model.rowCount()))]
    while stack and len(found) < limit:
        first = stack.pop()
        found.append(first.siblingAtColumn(col))
        stack.extend(model.index(r, 0, first) for r in reversed(range(model.rowCount(first))))
    return found
