"""F1 opens the guide at the page of the screen or dialog in front; the About box; the icon."""

from __future__ import annotations

import importlib
import pkgutil
import re
from importlib.resources import files
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

import app.ui
from app import __version__
from app.ui.app import build_window
from app.ui.help.pages import page_for
from app.ui.main_window import SCREENS
from tests.ui.helpers import signed_in

TERMS = ("PDU", "POD", "RoSH", "RSR", "OGRS", "MAPPA", "Tier", "PQiP", "Capacity", "SPO", "CRN")
HELP = files("app.resources").joinpath("help")


def _window(qtbot: Any, store: Any) -> Any:
    window = build_window(store, signed_in(store), inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _dialog_classes() -> list[type[QDialog]]:
    """Every dialog class of the window's code (every module of app.ui imported)."""
    for module in pkgutil.walk_packages(app.ui.__path__, "app.ui."):
        importlib.import_module(module.name)
    found: list[type[QDialog]] = []
    todo = list(QDialog.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("app.ui.") and cls.__name__ != "HelpWindow":
            found.append(cls)  # every dialog but the guide itself
    return found


def _page_ids(page: str) -> set[str]:
    text = HELP.joinpath(page).read_text(encoding="utf-8")
    return set(re.findall(r'\bid="([^"]+)"', text))


def _exists(target: str) -> bool:
    page, _, anchor = target.partition("#")
    if not HELP.joinpath(page).is_file():
        return False
    return not anchor or anchor in _page_ids(page)


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


def test_f1_in_a_modal_dialog_opens_its_page_in_a_guide_the_dialog_owns(
    qtbot: Any, store: Any
) -> None:
    from app.ui.settings.dialog import SettingsDialog

    window = _window(qtbot, store)
    window.open_screen("Caseload")
    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.open()  # modal, as exec() makes it, without blocking the test
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_F1)
    guide = window.help_window
    assert guide is not None and guide.isVisible()
    assert guide.browser.source().fileName() == "settings.html"
    assert guide.parentWidget() is dialog  # not blocked by the dialog's modality
    dialog.close()
    window.open_help()
    assert window.help_window.browser.source().fileName() == "caseload.html"
    window.close()


def test_a_message_box_opens_the_page_of_the_dialog_it_belongs_to(qtbot: Any, store: Any) -> None:
    from app.ui.teams.dialogs import HoursDialog

    window = _window(qtbot, store)
    dialog = HoursDialog("Hours", 37.0, window)
    qtbot.addWidget(dialog)
    box = QMessageBox(dialog)
    assert page_for(box) == "teams.html#hours"
    assert page_for(QMessageBox(window)) is None  # the screen's page, then
    window.close()


@pytest.mark.parametrize("cls", _dialog_classes(), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_dialog_names_a_guide_page_that_exists(cls: type[QDialog]) -> None:
    page = getattr(cls, "help_page", None)
    assert isinstance(page, str), f"give {cls.__name__} a help_page (the guide page F1 opens)"
    assert _exists(page), f"{cls.__name__}.help_page = {page!r}: no such page or heading id"


def test_every_screen_page_exists() -> None:
    for entry in SCREENS:
        assert _exists(entry.help_page), entry.help_page


def test_every_link_and_picture_of_the_guide_leads_somewhere() -> None:
    pages = [p.name for p in HELP.iterdir() if p.name.endswith(".html")]
    broken = []
    for page in pages:
        text = HELP.joinpath(page).read_text(encoding="utf-8")
        for target in re.findall(r'href="([^"]+)"', text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            full = f"{page}{target}" if target.startswith("#") else target
            if not _exists(full):
                broken.append(f"{page}: {target}")
        for image in re.findall(r'<img[^>]*\bsrc="([^"]+)"', text):
            if not HELP.joinpath(image).is_file():
                broken.append(f"{page}: picture {image}")
    assert not broken


def test_every_page_is_reachable_from_the_contents() -> None:
    pages = {p.name for p in HELP.iterdir() if p.name.endswith(".html")}
    reached, todo = {"index.html"}, ["index.html"]
    while todo:
        text = HELP.joinpath(todo.pop()).read_text(encoding="utf-8")
        for target in re.findall(r'href="([^"#]+)', text):
            if target in pages and target not in reached:
                reached.add(target)
                todo.append(target)
    assert pages == reached


def test_the_about_box_names_the_version_database_and_licences(qtbot: Any, store: Any) -> None:
    from app.ui.help.about import AboutDialog

    window = _window(qtbot, store)
    about = AboutDialog(window.ctx, window)
    qtbot.addWidget(about)
    assert __version__ in about.heading.text()
    text = about.database.text()
    if store.path is not None:
        assert "SQLite" in text and str(store.path) in text and "Schema: 0" in text
    else:  # PostgreSQL: the server, shared, and the address without a password
        assert "PostgreSQL" in text and "shared" in text and "Schema: 0" in text
    licences = {
        about.tabs.tabText(i).replace("&", ""): about.tabs.widget(i).toPlainText()
        for i in range(about.tabs.count())
    }
    assert "MIT License" in licences["Licence"]
    third = licences["Third-party licences"]
    for name in ("SQLAlchemy", "alembic", "openpyxl", "reportlab", "PySide6_Essentials"):
        assert name in third
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in licences["LGPL-3.0 (Qt)"]
    qtbot.mouseClick(about.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"PDU Manager {__version__}")
    assert str(store.path if store.path is not None else store.engine.url.database) in copied
    about.close()
    window.close()


def test_the_window_carries_the_icon(qtbot: Any, store: Any) -> None:
    window = _window(qtbot, store)
    sizes = {size.width() for size in window.windowIcon().availableSizes()}
    assert {16, 32, 48, 256} <= sizes
    window.close()
