"""The unpaid work screen's dialogs: each collects values; the services check them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.unpaid_work import Notice, Outcome, ProjectType, StandDownReason
from app.services.unpaid_work.attendance import AttendanceEntry
from app.services.unpaid_work.projects import ProjectInput, ProjectView
from app.services.unpaid_work.schedule import GridCell
from app.services.unpaid_work.standdowns import SessionChoice
from app.ui.formatting import fmt_date

DATE_FORMAT = "dd/MM/yyyy"
DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _time(value: QTime) -> time:
    return time(value.hour(), value.minute())


def _qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


class _Form(QDialog):
    help_page = "unpaid_work.html"  # F1 opens the guide here

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(420)
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def add_row(self, label: str, widget: QWidget) -> None:
        widget.setAccessibleName(label.replace("&", "").rstrip(":"))
        self.form.addRow(label, widget)

    def finish(self) -> None:
        self.layout_.addWidget(self.buttons)


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(_qdate(day))
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    return edit


class StandDownDialog(_Form):
    """Reason, notice, when people were sent home (on the day), a note."""

    help_page = "unpaid_work.html#stand-downs"  # F1 opens the guide here

    def __init__(self, cell: GridCell, project: str, today: date, parent: QWidget | None) -> None:
        super().__init__(self.tr("Stand down a session"), parent)
        intro = QLabel(
            self.tr("Stand down %s on %s for everyone booked (%d).")
            % (project, fmt_date(cell.day), cell.booked)
        )
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.reason = QComboBox()
        for r in StandDownReason:
            self.reason.addItem(r.label, r.value)
        self.add_row(self.tr("&Reason:"), self.reason)
        self.notice = QComboBox()
        for n in Notice:
            self.notice.addItem(n.label, n.value)
        if cell.day <= today:
            self.notice.setCurrentIndex(1)
        self.add_row(self.tr("&Notice:"), self.notice)
        self.sent_home = QTimeEdit(_qtime(cell.start))
        self.sent_home.setDisplayFormat("HH:mm")
        self.add_row(self.tr("&Sent home at (on the day):"), self.sent_home)
        self.note = QLineEdit()
        self.add_row(self.tr("N&ote:"), self.note)
        self.notice.currentIndexChanged.connect(self._notice_changed)
        self._notice_changed()
        self.finish()

    def _notice_changed(self) -> None:
        self.sent_home.setEnabled(Notice(self.notice.currentData()) is Notice.ON_THE_DAY)

    def values(self) -> tuple[StandDownReason, Notice, time | None, str]:
        # Qt hands enum data back as plain strings: turn them back into the enums.
        notice = Notice(self.notice.currentData())
        sent = _time(self.sent_home.time()) if notice is Notice.ON_THE_DAY else None
        return StandDownReason(self.reason.currentData()), notice, sent, self.note.text()


class AttendanceDialog(_Form):
    """An outcome and times for each person booked: the whole session at once."""

    help_page = "unpaid_work.html#schedule"  # F1 opens the guide here

    COLUMNS = ("Person", "Outcome", "Start", "End", "Penalty (min)", "Travel out", "Travel back")

    def __init__(self, cell: GridCell, project: str, future: bool, parent: QWidget | None) -> None:
        super().__init__(self.tr("Record attendance"), parent)
        self.setMinimumWidth(860)
        self.form.addRow(QLabel(self.tr("%s on %s") % (project, fmt_date(cell.day))))
        people = [p for p in cell.people if p.outcome is None or p.outcome not in ("AASD", "ATSS")]
        self.people = people
        self.table = QTableWidget(len(people), len(self.COLUMNS))
        self.table.setAccessibleName(self.tr("Outcomes of the people booked"))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.verticalHeader().setVisible(False)
        choices = [o for o in Outcome if o.allowed_on_future_session or not future]
        for row, person in enumerate(people):
            self.table.setCellWidget(row, 0, QLabel(f"{person.name} ({person.crn})"))
            combo = QComboBox()
            combo.addItem(self.tr("(no outcome)"), None)
            for o in choices:
                combo.addItem(f"{o.value}: {o.label}", o.value)
            if person.outcome:
                combo.setCurrentIndex(max(0, combo.findData(person.outcome)))
            combo.setAccessibleName(self.tr("Outcome of %s") % person.name)
            self.table.setCellWidget(row, 1, combo)
            for col, value in ((2, cell.start), (3, cell.end)):
                edit = QTimeEdit(_qtime(value))
                edit.setDisplayFormat("HH:mm")
                self.table.setCellWidget(row, col, edit)
            for col in (4, 5, 6):
                spin = QSpinBox()
                spin.setRange(0, 600)
                self.table.setCellWidget(row, col, spin)
        self.table.resizeColumnsToContents()
        self.layout_.addWidget(self.table)
        self.finish()

    def combo(self, row: int) -> QComboBox:
        widget = self.table.cellWidget(row, 1)
        assert isinstance(widget, QComboBox)
        return widget

    def _spin(self, row: int, col: int) -> int:
        widget = self.table.cellWidget(row, col)
        assert isinstance(widget, QSpinBox)
        return widget.value()

    def _clock(self, row: int, col: int) -> time:
        widget = self.table.cellWidget(row, col)
        assert isinstance(widget, QTimeEdit)
        return _time(widget.time())

    def entries(self) -> list[AttendanceEntry]:
        found = []
        for row, person in enumerate(self.people):
            code = self.combo(row).currentData()
            if code is None:
                continue
            outcome = Outcome(code)
            found.append(
                AttendanceEntry(
                    person.placement_id,
                    outcome,
                    start=self._clock(row, 2),
                    end=self._clock(row, 3),
                    penalty_minutes=self._spin(row, 4),
                    travel_out_minutes=self._spin(row, 5),
                    travel_back_minutes=self._spin(row, 6),
                )
            )
        return found


class RebookDialog(_Form):
    """The sessions this person could be rebooked onto; a reason when one asks for it."""

    help_page = "unpaid_work.html#stand-downs"  # F1 opens the guide here

    def __init__(self, name: str, choices: Sequence[SessionChoice], parent: QWidget | None) -> None:
        super().__init__(self.tr("Rebook %s") % name, parent)
        self.choices = list(choices)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Sessions to rebook onto"))
        for c in self.choices:
            text = (
                f"{fmt_date(c.day)} {c.start:%H:%M}-{c.end:%H:%M} · {c.project} · "
                f"{c.booked} of {c.places} places"
            )
            if c.needs_reason:
                text += " · needs a reason: " + "; ".join(c.warnings)
            QListWidgetItem(text, self.list)
        if self.choices:
            self.list.setCurrentRow(0)
        else:
            self.form.addRow(QLabel(self.tr("No suitable session in the coming weeks.")))
        self.layout_.addWidget(self.list)
        self.reason = QLineEdit()
        self.add_row(self.tr("&Reason (when asked):"), self.reason)
        self.finish()

    def chosen(self) -> SessionChoice | None:
        row = self.list.currentRow()
        return self.choices[row] if 0 <= row < len(self.choices) else None


class ProjectDialog(_Form):
    """A project's details."""

    help_page = "unpaid_work.html#projects"  # F1 opens the guide here

    def __init__(self, project: ProjectView | None, parent: QWidget | None) -> None:
        super().__init__(self.tr("Project") if project else self.tr("New project"), parent)
        self.code = QLineEdit(project.code if project else "")
        self.add_row(self.tr("&Code:"), self.code)
        self.name = QLineEdit(project.name if project else "")
        self.add_row(self.tr("&Name:"), self.name)
        self.kind = QComboBox()
        for t in ProjectType:
            self.kind.addItem(t.label, t.value)
        if project:
            self.kind.setCurrentIndex(self.kind.findData(project.project_type.value))
        self.add_row(self.tr("&Type:"), self.kind)
        self.places = QSpinBox()
        self.places.setRange(1, 100)
        self.places.setValue(project.places if project else 8)
        self.add_row(self.tr("&Places:"), self.places)
        days = QWidget()
        row = QHBoxLayout(days)
        row.setContentsMargins(0, 0, 0, 0)
        self.days = []
        for n, label in enumerate(DAY_LABELS):
            box = QCheckBox(label)
            box.setChecked(project is not None and n in project.days)
            box.setAccessibleName(label)
            row.addWidget(box)
            self.days.append(box)
        self.add_row(self.tr("&Days:"), days)
        self.start = QTimeEdit(_qtime(project.start_time if project else time(9)))
        self.end = QTimeEdit(_qtime(project.end_time if project else time(16)))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.add_row(self.tr("&Starts:"), self.start)
        self.add_row(self.tr("&Ends:"), self.end)
        self.women_only = QCheckBox(self.tr("Women only"))
        self.women_only.setChecked(bool(project and project.women_only))
        self.add_row("", self.women_only)
        self.high_rosh = QCheckBox(self.tr("Suitable for high RoSH"))
        self.high_rosh.setChecked(bool(project and project.high_rosh_suitable))
        self.add_row("", self.high_rosh)
        self.beneficiary = QLineEdit(project.beneficiary if project else "")
        self.add_row(self.tr("&Beneficiary:"), self.beneficiary)
        self.address = QPlainTextEdit(project.address if project else "")
        self.address.setMaximumHeight(70)
        self.add_row(self.tr("&Address:"), self.address)
        self.active = QCheckBox(self.tr("Active"))
        self.active.setChecked(project.active if project else True)
        self.add_row("", self.active)
        self.finish()

    def values(self) -> ProjectInput:
        return ProjectInput(
            code=self.code.text(),
            name=self.name.text(),
            project_type=ProjectType(self.kind.currentData()),
            places=self.places.value(),
            days=frozenset(n for n, box in enumerate(self.days) if box.isChecked()),
            start_time=_time(self.start.time()),
            end_time=_time(self.end.time()),
            women_only=self.women_only.isChecked(),
            high_rosh_suitable=self.high_rosh.isChecked(),
            beneficiary=self.beneficiary.text(),
            address=self.address.toPlainText(),
            active=self.active.isChecked(),
        )


class RangeDialog(_Form):
    """A first and last day, and a stand-down reason and note when planning a closure."""

    help_page = "unpaid_work.html#stand-downs"  # F1 opens the guide here

    def __init__(
        self, title: str, first: date, last: date, parent: QWidget | None, closure: bool = False
    ) -> None:
        super().__init__(title, parent)
        self.first = _date_edit(first)
        self.last = _date_edit(last)
        self.add_row(self.tr("&From:"), self.first)
        self.add_row(self.tr("&To:"), self.last)
        self.reason = QComboBox()
        self.note = QLineEdit()
        if closure:
            for r in StandDownReason:
                self.reason.addItem(r.label, r.value)
            self.add_row(self.tr("&Reason:"), self.reason)
            self.add_row(self.tr("N&ote (e.g. the bank holiday):"), self.note)
        self.finish()

    def days(self) -> tuple[date, date]:
        return _date(self.first.date()), _date(self.last.date())

    def chosen_reason(self) -> StandDownReason:
        return StandDownReason(self.reason.currentData())
