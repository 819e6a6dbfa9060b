"""F1 opens the guide at the page of the screen in front; the glossary names every term."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.ui.app import build_window
from app.ui.main_window import SCREENS

TERMS = ("PDU", "POD", "RoSH", "RSR", "OGRS", "MAPPA", "Tier", "PQiP", "Capacity", "SPO", "CRN")


def _window(qtbot: Any, store: Any) -> Any:
    window = build_window(store, inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def test_f1_opens_the_page_of_the_screen_in_front(qtbot: Any, store: Any) -> None:
    window = _window(qtbot, store)
    window.open_screen("Allocation")
    qtbot.keyClick(window, Qt.Key.Key_F1)
    help_window = window.help_window
    assert help_window is not None and help_window.isVisible()
    assert help_window.browser.source().fileName() == "allocation.html"
    assert "5 working days" in help_window.browser.toPlainText()
    qtbot.mouseClick(help_window.glossary_button, Qt.MouseButton.LeftButton)
    text = help_window.browser.toPlainText()
    assert all(term in text for term in TERMS)
    assert "Why 0 change points can still be level 2" in text
    help_window.close()
    window.close()


def test_every_screen_has_its_own_guide_page(qtbot: Any, store: Any) -> None:
    window = _window(qtbot, store)
    for entry in SCREENS:
        window.open_screen(entry.title)
        window.open_help()
        browser = window.help_window.browser
        assert browser.source().fileName() == entry.help_page != "index.html"
        assert entry.title.split()[0].lower() in browser.toPlainText().lower()
    window.close()
