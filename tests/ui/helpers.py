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
