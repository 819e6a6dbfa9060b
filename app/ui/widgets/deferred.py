"""Work a hidden screen puts off until it is shown again (a refresh after someone's change)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class WhenShown(QObject):
    """Calls ``action`` at once while ``widget`` is visible, else once it is next shown.

    A screen out of sight reads nothing after a change elsewhere; it catches up
    when the user comes back to it (an allocation's cost stays the desk's own).
    """

    def __init__(self, widget: QWidget, action: Callable[[], None]) -> None:
        super().__init__(widget)
        self.widget, self.action, self.owed = widget, action, False
        widget.installEventFilter(self)

    def __call__(self) -> None:
        if self.widget.isVisible():
            self.owed = False
            self.action()
        else:
            self.owed = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget and event.type() == QEvent.Type.Show and self.owed:
            self.owed = False
            self.action()
        return False
