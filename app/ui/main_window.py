"""The main window: navigation on the left, a PDU selector, a status bar."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QWidget,
)
from shiboken6 import isValid

from app.domain.codes import Role
from app.services.core import reference
from app.services.core.actor import Actor
from app.services.core.reference import PduInfo
from app.services.maintenance import restore_from_window
from app.services.users.gate import Gate
from app.ui.context import AppContext, Notice
from app.ui.help.icon import app_icon
from app.ui.help.pages import HelpKey
from app.ui.permissions import allowed
from app.ui.signin.lock import IdleLock
from app.ui.widgets.keyboard import tab_leaves_tables
from app.ui.widgets.table_menu import TableMenu, install_table_menus

if TYPE_CHECKING:
    from app.ui.help.window import HelpWindow


@dataclass(frozen=True)
class ScreenEntry:
    """A screen in the navigation: built on first use, from ``module:Class``."""

    title: str
    target: str
    status_tip: str
    help_page: str = "index.html"
    head_only: bool = False
    # Only these roles may open it (empty: everyone); its tip says who can.
    roles: tuple[Role, ...] = ()
    only_tip: str = ""


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
        "Unpaid work",
        "app.ui.unpaid_work.screen:UnpaidWorkScreen",
        "Projects, the weekly schedule, attendance, stand-downs and each person's hours",
        "unpaid_work.html",
    ),
    ScreenEntry(
        "Victim liaison",
        "app.ui.victims.screen:VictimsScreen",
        "The VLO's task queue and VCS cases",
        help_page="victims.html",
        roles=(Role.VLO, Role.HEAD_OF_PDU),
        only_tip="Only a victim liaison officer or the Head of PDU can open Victim liaison.",
    ),
    ScreenEntry(
        "Returns",
        "app.ui.returns.screen:ReturnsScreen",
        "Build, preview, export and sign off the weekly return",
        "returns.html",
    ),
    ScreenEntry(
        "Administration",
        "app.ui.admin.screen:AdminScreen",
        "Users and their roles, the audit log, settings",
        help_page="administration.html",
        head_only=True,
    ),
]
HEAD_ONLY_TIP = "Only the Head of PDU can open Administration."


def _tip(entry: ScreenEntry) -> str:
    return entry.only_tip or HEAD_ONLY_TIP


def _allows(entry: ScreenEntry, actor: Actor) -> bool:
    if entry.head_only and not actor.has(Role.HEAD_OF_PDU):
        return False
    return not entry.roles or actor.has(*entry.roles)


def screen_refusal(actor: Actor, title: str) -> str | None:
    """Why the actor cannot open the screen of that title (None: they can).

    A screen not in this version says so; one for other roles says who can.
    """
    entry = next((e for e in SCREENS if e.title == title), None)
    if entry is None:
        return f"The {title} screen is not part of this version yet."
    return None if _allows(entry, actor) else _tip(entry)


def _load(target: str) -> Callable[[AppContext], QWidget]:
    module_name, _, cls = target.partition(":")
    factory: Callable[[AppContext], QWidget] = getattr(importlib.import_module(module_name), cls)
    return factory


class MainWindow(QMainWindow):
    """The app's one window. Screens are built when first opened.

    Signals: ``switch_user_requested()``: File > Switch user (or the lock's
    Switch user) was chosen; whoever started the window signs the next user in.
    """

    switch_user_requested = Signal()

    def __init__(self, ctx: AppContext, gate: Gate, idle_seconds: int | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.gate = gate
        self.locked = False
        self.locks = 0  # how many times the window has locked (tests wait on it)
        self.unlock_dialog: QDialog | None = None
        self._veiled: list[QWidget] = []
        self.setWindowTitle(
            self.tr("PDU Manager demo: synthetic data") if ctx.demo else self.tr("PDU Manager")
        )
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
        seconds = idle_seconds if idle_seconds is not None else self.gate.idle_lock_seconds()
        self.idle = IdleLock(seconds, self)
        self.idle.idle_reached.connect(self.lock)

    # --- building -----------------------------------------------------------
    def _build(self) -> None:
        self.nav = QListWidget()
        self.nav.setAccessibleName(self.tr("Navigation"))
        widest = max(self.nav.fontMetrics().horizontalAdvance(e.title) for e in SCREENS)
        self.nav.setFixedWidth(widest + 40)  # as narrow as its titles allow: room for tables
        for entry in SCREENS:
            item = QListWidgetItem(self.tr(entry.title))
            item.setStatusTip(self.tr(entry.status_tip))
            if not self._may_open(entry):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(self.tr(_tip(entry)))
                item.setStatusTip(self.tr(_tip(entry)))
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        for _ in SCREENS:
            self.stack.addWidget(QWidget())
        body = QWidget()
        self.body = body
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

        actor = self.ctx.actor
        self.user_label = QLabel(
            self.tr("Signed in: %s (%s)") % (actor.display_name, actor.roles_label)
        )
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
        self._import_actions: list[QAction] = []
        file_menu.aboutToShow.connect(self._check_import_actions)
        for kind, label, shortcut in (
            ("cases", "Import &caseload extract…", "Ctrl+I"),
            ("staff", "Import &staff extract…", "Ctrl+Shift+I"),
            ("upw-projects", "Import unpaid work &projects…", "Ctrl+Alt+P"),
            ("upw-sessions", "Import unpaid work s&essions…", "Ctrl+Alt+E"),
        ):
            action = QAction(self.tr(label), self)
            action.setShortcut(QKeySequence(shortcut))
            action.setStatusTip(self.tr("Check a file, preview the changes, then import it"))
            action.triggered.connect(lambda _=False, k=kind: self.open_import(k))
            self._import_actions.append(action)
            file_menu.addAction(action)
        file_menu.addSeparator()
        self.switch_action = QAction(self.tr("S&witch user…"), self)
        self.switch_action.setShortcut(QKeySequence("Ctrl+Shift+W"))
        self.switch_action.setStatusTip(self.tr("Sign out and let someone else sign in"))
        self.switch_action.triggered.connect(self.switch_user_requested)
        file_menu.addAction(self.switch_action)
        self.password_action = QAction(self.tr("C&hange password…"), self)
        self.password_action.setStatusTip(self.tr("Choose a new password for your account"))
        self.password_action.triggered.connect(self.change_password)
        file_menu.addAction(self.password_action)
        self.lock_action = QAction(self.tr("&Lock"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+Alt+L"))
        self.lock_action.setStatusTip(self.tr("Lock the window now; your password unlocks it"))
        self.lock_action.triggered.connect(self.lock)
        file_menu.addAction(self.lock_action)
        self.restore_action = QAction(self.tr("&Restore from backup…"), self)
        self.restore_action.setStatusTip(
            self.tr("Replace the database with one of its backups (the current one is kept)")
        )
        self.restore_action.triggered.connect(self.open_restore)
        allowed(self.restore_action, self.ctx.actor, restore_from_window)
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
            if not self._may_open(entry):
                action.setEnabled(False)
                action.setToolTip(self.tr(_tip(entry)))
                action.setStatusTip(self.tr(_tip(entry)))
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

    def _may_open(self, entry: ScreenEntry) -> bool:
        return _allows(entry, self.ctx.actor)

    @property
    def is_head(self) -> bool:
        return self.ctx.actor.has(Role.HEAD_OF_PDU)

    def _load_pdus(self) -> None:
        """Fill the PDU selector off the GUI thread; the saved PDU is chosen once it arrives."""
        self.pdu_box.setPlaceholderText(self.tr("Loading…"))
        if self.ctx.actor.everywhere:
            self.ctx.ops.read(reference.pdu_choices).then(self._show_pdus)
        else:  # the PDUs the user covers, whether in use yet or not
            self.ctx.ops.read(reference.list_pdus).then(self._show_pdus)

    def _show_pdus(self, pdus: list[PduInfo]) -> None:
        actor = self.ctx.actor
        if not actor.everywhere:  # only the PDUs the user covers
            pdus = [p for p in pdus if actor.covers(p.id)]
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
        if not self._may_open(SCREENS[row]):
            raise PermissionError(_tip(SCREENS[row]))
        self.nav.setCurrentRow(row)
        return self._screens[row]

    @Slot(int)
    def _show_screen(self, row: int) -> None:
        if row < 0 or not self._may_open(SCREENS[row]):
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

    @Slot()
    def _check_import_actions(self) -> None:
        """Grey out the imports this user may not run, when the File menu first opens.

        Not at start-up: the import services (and openpyxl behind them) load only
        when first wanted (issue 21). A shortcut pressed before is refused by the
        service itself, which is the check that counts.
        """
        if not self._import_actions:
            return
        from app.services.imports import apply as import_extract

        for action in self._import_actions:
            allowed(action, self.ctx.actor, import_extract)
        self._import_actions = []

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

    # --- signing in and out, the idle lock ---------------------------------------------
    @Slot()
    def change_password(self) -> None:
        from app.ui.signin.dialogs import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.gate, self.ctx.actor, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.statusBar().showMessage(self.tr("Your password is changed."), 5000)

    @Slot()
    def lock(self) -> None:
        """Hide everything, drop the secrets held in memory, ask for the password again."""
        if self.locked:
            return
        self.locked = True
        self.locks += 1
        self.idle.pause()
        self.ctx.secrets.drop_all()
        self.body.hide()
        self.menuBar().setEnabled(False)
        for bar in self.findChildren(QToolBar):
            bar.setEnabled(False)
        self._veiled = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not self and w.isVisible() and isinstance(w, QDialog)
        ]
        for widget in self._veiled:
            widget.setWindowOpacity(0.0)
            widget.setEnabled(False)
        QTimer.singleShot(0, self.ask_unlock)

    @Slot()
    def ask_unlock(self) -> None:
        """The unlock dialog; Switch user hands over, Quit closes the window."""
        from app.ui.signin.dialogs import UnlockDialog

        if not self.locked or self.unlock_dialog is not None:
            return
        dialog = UnlockDialog(self.gate, self.ctx.actor, self)
        self.unlock_dialog = dialog
        code = dialog.exec()
        self.unlock_dialog = None
        if code == QDialog.DialogCode.Accepted:
            self.unlock()
        elif dialog.switch_requested:
            self.switch_user_requested.emit()
        else:
            self.close()

    def unlock(self) -> None:
        self.locked = False
        self.body.show()
        self.menuBar().setEnabled(True)
        for bar in self.findChildren(QToolBar):
            bar.setEnabled(True)
        for widget in self._veiled:
            widget.setWindowOpacity(1.0)
            widget.setEnabled(True)
        self._veiled = []
        self.idle.resume()

    def retire(self) -> None:
        """Close for good once another user has signed in (their own window replaces it)."""
        self.idle.stop()
        self.ctx.secrets.drop_all()
        self.close()
        self.ctx.ops.shutdown()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        self.idle.stop()
        self.ctx.secrets.drop_all()
        super().closeEvent(event)
