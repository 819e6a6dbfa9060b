"""Which page of the guide F1 opens: the one of the dialog or screen in front.

A dialog names its page with a class attribute, ``help_page = "teams.html#hours"``;
a screen's page is its ``ScreenEntry.help_page`` in the navigation. A message box
or a dialog that names none opens the page of the window it belongs to.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.help.window import HelpWindow


def page_for(widget: QWidget | None) -> str | None:
    """The page named by ``widget`` or the nearest of its parents that names one."""
    while widget is not None:
        if isinstance(widget, HelpWindow):
            return None  # F1 in the guide itself: the screen's page
        page = getattr(type(widget), "help_page", None)
        if isinstance(page, str) and page:
            return page
        widget = widget.parentWidget()
    return None


def front_widget() -> QWidget | None:
    """The dialog the user is in (modal first), else the active window."""
    return QApplication.activeModalWidget() or QApplication.activeWindow()


class HelpKey(QObject):
    """F1 in any dialog opens the guide at its page (the window's F1 does not reach dialogs).

    Installed on the application by the main window; ``open_help(page)`` is its
    ``MainWindow.open_help``.
    """

    def __init__(self, window: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() != Qt.Key.Key_F1 or event.modifiers() != Qt.KeyboardModifier.NoModifier:
            return False
        if not isinstance(watched, QWidget) or watched.window() is self._window:
            return False  # the main window's own F1 action handles it
        if isinstance(watched.window(), HelpWindow):
            return False
        open_help = getattr(self._window, "open_help", None)
        if open_help is None:
            return False
        open_help(page_for(watched))
        return True
