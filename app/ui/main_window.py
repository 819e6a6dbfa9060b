"""The main window: navigation on the left, a PDU selector, a status bar."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QWidget,
)
from shiboken6 import isValid

from app.services.core import reference
from app.services.core.reference import PduInfo
from app.ui.context import AppContext
from app.ui.help.icon import app_icon
from app.ui.help.pages import HelpKey

if TYPE_CHECKING:
    from app.ui.help.window import HelpWindow
from app.ui.widgets.keyboard import tab_leaves_tables
from app.ui.widgets.table_menu import TableMenu, install_table_menus


@dataclass(frozen=True)
class ScreenEntry:
    """A screen in the navigation: built on first use, from ``module:Class``."""

    title: str
    target: str
    status_tip: str
    help_page: str = "index.html"


# Only screens that work are listed; later features add theirs here.
SCREENS: list[ScreenEntry] = [
    ScreenEntry(
        "Caseload",
        "app.ui.caseload.screen:CaseloadScreen",
        "Every case of the PDU: filter, sort, search",
        "caseload.html",
    ),
    ScreenEntry(
        "Allocation",
        "app.ui.allocation.screen:AllocationScreen",
        "Allocate new cases within 5 working days",
        "allocation.html",
    ),
    ScreenEntry(
        "Tiering balance",
        "app.ui.balance.screen:BalanceScreen",
        "High and medium/low RoSH mix per practitioner",
        "balance.html",
    ),
    ScreenEntry(
        "Teams and PODs",
        "app.ui.teams.screen:TeamsScreen",
        "Teams, PODs, hours, reductions and absences",
        "teams.html",
    ),
]


def _load(target: str) -> Callable[[AppContext], QWidget]:
    module_name, _, cls = target.partition(":")
    factory: Callable[[AppContext], QWidget] = getattr(importlib.import_module(module_name), cls)
    return factory


class MainWindow(QMainWindow):
    """The app's one window. Screens are built when first opened."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(self.tr("PDU Manager"))
        self.setAccessibleName(self.tr("PDU Manager main window"))
        self._screens: dict[int, QWidget] = {}
        self.settings_dialog: QWidget | None = None  # while open
        self.restore_dialog: QWidget | None = None  # while open
        self.help_window: HelpWindow | None = None
        self.about_dialog: QWidget | None = None  # while open
        self._table_menus: dict[int, list[TableMenu]] = {}  # kept alive beside their screens
        self.setWindowIcon(app_icon())
        self._build()
        self._build_menus()
        self._help_key = HelpKey(self, self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._help_key)
        tab_leaves_tables(self)
        self._load_pdus()
        self._restore_geometry()
        self.nav.setCurrentRow(0)

    # --- building -----------------------------------------------------------
    def _build(self) -> None:
        self.nav = QListWidget()
        self.nav.setAccessibleName(self.tr("Navigation"))
        widest = max(self.nav.fontMetrics().horizontalAdvance(e.title) for e in SCREENS)
        self.nav.setFixedWidth(widest + 40)  # as narrow as its titles allow: room for tables
        for entry in SCREENS:
            item = QListWidgetItem(self.tr(entry.title))
            item.setStatusTip(self.tr(entry.status_tip))
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        for _ in SCREENS:
            self.stack.addWidget(QWidget())
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.nav.currentRowChanged.connect(self._show_screen)

        toolbar = QToolBar(self.tr("PDU"))
        toolbar.setObjectName("pdu_toolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(QLabel(self.tr("  PDU: ")))
        self.pdu_box = QComboBox()
        self.pdu_box.setAccessibleName(self.tr("Probation Delivery Unit"))
        self.pdu_box.setMinimumContentsLength(30)
        self.pdu_box.currentIndexChanged.connect(self._pdu_chosen)
        toolbar.addWidget(self.pdu_box)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

        self.user_label = QLabel(self.tr("Signed in: %s") % self.ctx.actor.display_name)
        self.db_label = QLabel(self.tr("Database: %s") % self.ctx.store_label)
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.db_label)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        for kind, label, shortcut in (
            ("cases", "Import &caseload extract…", "Ctrl+I"),
            ("staff", "Import &staff extract…", "Ctrl+Shift+I"),
        ):
            action = QAction(self.tr(label), self)
            action.setShortcut(QKeySequence(shortcut))
            action.setStatusTip(self.tr("Check a file, preview the changes, then import it"))
            action.triggered.connect(lambda _=False, k=kind: self.open_import(k))
            file_menu.addAction(action)
        file_menu.addSeparator()
        self.restore_action = QAction(self.tr("&Restore from backup…"), self)
        self.restore_action.setStatusTip(
            self.tr("Replace the database with one of its backups (the current one is kept)")
        )
        self.restore_action.triggered.connect(self.open_restore)
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setStatusTip(self.tr("Close PDU Manager"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        for row, entry in enumerate(SCREENS):
            action = QAction(self.tr(entry.title), self)
            action.setShortcut(QKeySequence(f"Ctrl+{row + 1}"))
            action.setStatusTip(self.tr(entry.status_tip))
            action.triggered.connect(lambda _=False, r=row: self.nav.setCurrentRow(r))
            view_menu.addAction(action)

        tools_menu = self.menuBar().addMenu(self.tr("&Tools"))
        self.settings_action = QAction(self.tr("&Settings…"), self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setStatusTip(
            self.tr("Policy numbers: see them and, as Head of PDU, change them from a date on")
        )
        self.settings_action.triggered.connect(self.open_settings)
        tools_menu.addAction(self.settings_action)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.help_action = QAction(self.tr("&Guide for this screen"), self)
        self.help_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.help_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)  # dialogs too
        self.help_action.setStatusTip(self.tr("How this screen works, its rules and the glossary"))
        self.help_action.triggered.connect(lambda _=False: self.open_help())
        help_menu.addAction(self.help_action)
        glossary = QAction(self.tr("G&lossary"), self)
        glossary.setStatusTip(self.tr("Every term the screens use, in plain words"))
        glossary.triggered.connect(lambda: self.open_help("glossary.html"))
        help_menu.addAction(glossary)
        help_menu.addSeparator()
        about = QAction(self.tr("&About PDU Manager"), self)
        about.setStatusTip(self.tr("Version, database and licences"))
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _load_pdus(self) -> None:
        """Fill the PDU selector off the GUI thread; the saved PDU is chosen once it arrives."""
        self.pdu_box.setPlaceholderText(self.tr("Loading…"))
        self.ctx.ops.read(reference.pdu_choices).then(self._show_pdus)

    def _show_pdus(self, pdus: list[PduInfo]) -> None:
        self.pdu_box.blockSignals(True)
        self.pdu_box.clear()
        for pdu in pdus:
            self.pdu_box.addItem(pdu.label, pdu)
        self.pdu_box.blockSignals(False)
        saved = QSettings().value("pdu_number")
        index = next((i for i, p in enumerate(pdus) if str(p.number) == str(saved)), None)
        if index is None and len(pdus) > 1 and saved is None:
            self._ask_for_home_pdu()  # a first start: not "1. East Kent" by default
            return
        self.pdu_box.setCurrentIndex(index or 0)
        self._pdu_chosen(index or 0)

    def _ask_for_home_pdu(self) -> None:
        """No PDU chosen yet on this login: ask for it, without a dialog in the way."""
        self.pdu_box.setCurrentIndex(-1)
        self.pdu_box.setPlaceholderText(self.tr("Choose your PDU…"))
        self.pdu_box.setToolTip(self.tr("Your PDU: PDU Manager opens on it from now on"))
        self.statusBar().showMessage(
            self.tr("Which PDU is yours? Choose it in the PDU box above; it is remembered.")
        )
        self.pdu_box.setFocus()

    # --- behaviour ------------------------------------------------------------
    def open_screen(self, title: str) -> QWidget:
        """The screen of that title, built if needed (tests use this too)."""
        row = next(i for i, e in enumerate(SCREENS) if e.title == title)
        self.nav.setCurrentRow(row)
        return self._screens[row]

    @Slot(int)
    def _show_screen(self, row: int) -> None:
        if row < 0:
            return
        if row not in self._screens:
            widget = _load(SCREENS[row].target)(self.ctx)
            tab_leaves_tables(widget)
            self._table_menus[row] = install_table_menus(widget, self.ctx.ops)
            placeholder = self.stack.widget(row)
            if placeholder is not None:
                self.stack.removeWidget(placeholder)
                placeholder.deleteLater()
            self.stack.insertWidget(row, widget)
            self._screens[row] = widget
        self.stack.setCurrentIndex(row)

    @Slot(int)
    def _pdu_chosen(self, index: int) -> None:
        pdu = self.pdu_box.itemData(index)
        if not isinstance(pdu, PduInfo):
            return
        first = self.ctx.pdu is None and QSettings().value("pdu_number") is None
        self.ctx.pdu = pdu
        QSettings().setValue("pdu_number", pdu.number)
        if first:
            self.statusBar().showMessage(self.tr("PDU Manager opens on %s from now on") % pdu.label)
        self.ctx.broadcast.pdu_changed.emit(pdu)

    def refresh_pdus(self) -> None:
        """Reload the PDU list (after an import adds the first staff of a PDU)."""
        self._load_pdus()

    def open_import(self, kind: str) -> None:
        from app.ui.imports.dialog import ImportDialog

        dialog = ImportDialog(self.ctx, kind, self)
        dialog.exec()
        if dialog.imported:
            self.refresh_pdus()

    @Slot()
    def open_restore(self) -> None:
        from app.ui.backups.dialog import RestoreDialog

        dialog = RestoreDialog(self.ctx, self)
        self.restore_dialog = dialog  # tests reach the open dialog here
        dialog.exec()
        self.restore_dialog = None
        if dialog.restored is not None:
            self.refresh_pdus()
        dialog.deleteLater()

    @Slot()
    def open_settings(self) -> None:
        from app.ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self)
        self.settings_dialog = dialog  # tests reach the open dialog here
        dialog.exec()
        self.settings_dialog = None
        dialog.deleteLater()

    def open_help(self, page: str | None = None) -> None:
        """The guide at ``page``, else at the page of the dialog or screen in front.

        Opened over a modal dialog, the guide belongs to that dialog (a window the
        dialog does not own could not be used while it is open).
        """
        from app.ui.help.pages import front_widget, page_for
        from app.ui.help.window import HelpWindow

        if self.help_window is not None and not isValid(self.help_window):
            self.help_window = None  # it belonged to a dialog that has closed
        front = front_widget()
        if page is None:
            page = page_for(front) or self.screen_help_page()
        modal = QApplication.activeModalWidget()
        owner: QWidget = modal if modal is not None and modal is not self.help_window else self
        if self.help_window is None or self.help_window.parentWidget() is not owner:
            if self.help_window is not None and self.help_window.parentWidget() is self:
                self.help_window.close()
            self.help_window = HelpWindow(owner)
        self.help_window.show_page(page)

    def screen_help_page(self) -> str:
        """The guide page of the screen in front (its navigation entry's)."""
        row = self.nav.currentRow()
        return SCREENS[row].help_page if 0 <= row < len(SCREENS) else "index.html"

    @Slot()
    def _about(self) -> None:
        from app.ui.help.about import AboutDialog

        dialog = AboutDialog(self.ctx, self)
        self.about_dialog = dialog  # tests reach the open dialog here
        dialog.exec()
        self.about_dialog = None
        dialog.deleteLater()

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)
