"""The main window: navigation on the left, a PDU selector, a status bar."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from app.services.core import reference
from app.services.core.reference import PduInfo
from app.ui.context import AppContext, Notice

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
UNDO_SECONDS = 60
"""How long the status bar offers to undo what was just done."""

SCREENS: list[ScreenEntry] = [
    ScreenEntry(
        "Overview",
        "app.ui.overview.screen:OverviewScreen",
        "This week's figures at a glance and what needs action today",
        "overview.html",
    ),
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
    ScreenEntry(
        "Returns",
        "app.ui.returns.screen:ReturnsScreen",
        "Build, preview, export and sign off the weekly return",
        "returns.html",
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
        self.setWindowTitle(
            self.tr("PDU Manager demo: synthetic data") if ctx.demo else self.tr("PDU Manager")
        )
        self.setAccessibleName(self.tr("PDU Manager main window"))
        self._screens: dict[int, QWidget] = {}
        self.settings_dialog: QWidget | None = None  # while open
        self.restore_dialog: QWidget | None = None  # while open
        self.help_window: HelpWindow | None = None
        self._table_menus: dict[int, list[TableMenu]] = {}  # kept alive beside their screens
        self._build()
        self._build_menus()
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
        self.ctx.broadcast.screen_wanted.connect(self._screen_wanted)

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
        self.undo_button = QPushButton(self.tr("&Undo"))
        self.undo_button.setAccessibleName(self.tr("Undo what was just done"))
        self.undo_button.hide()
        self.undo_button.clicked.connect(self.undo_last)
        self.statusBar().addWidget(self.undo_button)
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.db_label)
        self._undo: Callable[[], None] | None = None
        self._undo_timer = QTimer(self, singleShot=True, interval=UNDO_SECONDS * 1000)
        self._undo_timer.timeout.connect(self._forget_undo)
        self.ctx.broadcast.told.connect(self._told)

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

        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        self.undo_action = QAction(self.tr("&Undo"), self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setStatusTip(self.tr("Take back the allocation or review just made"))
        self.undo_action.setEnabled(False)
        self.undo_action.triggered.connect(self.undo_last)
        edit_menu.addAction(self.undo_action)

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
        about.setStatusTip(self.tr("Version and database"))
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
    def has_screen(self, title: str) -> bool:
        return any(e.title == title for e in SCREENS)

    @Slot(str)
    def _screen_wanted(self, title: str) -> None:
        if self.has_screen(title):
            self.open_screen(title)

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

    @Slot(object)
    def _told(self, notice: Notice) -> None:
        """Say what was done; offer Undo (button and Ctrl+Z) for a while when it can be."""
        self.statusBar().showMessage(notice.message, UNDO_SECONDS * 1000)
        self._undo = notice.undo
        self.undo_button.setVisible(notice.undo is not None)
        self.undo_action.setEnabled(notice.undo is not None)
        if notice.undo is not None:
            self._undo_timer.start()

    @Slot()
    def undo_last(self) -> None:
        undo, self._undo = self._undo, None
        self._forget_undo()
        if undo is not None:
            undo()

    @Slot()
    def _forget_undo(self) -> None:
        self._undo = None
        self.undo_button.hide()
        self.undo_action.setEnabled(False)

    def open_help(self, page: str | None = None) -> None:
        """The guide at ``page``, else at the page of the screen or dialog in front."""
        from app.ui.help.window import HelpWindow

        if page is None:
            row = self.nav.currentRow()
            page = SCREENS[row].help_page if 0 <= row < len(SCREENS) else "index.html"
            if self.settings_dialog is not None:
                page = "settings.html"
        if self.help_window is None:
            self.help_window = HelpWindow(self)
        self.help_window.show_page(page)

    @Slot()
    def _about(self) -> None:
        from app import __version__

        QMessageBox.about(
            self,
            self.tr("About PDU Manager"),
            self.tr("PDU Manager %s\nDatabase: %s") % (__version__, self.ctx.store_label),
        )

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)
