"""The import dialog: choose an extract, preview what it changes, then import it (SPEC.md 5)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.parsing import show
from app.services.imports import FileChanged, ImportReport, RecordChange, apply, preview
from app.services.imports.report import finding_heading
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.widgets.table_menu import install_table_menus

SHOWN = 2000
"""Rows listed in each table; a preview of 250,000 cases lists the first ones."""
FILE_FILTER = "Extracts (*.csv *.xlsx);;CSV files (*.csv);;Excel workbooks (*.xlsx)"
TITLES = {
    "cases": "Import caseload extract",
    "staff": "Import staff extract",
    "upw-projects": "Import unpaid work projects",
    "upw-sessions": "Import unpaid work sessions and attendance",
    "vcs-cases": "Import VCS cases",
    "victims": "Import victims' details",
}
ACTIONS = {
    "added": "New",
    "changed": "Changed",
    "missing": "Not in this extract",
    "ended": "Ended",
}


class ImportDialog(QDialog):
    """Checks a file, shows what it would add, change and end, then imports it.

    Signals: ``import_finished(report: ImportReport)`` after an import wrote to
    the database. ``imported`` is True once that has happened.
    """

    help_page = "import.html"  # F1 opens the guide here

    import_finished = Signal(object)

    def __init__(self, ctx: AppContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.path: Path | None = None
        self.report: ImportReport | None = None
        self.imported = False
        self._build()
        self._connect()
        self._show_report(None)

    # --- building -------------------------------------------------------------------
    def _build(self) -> None:
        title = self.tr(TITLES.get(self.kind, "Import extract"))
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.resize(900, 600)
        self.file_box = QLineEdit(readOnly=True, placeholderText=self.tr("No file chosen"))
        self.file_box.setAccessibleName(self.tr("File to import"))
        self.choose_button = QPushButton(self.tr("&Choose file…"))
        self.choose_button.setAccessibleName(self.tr("Choose the file to import"))
        self.summary = QLabel(wordWrap=True)
        self.summary.setAccessibleName(self.tr("What the import does"))
        self.changes_table = self._table(
            self.tr("Changes"), [self.tr("What"), self.tr("Reference"), self.tr("Name"),
                                 self.tr("Details")],
        )  # fmt: skip
        self.errors_table = self._table(
            self.tr("Problems"), [self.tr("Row"), self.tr("Column"), self.tr("Value"),
                                  self.tr("Reason")],
        )  # fmt: skip
        self.findings_table = self._table(
            self.tr("To check"), [self.tr("What"), self.tr("Reference"), self.tr("Name"),
                                  self.tr("Details")],
        )  # fmt: skip
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Changes, what to check and problems"))
        self.tabs.addTab(self.changes_table, self.tr("C&hanges"))
        self.tabs.addTab(self.findings_table, self.tr("To chec&k"))
        self.tabs.addTab(self.errors_table, self.tr("&Problems"))
        self.cap_note = QLabel(wordWrap=True)
        self.cap_note.setAccessibleName(self.tr("How much is listed"))
        self.end_box = QCheckBox(self.tr("&End cases missing from the extract"))
        self.end_box.setAccessibleName(self.tr("End cases missing from the extract"))
        self.end_box.setVisible(self.kind == "cases")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = self.buttons.addButton(
            self.tr("&Import"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button.setAccessibleName(self.tr("Import the file"))
        self.save_problems_button = self.buttons.addButton(
            self.tr("&Save the problems…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_problems_button.setAccessibleName(self.tr("Save the problems to send back"))
        self.save_problems_button.setToolTip(
            self.tr("An Excel list of every bad row, to send back to whoever made the file")
        )
        self.save_problems_button.hide()
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName(self.tr("Close"))
        self._lay_out()
        self.table_menus = install_table_menus(self, self.ctx.ops)
        self.problems_menu = next(m for m in self.table_menus if m.view is self.errors_table)

    def _lay_out(self) -> None:
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_box, 1)
        file_row.addWidget(self.choose_button)
        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.cap_note)
        layout.addWidget(self.end_box)
        layout.addWidget(self.buttons)

    def _table(self, name: str, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setAccessibleName(name)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table

    def _connect(self) -> None:
        self.choose_button.clicked.connect(self.choose_file)
        self.import_button.clicked.connect(self.start_import)
        self.save_problems_button.clicked.connect(self.save_problems)
        self.buttons.rejected.connect(self._close)

    # --- behaviour ------------------------------------------------------------------
    @Slot()
    def choose_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose an extract"), "", self.tr(FILE_FILTER)
        )
        if chosen:
            self.set_path(Path(chosen))

    def set_path(self, path: Path | str) -> None:
        """Check this file and show what importing it would do (writes nothing)."""
        self.path = Path(path)
        self.file_box.setText(str(self.path))
        self._show_report(None, self.tr("Checking %s…") % self.path.name)
        self.ctx.ops.long_read(
            self,
            self.tr("Checking the extract…"),
            preview,
            self.kind,
            self.path,
            pdu=self._pdu(),
        ).then(self._show_report, on_failure=self._failed, on_cancel=self._cancelled)

    def _pdu(self) -> str | None:
        """The PDU chosen in the window: an unpaid work file without a pdu column is for it."""
        return str(self.ctx.pdu.number) if self.ctx.pdu is not None else None

    @Slot()
    def start_import(self) -> None:
        """Import the previewed file in one transaction, with a progress dialog and Cancel.

        The import is refused, writing nothing, if the file changed after its preview.
        """
        if self.path is None or self.report is None or not self.report.accepted:
            return
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.ctx.ops.long_staged(
            self,
            self.tr("Importing %s…") % self.path.name,
            apply,
            self.kind,
            self.path,
            end_missing=self.end_box.isChecked(),
            expected_hash=self.report.file_hash,
            pdu=self._pdu(),
        ).then(self._imported, on_failure=self._failed, on_cancel=self._cancelled)

    def _imported(self, report: ImportReport) -> None:
        self._show_report(report)
        if not report.applied:
            return
        self.imported = True
        self.import_button.setEnabled(False)
        self.import_finished.emit(report)

    def _failed(self, error: BaseException) -> None:
        self.choose_button.setEnabled(True)
        self._show_report(self.report)
        show_error(self, error)
        if isinstance(error, FileChanged) and self.path is not None:
            self.set_path(self.path)  # what the file holds now, to import after a look

    def _cancelled(self) -> None:
        self.choose_button.setEnabled(True)
        self._show_report(self.report, self.tr("Cancelled: nothing was written."))

    @Slot()
    def _close(self) -> None:
        if self.imported:
            self.accept()
        else:
            self.reject()

    # --- showing the report ---------------------------------------------------------
    def _show_report(self, report: ImportReport | None, message: str = "") -> None:
        self.report = report
        self.choose_button.setEnabled(True)
        ready = report is not None and report.accepted and not report.applied
        self.import_button.setEnabled(ready and not self.imported)
        missing = len(report.missing) if report is not None else 0
        self.end_box.setEnabled(ready and missing > 0)
        self.end_box.setText(
            self.tr("&End the %n case(s) missing from the extract", "", missing)
            if missing
            else self.tr("&End cases missing from the extract")
        )
        self.summary.setText(message or _summary(report, self.tr("Choose a file to check.")))
        self._fill_changes(report.changes if report else ())
        self._fill_findings(report)
        self._fill_errors(report)

    def _fill_changes(self, changes: tuple[RecordChange, ...]) -> None:
        listed = [c for c in changes if c.action != "added"] + [
            c for c in changes if c.action == "added"
        ]
        rows = listed[:SHOWN]
        self.changes_table.setRowCount(len(rows))
        for row, change in enumerate(rows):
            cells = (ACTIONS[change.action], change.key, change.name, change.details())
            for column, text in enumerate(cells):
                self.changes_table.setItem(row, column, QTableWidgetItem(text))
        self.cap_note.setText(
            self.tr("Showing the first %s of %s; the import covers them all.")
            % (f"{SHOWN:,}", f"{len(listed):,}")
            if len(listed) > SHOWN
            else ""
        )
        self.cap_note.setVisible(len(listed) > SHOWN)

    def _fill_findings(self, report: ImportReport | None) -> None:
        """Tier differences, undated assessments and team SPOs, each named (the first 2,000)."""
        findings = report.findings if report else ()
        rows = [(f.label, f.key, f.name, f.detail) for f in findings[:SHOWN]]
        if len(findings) > SHOWN:
            more = self.tr("and %s more, of the kinds above") % f"{len(findings) - SHOWN:,}"
            rows.append(("…", "", "", more))
        self.findings_table.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                self.findings_table.setItem(row, column, QTableWidgetItem(text))
        index = self.tabs.indexOf(self.findings_table)
        self.tabs.setTabText(
            index,
            self.tr("To chec&k (%s)") % f"{len(findings):,}" if findings else self.tr("To chec&k"),
        )

    def _fill_errors(self, report: ImportReport | None) -> None:
        errors = report.errors[:SHOWN] if report else ()
        self.errors_table.setRowCount(len(errors))
        for row, error in enumerate(errors):
            value = "" if error.value in (None, "") else show(error.value)
            cells = (str(error.row) if error.row else "", error.column, value, error.reason)
            for column, text in enumerate(cells):
                self.errors_table.setItem(row, column, QTableWidgetItem(text))
        self.save_problems_button.setVisible(bool(errors))
        if errors:
            self.tabs.setCurrentWidget(self.errors_table)
        elif report is not None and report.findings:
            self.tabs.setCurrentWidget(self.findings_table)
        else:
            self.tabs.setCurrentWidget(self.changes_table)

    @Slot()
    def save_problems(self) -> None:
        """The problem list as an Excel workbook, to send back to whoever made the file."""
        if self.path is not None:
            self.problems_menu.title = self.tr("Problems in %s") % self.path.name
        self.problems_menu.ask_and_export()


def _summary(report: ImportReport | None, empty: str) -> str:
    """The verdict and the counts, as the command line prints them."""
    if report is None:
        return empty
    lines = [report.verdict()]
    if report.accepted:
        counts = (
            f"Rows read: {report.rows:,}   Added: {report.added:,}   "
            f"Changed: {report.changed:,}   Unchanged: {report.unchanged:,}"
        )
        if report.kind == "cases":
            counts += f"   Not in this extract: {len(report.missing):,}   Ended: {report.ended:,}"
        lines.append(counts)
    if report.ignored_columns:
        lines.append("Ignored columns: " + ", ".join(report.ignored_columns))
    lines += report.notes
    if report.accepted:
        lines += [finding_heading(k, len(g)) for k, g in report.finding_kinds().items()]
    return "\n".join(lines)
