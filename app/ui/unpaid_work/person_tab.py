"""The person view: hours ordered and worked, ETE, travel, deadlines, at risk, sessions.

Also where the requirement's own facts are recorded: a woman's consent to an
all-male group, a court's extension, completion or termination, and the
assessment, induction, start and review dates.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.unpaid_work_deadlines import MilestoneKind
from app.services.unpaid_work import requirements, summary
from app.services.unpaid_work.summary import PersonChoice, PersonUpw
from app.ui.context import AppContext
from app.ui.permissions import allowed
from app.ui.unpaid_work.summary_html import person_html

_DATES = (
    ("Assessment", MilestoneKind.ASSESSMENT.value),
    ("Induction", requirements.INDUCTION),
    ("First session", MilestoneKind.START.value),
    ("First review", MilestoneKind.FIRST_REVIEW.value),
    ("Second review", MilestoneKind.SECOND_REVIEW.value),
    ("Completed", "completed"),
    ("Terminated", "terminated"),
    ("Court extension: new completion date", "extension"),
)


class RecordDialog(QDialog):
    """What to record and its date."""

    help_page = "unpaid_work.html#people"  # F1 opens the guide here

    def __init__(self, today: date, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Record for the requirement"))
        self.setAccessibleName(self.tr("Record for the requirement"))
        form = QFormLayout(self)
        self.what = QComboBox()
        for label, key in _DATES:
            self.what.addItem(self.tr(label), key)
        self.what.setAccessibleName(self.tr("What"))
        self.day = QDateEdit(QDate(today.year, today.month, today.day))
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setCalendarPopup(True)
        self.day.setAccessibleName(self.tr("Date"))
        self.note = QLineEdit()
        self.note.setAccessibleName(self.tr("Note"))
        form.addRow(self.tr("&What:"), self.what)
        form.addRow(self.tr("&Date:"), self.day)
        form.addRow(self.tr("&Note:"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen_day(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())


class PersonTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.found: list[PersonChoice] = []
        self.person: PersonUpw | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("CRN or name"))
        self.search.setAccessibleName(self.tr("Find a person by CRN or name"))
        self.search.returnPressed.connect(self.refresh)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("People with unpaid work"))
        self.list.currentRowChanged.connect(self._chosen)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName(self.tr("Unpaid work of the chosen person"))
        self.consent = QPushButton(self.tr("Record &consent to all-male groups"))
        self.consent.clicked.connect(self.toggle_consent)
        self.record = QPushButton(self.tr("Record a &date…"))
        self.record.clicked.connect(self.record_date)
        allowed(self.consent, self.ctx.actor, requirements.record_consent)
        allowed(self.record, self.ctx.actor, requirements.record_milestone)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.list, 1)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.detail, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.consent)
        buttons.addWidget(self.record)
        buttons.addStretch(1)
        column.addLayout(buttons)
        body = QSplitter()
        body.addWidget(left)
        body.addWidget(right)
        body.setSizes([300, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(body)

    def refresh(self) -> None:
        if self.ctx.pdu is not None:
            self.ctx.ops.read(
                summary.find_people, self.ctx.actor, self.ctx.pdu.id, self.search.text(), 200
            ).then(self._show_list)

    def _show_list(self, found: list[PersonChoice]) -> None:
        keep = self.person.person_id if self.person else None
        self.found = found
        self.list.blockSignals(True)
        self.list.clear()
        for p in found:
            self.list.addItem(f"{p.name} ({p.crn})")
        self.list.blockSignals(False)
        rows = [i for i, p in enumerate(found) if p.person_id == keep]
        if rows:
            self.list.setCurrentRow(rows[0])
        elif keep is not None:
            self.show_person(keep)

    def _chosen(self, row: int) -> None:
        if 0 <= row < len(self.found):
            self.show_person(self.found[row].person_id)

    def show_person(self, person_id: int) -> None:
        self.ctx.ops.read(summary.person_summary, self.ctx.actor, person_id, None).then(
            self._show_person
        )

    def _show_person(self, found: PersonUpw) -> None:
        self.person = found
        heading = f"<h2>{found.name} <small>{found.crn}</small></h2>"
        self.detail.setHtml(heading + person_html(found))
        current = found.current
        if current is not None:
            self.consent.setText(
                self.tr("Withdraw consent to all-male groups")
                if current.all_male_group_consent
                else self.tr("Record &consent to all-male groups")
            )

    def toggle_consent(self) -> None:
        current = self.person.current if self.person else None
        if current is None:
            return
        self.ctx.ops.write(
            requirements.record_consent,
            current.requirement_id,
            current.version,
            not current.all_male_group_consent,
        ).start()

    def record_date(self) -> None:
        current = self.person.current if self.person else None
        if current is None:
            return
        dialog = RecordDialog(self.ctx.today, self)
        if not dialog.exec():
            return
        key, day = dialog.what.currentData(), dialog.chosen_day()
        rid, version = current.requirement_id, current.version
        if key in ("completed", "terminated"):
            self.ctx.ops.write(requirements.record_ending, rid, version, key, day).start()
        elif key == "extension":
            self.ctx.ops.write(
                requirements.record_extension, rid, version, day, None, dialog.note.text()
            ).start()
        else:
            self.ctx.ops.write(requirements.record_milestone, rid, version, key, day).start()
