"""The weekly schedule: projects by day, booking by keyboard or drag and drop (SPEC.md 4.5).

Choose a cell (a session) and a person, then Book (Ctrl+B); or drag the person
onto the cell. Supervisors are assigned the same way (Ctrl+U, or drag). A
booking that breaks a rule asking for a reason asks for it; one the rules
refuse is refused with the rule in words. The session's panel below records
attendance (Ctrl+R) and stands the session down (Ctrl+D).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListView,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.unpaid_work import attendance, booking, projects, schedule, sheets, standdowns
from app.services.unpaid_work.booking import BookingNeedsReason, BookingRefused
from app.services.unpaid_work.schedule import BookablePerson, GridCell, WeekGrid
from app.services.unpaid_work.standdowns import StandDownResult
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.formatting import fmt_date
from app.ui.permissions import allowed
from app.ui.unpaid_work.dialogs import AttendanceDialog, StandDownDialog
from app.ui.unpaid_work.models import ID_ROLE, PeopleModel, SupervisorsModel, WeekGridModel

BUTTON_SERVICES: dict[str, Callable[..., Any]] = {
    "book": booking.book,
    "supervise": projects.assign_supervisor,
    "swap": projects.swap_supervisors,
    "unbook": booking.unbook,
    "attendance": attendance.record_attendance,
    "stand_down": standdowns.stand_down_session,
}
"""The service behind each button: a user who may not call it sees it disabled, and who can."""


class ScheduleTab(QWidget):
    """The week's grid, the people and supervisors to place, the chosen session's panel.

    ``stood_down(result: StandDownResult)``: a session was stood down; the
    screen shows who is to rebook.
    """

    stood_down = Signal(object)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.week = schedule.week_of(ctx.today)
        self.grid_model = WeekGridModel()
        self.people_model = PeopleModel()
        self.supervisors_model = SupervisorsModel()
        self.grid: WeekGrid | None = None
        self.last_message = ""
        self._build()
        self._build_actions()
        self.grid_model.dropped.connect(self._dropped)

    # --- building ---------------------------------------------------------------
    def _build(self) -> None:
        bar = QHBoxLayout()
        self.week_label = QLabel()
        self.week_label.setAccessibleName(self.tr("Week shown"))
        for text, step in (("◀ Previous week", -1), ("This week", 0), ("Next week ▶", 1)):
            button = QPushButton(self.tr(text))
            button.clicked.connect(lambda _=False, s=step: self.move_week(s))
            bar.addWidget(button)
        bar.addWidget(self.week_label, 1)
        self.print_button = QPushButton(self.tr("&Print the week's session sheets…"))
        self.print_button.clicked.connect(self.print_week)
        bar.addWidget(self.print_button)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Weekly schedule: projects by day"))
        self.table.setModel(self.grid_model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAcceptDrops(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.table.setDropIndicatorShown(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(64)
        self.table.setWordWrap(True)
        self.table.selectionModel().currentChanged.connect(self._cell_changed)
        self.people = self._drag_list(self.people_model, self.tr("People to book"))
        self.supervisor_list = self._drag_list(self.supervisors_model, self.tr("Supervisors"))
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self._titled(self.tr("People to book (drag onto a session)"), self.people))
        side.addWidget(
            self._titled(self.tr("Supervisors (drag onto a session)"), self.supervisor_list)
        )
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.table)
        top.addWidget(side)
        top.setSizes([900, 300])
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(self._panel())
        body.setSizes([520, 220])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(body, 1)

    def _drag_list(self, model: PeopleModel | SupervisorsModel, name: str) -> QListView:
        view = QListView()
        view.setAccessibleName(name)
        view.setModel(model)
        view.setDragEnabled(True)
        view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        return view

    def _titled(self, title: str, widget: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(title))
        layout.addWidget(widget)
        return box

    def _panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        self.session_label = QLabel(self.tr("Choose a session in the grid."))
        self.session_label.setWordWrap(True)
        self.session_label.setAccessibleName(self.tr("Chosen session"))
        self.booked = QListWidget()
        self.booked.setAccessibleName(self.tr("People booked on the chosen session"))
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text in (
            ("book", "&Book the chosen person"),
            ("supervise", "Assign the chosen s&upervisor"),
            ("swap", "S&wap supervisor…"),
            ("unbook", "&Take off the session"),
            ("attendance", "&Record attendance…"),
            ("stand_down", "Stand &down…"),
        ):
            button = QPushButton(self.tr(text))
            button.setAccessibleName(self.tr(text).replace("&", ""))
            self.buttons[key] = button
            buttons.addWidget(button)
        self.buttons["book"].clicked.connect(self.book_chosen)
        self.buttons["supervise"].clicked.connect(self.assign_chosen)
        self.buttons["swap"].clicked.connect(self.swap_supervisor)
        self.buttons["unbook"].clicked.connect(self.unbook_chosen)
        self.buttons["attendance"].clicked.connect(self.record_attendance)
        self.buttons["stand_down"].clicked.connect(self.stand_down)
        for key, service in BUTTON_SERVICES.items():
            allowed(self.buttons[key], self.ctx.actor, service)
        layout.addWidget(self.session_label)
        layout.addWidget(self.booked, 1)
        layout.addLayout(buttons)
        return panel

    def _build_actions(self) -> None:
        for shortcut, slot, tip, service in (
            ("Ctrl+B", self.book_chosen, "Book the chosen person onto the chosen session", "book"),
            (
                "Ctrl+U",
                self.assign_chosen,
                "Assign the chosen supervisor to the chosen session",
                "supervise",
            ),
            (
                "Ctrl+R",
                self.record_attendance,
                "Record attendance for the chosen session",
                "attendance",
            ),
            ("Ctrl+D", self.stand_down, "Stand the chosen session down", "stand_down"),
            ("Alt+Left", lambda: self.move_week(-1), "The week before", ""),
            ("Alt+Right", lambda: self.move_week(1), "The week after", ""),
        ):
            action = QAction(self.tr(tip), self)
            if service:
                allowed(action, self.ctx.actor, BUTTON_SERVICES[service])
            action.setShortcut(QKeySequence(shortcut))
            action.setStatusTip(self.tr(tip))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    # --- loading ----------------------------------------------------------------
    def refresh(self) -> None:
        pdu = self.ctx.pdu
        if pdu is None:
            return
        self.week_label.setText(
            self.tr("Week of %s to %s")
            % (fmt_date(self.week), fmt_date(self.week + timedelta(days=6)))
        )
        self.ctx.ops.read(schedule.schedule, self.ctx.actor, pdu.id, self.week).then(
            self._show_grid
        )
        self.ctx.ops.read(schedule.bookable_people, self.ctx.actor, pdu.id, None).then(
            self.people_model.set_people
        )
        self.ctx.ops.read(projects.supervisors, self.ctx.actor, pdu.id, self.week).then(
            self.supervisors_model.set_supervisors
        )

    def _show_grid(self, grid: WeekGrid) -> None:
        chosen = self.current_cell()
        self.grid = grid
        self.grid_model.set_grid(grid)
        if chosen is not None:
            index = self.grid_model.index_of(chosen.session_id)
            if index.isValid():
                self.table.setCurrentIndex(index)
        self._show_cell(self.current_cell())

    def move_week(self, step: int) -> None:
        self.week = (
            schedule.week_of(self.ctx.today) if step == 0 else self.week + timedelta(weeks=step)
        )
        self.refresh()

    # --- the chosen things ------------------------------------------------------
    def current_cell(self) -> GridCell | None:
        index = self.table.currentIndex()
        return self.grid_model.cell_at(index.row(), index.column()) if index.isValid() else None

    def choose_session(self, session_id: int) -> None:
        self.table.setCurrentIndex(self.grid_model.index_of(session_id))

    def _project_name(self, cell: GridCell) -> str:
        assert self.grid is not None
        return next(p.name for p in self.grid.projects if p.project_id == cell.project_id)

    @Slot(QModelIndex, QModelIndex)
    def _cell_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_cell(self.current_cell())

    def _show_cell(self, cell: GridCell | None) -> None:
        self.booked.clear()
        if cell is None:
            self.session_label.setText(self.tr("Choose a session in the grid."))
            return
        lines = [
            f"{self._project_name(cell)}, {fmt_date(cell.day)} {cell.start:%H:%M}-{cell.end:%H:%M}"
            f" · {cell.supervisor or self.tr('no supervisor')} · "
            f"{cell.booked} of {cell.places} places"
        ]
        if cell.stood_down:
            lines.append(self.tr("Stood down: %s (%s)") % (cell.stood_down, cell.notice.lower()))
        lines += [f"⚠ {w}" for w in cell.warnings]
        self.session_label.setText("\n".join(lines))
        for p in cell.people:
            self.booked.addItem(f"{p.name} ({p.crn}) · {p.outcome_label}")

    def chosen_person(self) -> BookablePerson | None:
        index = self.people.currentIndex()
        rows = self.people_model.people
        return rows[index.row()] if index.isValid() and index.row() < len(rows) else None

    def chosen_supervisor_id(self) -> int | None:
        index = self.supervisor_list.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    # --- booking -----------------------------------------------------------------
    def book_chosen(self) -> None:
        cell, person = self.current_cell(), self.chosen_person()
        if cell is None or person is None:
            self._say(self.tr("Choose a session in the grid and a person to book."))
            return
        self.book(cell, person.person_id)

    def book(self, cell: GridCell, person_id: int, reason: str = "") -> None:
        self.ctx.ops.write(booking.book, cell.session_id, cell.version, person_id, reason).then(
            lambda _id: self._say(self.tr("Booked.")),
            on_failure=lambda e: self._booking_failed(e, cell, person_id),
        )

    def _booking_failed(self, error: BaseException, cell: GridCell, person_id: int) -> None:
        if isinstance(error, BookingNeedsReason):
            dialog = QInputDialog(self)
            dialog.setWindowTitle(self.tr("A reason is needed"))
            dialog.setLabelText(str(error))
            dialog.setAccessibleName(self.tr("A reason is needed"))
            if dialog.exec() and dialog.textValue().strip():
                self.book(cell, person_id, dialog.textValue())
            return
        if isinstance(error, BookingRefused):
            self._say(str(error))
            QMessageBox.warning(self, self.tr("Booking refused"), str(error))
            return
        show_error(self, error)

    @Slot(str, int, object)
    def _dropped(self, kind: str, item_id: int, cell: GridCell) -> None:
        if kind == "person":
            self.book(cell, item_id)
        else:
            self.assign(cell, item_id)

    def unbook_chosen(self) -> None:
        cell, row = self.current_cell(), self.booked.currentRow()
        if cell is None or not 0 <= row < len(cell.people):
            self._say(self.tr("Choose a person booked on the session."))
            return
        self.ctx.ops.write(booking.unbook, cell.people[row].placement_id, cell.version).start()

    # --- supervisors -------------------------------------------------------------
    def assign_chosen(self) -> None:
        cell, supervisor = self.current_cell(), self.chosen_supervisor_id()
        if cell is None or supervisor is None:
            self._say(self.tr("Choose a session in the grid and a supervisor."))
            return
        self.assign(cell, supervisor)

    def assign(self, cell: GridCell, supervisor_id: int | None) -> None:
        self.ctx.ops.write(
            projects.assign_supervisor, cell.session_id, cell.version, supervisor_id
        ).then(lambda _id: self._say(self.tr("Supervisor assigned.")))

    def swap_supervisor(self) -> None:
        cell = self.current_cell()
        if cell is None or self.grid is None:
            return
        others = [
            c
            for c in self.grid.cells
            if c.day == cell.day and c.session_id != cell.session_id and not c.stood_down
        ]
        if not others:
            self._say(self.tr("There is no other session that day to swap with."))
            return
        names = [f"{self._project_name(c)} ({c.supervisor or 'no supervisor'})" for c in others]
        name, ok = QInputDialog.getItem(
            self, self.tr("Swap supervisor"), self.tr("Swap with:"), names, 0, False
        )
        if ok:
            other = others[names.index(name)]
            self.ctx.ops.write(
                projects.swap_supervisors,
                cell.session_id,
                cell.version,
                other.session_id,
                other.version,
            ).start()

    # --- attendance and stand-downs ----------------------------------------------
    def record_attendance(self) -> None:
        cell = self.current_cell()
        if cell is None or not cell.people:
            self._say(self.tr("Choose a session with people booked."))
            return
        dialog = AttendanceDialog(cell, self._project_name(cell), cell.day > self.ctx.today, self)
        if not dialog.exec():
            return
        entries = dialog.entries()
        if entries:
            self.ctx.ops.write(
                attendance.record_attendance, cell.session_id, cell.version, entries
            ).then(self._recorded)

    def _recorded(self, result: attendance.AttendanceResult) -> None:
        flagged = result.for_practitioner
        message = self.tr("%d outcome(s) recorded.") % len(result.recorded)
        if flagged:
            message += " " + self.tr("Tell the practitioner: %s.") % "; ".join(
                f"{r.name} ({r.outcome.value}) by {fmt_date(r.notice_due)}" for r in flagged
            )
        self._say(message)

    def stand_down(self) -> None:
        cell = self.current_cell()
        if cell is None or cell.stood_down:
            self._say(self.tr("Choose a session that is not stood down."))
            return
        dialog = StandDownDialog(cell, self._project_name(cell), self.ctx.today, self)
        if not dialog.exec():
            return
        reason, notice, sent_home, note = dialog.values()
        self.ctx.ops.write(
            standdowns.stand_down_session,
            cell.session_id,
            cell.version,
            reason,
            notice,
            sent_home_at=sent_home,
            note=note,
        ).then(self._stood_down)

    def _stood_down(self, result: StandDownResult) -> None:
        self._say(
            self.tr("Stood down: %d to rebook, %s person-hours lost.")
            % (len(result.to_rebook), f"{result.person_minutes_lost / 60:g}")
        )
        self.stood_down.emit(result)

    # --- printing ---------------------------------------------------------------
    def print_week(self) -> None:
        pdu = self.ctx.pdu
        if pdu is None:
            return
        folder = QFileDialog.getExistingDirectory(self, self.tr("Save the session sheets in"))
        if folder:
            self.save_sheets(Path(folder))

    def save_sheets(self, folder: Path) -> None:
        pdu = self.ctx.pdu
        if pdu is None:
            return
        self.ctx.ops.read(sheets.write_week_sheets, self.ctx.actor, pdu.id, self.week, folder).then(
            lambda paths: self._say(
                self.tr("%d session sheet(s) saved in %s.") % (len(paths), folder)
            )
        )

    def _say(self, message: str) -> None:
        self.last_message = message
        self.session_label.setToolTip(message)
        window = self.window()
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(message, 8000)
