"""The Victim liaison screen (SPEC.md 4.6): the VLO's task queue and the VCS case.

The queue (one VLO's or the whole PDU's) is grouped overdue, due this week
and later, sortable by any column, with days overdue. Ctrl+Return then the
outcome's number completes the chosen task: two keystrokes. Victims' names
show only once the user's keys are open (at sign-in, or with the password
typed here); the window's lock and Switch user drop them and every name
shown here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.domain.victims_task_types import TaskOutcome
from app.services.core.changes import ChangeSet, Kind
from app.services.victims import keys
from app.services.victims.keys import Access
from app.services.victims.tasks import Queue, VloChoice, complete_task, task_queue, vlo_choices
from app.services.victims.view import CaseView, case_view
from app.ui.context import AppContext
from app.ui.victims.case_panel import case_html
from app.ui.victims.queue_model import HEADERS, TASK_ROLE, QueueModel

_WATCHED = (Kind.VCS_CASE, Kind.VICTIM, Kind.VICTIM_TASK, Kind.VICTIM_CONTACT, Kind.VICTIM_KEY)
MINE, WHOLE = -1, -2


class VictimsScreen(QWidget):
    """The task queue on the left, the chosen task's case on the right."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = QueueModel()
        self.queue: Queue | None = None
        self.case: CaseView | None = None
        self.vlos: list[VloChoice] = []
        self.outcome_menu: QMenu | None = None
        self._build()
        self._build_actions()
        self._connect()
        self.ctx.secrets.register(self.forget)
        self.refresh()

    # --- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self.access_label = QLabel()
        self.access_label.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Your password, to open victims' details"))
        self.open_button = QPushButton(self.tr("&Open victims' details"))
        access = QHBoxLayout()
        access.addWidget(self.access_label, 1)
        access.addWidget(self.password)
        access.addWidget(self.open_button)
        self.whose = QComboBox()
        self.whose.setAccessibleName(self.tr("Whose tasks"))
        self.whose.addItem(self.tr("My tasks"), MINE)
        self.whose.addItem(self.tr("Whole PDU"), WHOLE)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find: victim, CRN, person or case"))
        self.search.setAccessibleName(self.tr("Find tasks"))
        self.search.setClearButtonEnabled(True)
        self.summary = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Tasks of:")))
        bar.addWidget(self.whose)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.summary)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAccessibleName(self.tr("Victim liaison tasks"))
        self.tree.setSortingEnabled(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setUniformRowHeights(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        # Victims' names never leave in a table export: this tree gets no Copy or Export.
        self.tree.setProperty("table_menu", True)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName(self.tr("VCS case"))
        self.complete_button = QPushButton(self.tr("&Complete task…"))
        self.complete_button.setToolTip(self.tr("Ctrl+Return, then the outcome's number"))
        self.reassign_button = QPushButton(self.tr("&Reassign a VLO's cases…"))
        self.reassign_button.setToolTip(self.tr("Before a VLO leaves: their cases and tasks"))
        self.import_cases_button = QPushButton(self.tr("Import VCS &cases…"))
        self.import_victims_button = QPushButton(self.tr("Import victi&ms…"))
        self.dates_button = QPushButton(self.tr("Case &dates…"))
        self.dates_button.setToolTip(
            self.tr("Release, parole review, licence and sentence end, category, VLO")
        )
        self.victim_button = QPushButton(self.tr("Add &victim…"))
        self.opt_button = QPushButton(self.tr("Opts &in or out…"))
        self.stage_button = QPushButton(self.tr("Key &stage…"))
        self.close_button = QPushButton(self.tr("Clos&e case…"))
        self.letter_button = QPushButton(self.tr("&Letter…"))
        self.case_buttons = (
            self.dates_button,
            self.victim_button,
            self.opt_button,
            self.stage_button,
            self.close_button,
            self.letter_button,
        )
        queue_buttons = QHBoxLayout()
        for b in (
            self.complete_button,
            self.reassign_button,
            self.import_cases_button,
            self.import_victims_button,
        ):
            queue_buttons.addWidget(b)
        queue_buttons.addStretch(1)
        case_buttons = QHBoxLayout()
        for b in self.case_buttons:
            case_buttons.addWidget(b)
        case_buttons.addStretch(1)
        buttons = QVBoxLayout()
        buttons.addLayout(queue_buttons)
        buttons.addLayout(case_buttons)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.tree)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(access)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

    def _build_actions(self) -> None:
        self.complete_action = QAction(self.tr("Complete task"), self)
        self.complete_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.complete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.complete_action.setStatusTip(self.tr("Complete the chosen task with its outcome"))
        self.complete_action.triggered.connect(self.ask_outcome)
        self.addAction(self.complete_action)
        self.tree.installEventFilter(self)  # Ctrl+Return on the queue itself, focus or not

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tree and event.type() == QEvent.Type.KeyPress:
            key = cast(QKeyEvent, event)
            ctrl = key.modifiers() & Qt.KeyboardModifier.ControlModifier
            if ctrl and key.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.ask_outcome()
                return True
        return super().eventFilter(watched, event)

    def _connect(self) -> None:
        self.open_button.clicked.connect(self.open_details)
        self.password.returnPressed.connect(self.open_details)
        self.whose.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self.refresh)
        self.tree.selectionModel().currentRowChanged.connect(self._current_changed)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.complete_button.clicked.connect(self.ask_outcome)
        self.victim_button.clicked.connect(self.add_victim)
        self.letter_button.clicked.connect(self.letter)
        self.dates_button.clicked.connect(self.edit_dates)
        self.opt_button.clicked.connect(self.record_opt)
        self.stage_button.clicked.connect(self.record_stage)
        self.close_button.clicked.connect(self.close_case)
        self.reassign_button.clicked.connect(self.reassign)
        self.import_cases_button.clicked.connect(lambda: self._import("vcs-cases"))
        self.import_victims_button.clicked.connect(lambda: self._import("victims"))
        self.ctx.broadcast.data_changed.connect(self._data_changed)
        self.ctx.broadcast.pdu_changed.connect(lambda _pdu: self.refresh())

    # --- loading --------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        self.ctx.ops.read(keys.access, self.ctx.actor).then(self._show_access)
        if self.ctx.pdu is None:
            return
        pdu_id = self.ctx.pdu.id
        if self.whose.count() == 2:
            self.ctx.ops.read(vlo_choices, self.ctx.actor, pdu_id).then(self._add_vlos)
        who = self.whose.currentData()
        vlo = self.ctx.actor.user_id if who == MINE else (None if who == WHOLE else int(who))
        self.ctx.ops.read(task_queue, self.ctx.actor, pdu_id, vlo, self.search.text()).then(
            self._show_queue
        )
        if self.case is not None:  # a case whose last task went keeps its panel up to date
            self.ctx.ops.read(case_view, self.ctx.actor, self.case.case_id).then(self._show_case)

    def _add_vlos(self, vlos: list[VloChoice]) -> None:
        self.vlos = vlos
        if self.whose.count() == 2:
            for v in vlos:
                if v.user_id != self.ctx.actor.user_id:
                    self.whose.addItem(v.name, v.user_id)

    def _show_access(self, access: Access) -> None:
        self.access_label.setText(access.message)
        closed = access.entitled and access.has_copy and not access.is_open
        self.password.setVisible(closed)
        self.open_button.setVisible(closed)

    def _show_queue(self, queue: Queue) -> None:
        current = self.current_task_id()
        self.queue = queue
        self.model.show(queue)
        self.tree.expandAll()
        for row in range(self.model.rowCount()):
            self.tree.setFirstColumnSpanned(row, self.tree.rootIndex(), True)
        self.summary.setText(self.tr(f"{len(queue.rows)} open tasks"))
        for col in range(len(HEADERS)):
            self.tree.resizeColumnToContents(col)
        if current is not None:
            self.select_task(current)
        elif queue.rows:
            self.select_task(queue.rows[0].task_id)

    def select_task(self, task_id: int) -> bool:
        for g in range(self.model.rowCount()):
            group = self.model.item(g)
            for r in range(group.rowCount()):
                child = group.child(r)
                if child is not None and child.data(TASK_ROLE) == task_id:
                    self.tree.setCurrentIndex(child.index())
                    return True
        return False

    def current_task_id(self) -> int | None:
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        value = index.siblingAtColumn(0).data(TASK_ROLE)
        return int(value) if value is not None else None

    @Slot()
    def _current_changed(self) -> None:
        task_id = self.current_task_id()
        row = self.model.rows.get(task_id) if task_id is not None else None
        if row is None:
            return
        self.ctx.ops.read(case_view, self.ctx.actor, row.case_id).then(self._show_case)

    def _show_case(self, view: CaseView) -> None:
        self.case = view
        self.detail.setHtml(case_html(view))
        self._update_buttons()

    def _update_buttons(self) -> None:
        case = self.case
        open_case = case is not None and case.closed_on is None
        for b in self.case_buttons:
            b.setEnabled(open_case)
        self.opt_button.setEnabled(open_case and case is not None and bool(case.victims))
        self.letter_button.setEnabled(case is not None and case.names_open and bool(case.victims))

    def _data_changed(self, changes: ChangeSet) -> None:
        if changes.touches(*_WATCHED):
            self.refresh()

    # --- the secrets ----------------------------------------------------------------------
    def forget(self) -> None:
        """The window locked or the user changed: drop every decrypted value shown here."""
        self.model.forget()
        self.queue, self.case = None, None
        self.detail.clear()
        self.password.clear()
        self.search.clear()

    @Slot()
    def open_details(self) -> None:
        password = self.password.text()
        self.password.clear()
        self.ctx.ops.write(keys.open_keyring, password).then(lambda _a: self.refresh())

    # --- completing -----------------------------------------------------------------------
    @Slot()
    def ask_outcome(self) -> None:
        """A menu of the task's outcomes, numbered: the number completes it."""
        task_id = self.current_task_id()
        row = self.model.rows.get(task_id) if task_id is not None else None
        if row is None:
            return
        menu = QMenu(self)
        menu.setAccessibleName(self.tr("Outcome"))
        for n, outcome in enumerate(row.outcomes, start=1):
            action = menu.addAction(f"&{n} {outcome.label}")
            action.setData(outcome.value)
        menu.triggered.connect(lambda a: self.complete(row.task_id, TaskOutcome(a.data())))
        self.outcome_menu = menu
        rect = self.tree.visualRect(self.tree.currentIndex())
        menu.popup(self.tree.viewport().mapToGlobal(rect.bottomLeft()))

    def complete(self, task_id: int, outcome: TaskOutcome) -> None:
        if self.outcome_menu is not None:
            self.outcome_menu.close()
        self.ctx.ops.write(complete_task, task_id, outcome).then(lambda _id: self.refresh())

    def _context_menu(self, pos: QPoint) -> None:
        if self.tree.indexAt(pos).isValid():
            self.ask_outcome()

    # --- dialogs --------------------------------------------------------------------------
    @Slot()
    def add_victim(self) -> None:
        from app.ui.victims.dialogs import VictimDialog

        if self.case is not None:
            VictimDialog(self.ctx, self.case, self).open()

    @Slot()
    def letter(self) -> None:
        from app.ui.victims.dialogs import LetterDialog

        if self.case is not None and self.case.victims:
            LetterDialog(self.ctx, self.case, self).open()

    def _case_dialog(self, make: Callable[[CaseView], QDialog]) -> QDialog | None:
        if self.case is None:
            return None
        dialog = make(self.case)
        dialog.open()
        return dialog

    @Slot()
    def edit_dates(self) -> QDialog | None:
        from app.ui.victims.case_dialogs import CaseDatesDialog

        return self._case_dialog(lambda c: CaseDatesDialog(self.ctx, c, self.vlos, self))

    @Slot()
    def record_opt(self) -> QDialog | None:
        from app.ui.victims.case_dialogs import OptDialog

        return self._case_dialog(lambda c: OptDialog(self.ctx, c, self))

    @Slot()
    def record_stage(self) -> QDialog | None:
        from app.ui.victims.case_dialogs import KeyStageDialog

        return self._case_dialog(lambda c: KeyStageDialog(self.ctx, c, self))

    @Slot()
    def close_case(self) -> QDialog | None:
        from app.ui.victims.case_dialogs import CloseCaseDialog

        return self._case_dialog(lambda c: CloseCaseDialog(self.ctx, c, self))

    @Slot()
    def reassign(self) -> QDialog:
        from app.ui.victims.case_dialogs import ReassignDialog

        who = self.whose.currentData()
        chosen = int(who) if who not in (MINE, WHOLE) else self.ctx.actor.user_id
        dialog = ReassignDialog(self.ctx, self.vlos, chosen, self)
        dialog.open()
        return dialog

    def _import(self, kind: str) -> None:
        from app.ui.imports.dialog import ImportDialog

        ImportDialog(self.ctx, kind, self).open()
