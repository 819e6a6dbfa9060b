"""The audit log: filtered by user, record, action and date; opened; exported.

Nothing here can change an entry: the log is append-only. An entry opens in
a dialog with every field before and after; an entry about a case opens the
case in the Caseload screen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.admin import audit_log
from app.services.admin.audit_log import AuditChoices, AuditDetail, AuditFilter, AuditPage, AuditRow
from app.ui.admin.audit_detail import AuditDetailDialog
from app.ui.context import AppContext
from app.ui.permissions import allowed
from app.ui.widgets.table_model import ColumnsModel, Index


def when(row: AuditRow) -> str:
    return row.at.astimezone().strftime("%d/%m/%Y %H:%M")


class AuditModel(ColumnsModel):
    """The entries of one search, newest first."""

    COLUMNS = ("When", "Who", "Action", "Record", "Summary")

    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[AuditRow, ...] = ()

    def set_rows(self, rows: tuple[AuditRow, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        cells = (when(row), row.who, row.action, row.record, row.summary)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cells[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            login = f" (computer login {row.os_login})" if row.os_login else ""
            return f"{cells[index.column()]}{login}"
        return None


class AuditTab(QWidget):
    """Filters over the log, the entries found, and Open and Export.

    Signals: ``case_opened(person_id: int, crn: str)``: the user asked to see
    the case an entry is about.
    """

    case_opened = Signal(int, str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = AuditModel()
        self.page = AuditPage((), 0)
        self.choose_file: Callable[[str, str], str] = self._choose_file
        self.open_dialog: AuditDetailDialog | None = None
        self.last_export: Path | None = None
        self._build()
        self.may_read = allowed(self.search_button, ctx.actor, audit_log.search)
        for button in (self.csv_button, self.xlsx_button):
            allowed(button, ctx.actor, audit_log.export)
        if self.may_read:
            self.ctx.ops.read(audit_log.choices, ctx.actor).then(self._set_choices)
            self.search()

    def _date(self, name: str) -> tuple[QCheckBox, QDateEdit]:
        box = QCheckBox(self.tr(name))
        edit = QDateEdit()
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setCalendarPopup(True)
        today = self.ctx.today
        edit.setDate(QDate(today.year, today.month, today.day))
        edit.setAccessibleName(self.tr(name))
        edit.setEnabled(False)
        box.toggled.connect(edit.setEnabled)
        return box, edit

    def _build(self) -> None:
        self.user_box = QComboBox()
        self.user_box.setAccessibleName(self.tr("User"))
        self.user_box.addItem(self.tr("Anyone"), "")
        self.action_box = QComboBox()
        self.action_box.setAccessibleName(self.tr("Action"))
        self.action_box.addItem(self.tr("Any action"), "")
        self.record_edit = QLineEdit()
        self.record_edit.setPlaceholderText(self.tr("Record: a CRN, username, team…"))
        self.record_edit.setAccessibleName(self.tr("Record"))
        self.record_edit.returnPressed.connect(self.search)
        self.from_box, self.from_edit = self._date("From")
        self.to_box, self.to_edit = self._date("To")
        self.search_button = QPushButton(self.tr("&Search"))
        self.search_button.clicked.connect(self.search)
        filters = QHBoxLayout()
        for widget in (
            self.user_box,
            self.action_box,
            self.record_edit,
            self.from_box,
            self.from_edit,
            self.to_box,
            self.to_edit,
            self.search_button,
        ):
            filters.addWidget(widget)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Audit log"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda *_: self.open_entry())
        self.count_label = QLabel()
        self.count_label.setAccessibleName(self.tr("Entries found"))
        self.open_button = QPushButton(self.tr("&Open…"))
        self.open_button.clicked.connect(self.open_entry)
        self.csv_button = QPushButton(self.tr("Export &CSV…"))
        self.csv_button.clicked.connect(lambda: self.export(".csv"))
        self.xlsx_button = QPushButton(self.tr("Export E&xcel…"))
        self.xlsx_button.clicked.connect(lambda: self.export(".xlsx"))
        actions = QHBoxLayout()
        actions.addWidget(self.count_label, 1)
        for button in (self.open_button, self.csv_button, self.xlsx_button):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

    def _set_choices(self, choices: AuditChoices) -> None:
        for box, items in ((self.user_box, choices.users), (self.action_box, choices.actions)):
            current = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for code, label in items:
                box.addItem(label, code)
            index = box.findData(current)
            box.setCurrentIndex(max(index, 0))
            box.blockSignals(False)

    # --- searching ---------------------------------------------------------------------
    def current_filter(self) -> AuditFilter:
        def day(box: QCheckBox, edit: QDateEdit) -> date | None:
            if not box.isChecked():
                return None
            d = edit.date()
            return date(d.year(), d.month(), d.day())

        return AuditFilter(
            username=str(self.user_box.currentData() or ""),
            record=self.record_edit.text().strip(),
            action=str(self.action_box.currentData() or ""),
            date_from=day(self.from_box, self.from_edit),
            date_to=day(self.to_box, self.to_edit),
        )

    @Slot()
    def search(self) -> None:
        if not self.may_read:
            return
        self.ctx.ops.read(audit_log.search, self.ctx.actor, self.current_filter()).then(self._show)

    def _show(self, page: AuditPage) -> None:
        self.page = page
        self.model.set_rows(page.rows)
        shown = len(page.rows)
        if page.total == 0:
            text = self.tr("No entries match.")
        elif shown < page.total:
            text = self.tr("The newest %s of %s entries; narrow the search to see others.") % (
                f"{shown:,}",
                f"{page.total:,}",
            )
        else:
            text = self.tr("%s entries") % f"{page.total:,}" if page.total != 1 else "1 entry"
        self.count_label.setText(text)

    # --- opening and exporting --------------------------------------------------------------
    def current_row(self) -> AuditRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    @Slot()
    def open_entry(self) -> None:
        row = self.current_row()
        if row is None:
            return
        self.ctx.ops.read(audit_log.detail, self.ctx.actor, row.id).then(self._show_detail)

    def _show_detail(self, detail: AuditDetail) -> None:
        dialog = AuditDetailDialog(detail, self)
        dialog.case_opened.connect(self.case_opened)
        self.open_dialog = dialog
        dialog.exec()
        self.open_dialog = None

    def _choose_file(self, suffix: str, name: str) -> str:
        kind = "CSV (*.csv)" if suffix == ".csv" else "Excel workbook (*.xlsx)"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the audit log"), name, kind)
        return path

    def export(self, suffix: str) -> None:
        path = self.choose_file(suffix, f"audit-log-{self.ctx.today:%Y-%m-%d}{suffix}")
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        self.ctx.ops.write(audit_log.export, self.current_filter(), target).then(
            lambda n: self._exported(target, n)
        )

    def _exported(self, path: Path, count: int) -> None:
        self.last_export = path
        self.count_label.setText(self.tr("%s entries exported to %s") % (f"{count:,}", path.name))
        self.search()
