"""The Returns screen (SPEC.md 4.7): choose the PDU and week, preview, export, sign off.

This week is chosen by default. The preview shows every section's figures
and tables as the files will; a week already exported shows its stored
version. Exporting writes the workbook and the PDF into a folder, off the
GUI thread with a progress bar; Open folder shows them. The history lists
every version with who built, exported and signed it off. The Head of PDU
signs the latest version off (it is then frozen) or rebuilds the week as a
correction.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.returns import current_week
from app.services.core import reference
from app.services.core.changes import ChangeSet, Kind
from app.services.core.permissions import may, who_can
from app.services.core.reference import PduInfo
from app.services.core.settings import get as setting
from app.services.returns.export import ExportResult, ReturnPreview, export_return, preview_return
from app.services.returns.versions import (
    ReturnVersion,
    correct_return,
    return_history,
    sign_off_return,
)
from app.ui.context import AppContext
from app.ui.formatting import fmt_date
from app.ui.returns.models import HistoryModel, ReportTableModel
from app.ui.widgets.deferred import WhenShown
from app.ui.widgets.table_menu import TableMenu, install_table_menus

_WATCHED = (Kind.RETURN, Kind.CASE, Kind.EVENT, Kind.ALLOCATION, Kind.TIER, Kind.STAFF)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _table(model: ReportTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setMinimumHeight(min(60 + 26 * model.rowCount(), 420))
    return view


class ReturnsScreen(QWidget):
    """The weekly return of the chosen PDU and week."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.preview: ReturnPreview | None = None
        self.last_export: ExportResult | None = None
        self.export_folder: Path | None = None  # chosen once, then kept (tests set it)
        self.week_end_day = "FRI"
        self.history_model = HistoryModel()
        self.table_menus: list[TableMenu] = []
        self._build()
        self._catch_up = WhenShown(self, self.refresh)  # a hidden screen reads nothing
        self._build_actions()
        self._connect()
        self._load()

    # --- building ---------------------------------------------------------------------
    def _build(self) -> None:
        self.pdu_box = QComboBox()
        self.pdu_box.setAccessibleName(self.tr("PDU of the return"))
        self.week_edit = QDateEdit()
        self.week_edit.setDisplayFormat("dd/MM/yyyy")
        self.week_edit.setCalendarPopup(True)
        self.week_edit.setAccessibleName(self.tr("Week ending"))
        self.previous_button = QPushButton(self.tr("◀ Previous week"))
        self.next_button = QPushButton(self.tr("Next week ▶"))
        self.this_week_button = QPushButton(self.tr("This week"))
        choose = QHBoxLayout()
        for label, widget in (
            (self.tr("PDU:"), self.pdu_box),
            (self.tr("Week ending:"), self.week_edit),
        ):
            choose.addWidget(QLabel(label))
            choose.addWidget(widget)
        for button in (self.previous_button, self.this_week_button, self.next_button):
            choose.addWidget(button)
        choose.addStretch(1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Return status"))
        self.export_button = QPushButton(self.tr("&Export to Excel and PDF…"))
        self.open_folder_button = QPushButton(self.tr("&Open folder"))
        self.open_folder_button.setEnabled(False)
        self.sign_off_button = QPushButton(self.tr("&Sign off"))
        self.correct_button = QPushButton(self.tr("&Rebuild as a correction…"))
        buttons = QHBoxLayout()
        for button in (
            self.export_button,
            self.open_folder_button,
            self.sign_off_button,
            self.correct_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Preview of the return"))
        self.history = QTableView()
        self.history.setModel(self.history_model)
        self.history.setAccessibleName(self.tr("Past returns"))
        self.history.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setStretchLastSection(True)
        history_box = QGroupBox(self.tr("Past returns"))
        QVBoxLayout(history_box).addWidget(self.history)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tabs)
        split.addWidget(history_box)
        split.setSizes([520, 200])
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)

    def _build_actions(self) -> None:
        self.export_action = QAction(self.tr("Export the return"), self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setStatusTip(self.tr("Write the return to Excel and PDF"))
        self.refresh_action = QAction(self.tr("&Refresh"), self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.setStatusTip(self.tr("Work out the preview again"))
        for action in (self.export_action, self.refresh_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)

    def _connect(self) -> None:
        self.pdu_box.currentIndexChanged.connect(self._pdu_chosen)
        self.week_edit.dateChanged.connect(self._week_chosen)
        self.previous_button.clicked.connect(lambda: self._step(-7))
        self.next_button.clicked.connect(lambda: self._step(7))
        self.this_week_button.clicked.connect(self.choose_this_week)
        self.export_button.clicked.connect(self.export)
        self.export_action.triggered.connect(self.export)
        self.refresh_action.triggered.connect(self.refresh)
        self.open_folder_button.clicked.connect(self.open_folder)
        self.sign_off_button.clicked.connect(self.sign_off)
        self.correct_button.clicked.connect(self.correct)
        self.history.activated.connect(self._history_chosen)
        self.ctx.broadcast.pdu_changed.connect(self._global_pdu_changed)
        self.ctx.broadcast.data_changed.connect(self._data_changed)

    # --- choosing -------------------------------------------------------------------
    def _load(self) -> None:
        self.ctx.ops.read(reference.pdu_choices).then(self._show_pdus)

    def _show_pdus(self, pdus: list[PduInfo]) -> None:
        pdus = [p for p in pdus if self.ctx.actor.covers(p.id)]  # only the user's own PDUs
        self.pdu_box.blockSignals(True)
        self.pdu_box.clear()
        for pdu in pdus:
            self.pdu_box.addItem(pdu.label, pdu)
        chosen = self.ctx.pdu
        index = next((i for i, p in enumerate(pdus) if chosen and p.id == chosen.id), 0)
        self.pdu_box.setCurrentIndex(index)
        self.pdu_box.blockSignals(False)
        self._pdu_chosen(index)

    def chosen_pdu(self) -> PduInfo | None:
        pdu = self.pdu_box.currentData()
        return pdu if isinstance(pdu, PduInfo) else None

    def week_ending(self) -> date:
        chosen = self.week_edit.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    @Slot(int)
    def _pdu_chosen(self, _index: int) -> None:
        pdu = self.chosen_pdu()
        if pdu is None:
            return
        self.ctx.ops.read(setting, "week_end_day", self.ctx.today, pdu.id).then(self._week_end_day)

    def _week_end_day(self, value: object) -> None:
        self.week_end_day = str(value)
        self.choose_this_week()

    @Slot()
    def choose_this_week(self) -> None:
        """This week by default: the week holding today, ending on the week-end day."""
        self.set_week(current_week(self.ctx.today, self.week_end_day).ending)

    def set_week(self, ending: date) -> None:
        if self.week_ending() == ending:
            self.refresh()
        else:
            self.week_edit.setDate(_qdate(ending))  # refreshes through dateChanged

    def _step(self, days: int) -> None:
        self.set_week(self.week_ending() + timedelta(days=days))

    @Slot(QDate)
    def _week_chosen(self, _day: QDate) -> None:
        self.refresh()

    # --- showing -------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        pdu = self.chosen_pdu()
        if pdu is None:
            return
        self.status.setText(self.tr("Working out the figures…"))
        self.ctx.ops.read(preview_return, self.ctx.actor, pdu.id, self.week_ending()).then(
            self._show_preview, on_failure=self._show_problem
        )
        self.ctx.ops.read(return_history, self.ctx.actor, pdu.id).then(
            self.history_model.set_versions
        )

    def _show_problem(self, error: BaseException) -> None:
        self.preview = None
        self.tabs.clear()
        self.status.setText(str(error))
        self._set_buttons()

    def _show_preview(self, preview: ReturnPreview) -> None:
        self.preview = preview
        current = self.tabs.currentIndex()
        self.tabs.clear()
        for section in preview.report.sections:
            self.tabs.addTab(self._section_page(section), section.title)
        self.tabs.setCurrentIndex(max(0, current))
        # Copy and Export to Excel on every previewed table, as on every other table.
        self.table_menus = install_table_menus(self.tabs, self.ctx.ops)
        self.status.setText(self._status_text(preview))
        self._set_buttons()

    def _section_page(self, section: object) -> QWidget:
        from app.domain.report import Section

        assert isinstance(section, Section)
        page = QWidget()
        layout = QVBoxLayout(page)
        if section.note:
            note = QLabel(section.note)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(QLabel(self.tr("Key figures")))
        layout.addWidget(_table(ReportTableModel.of_figures(section.figures), section.title))
        for table in section.tables:
            layout.addWidget(QLabel(table.title))
            layout.addWidget(_table(ReportTableModel.of_table(table), table.title))
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    def _status_text(self, preview: ReturnPreview) -> str:
        week = preview.week.label
        stored = preview.stored
        if stored is None:
            return (
                self.tr(
                    "%1, week %2: a preview of the figures as the records stand; nothing is stored "
                    "until the return is exported."
                )
                .replace("%1", preview.pdu.label)
                .replace("%2", week)
            )
        parts = [
            self.tr("%1, week %2: version %3, built by %4 on %5")
            .replace("%1", preview.pdu.label)
            .replace("%2", week)
            .replace("%3", str(stored.version))
            .replace("%4", stored.built_by)
            .replace("%5", fmt_date(stored.built_at))
        ]
        if stored.exported_at is not None:
            parts.append(
                self.tr("last exported by %1 on %2")
                .replace("%1", stored.exported_by)
                .replace("%2", fmt_date(stored.exported_at))
            )
        if stored.signed_off_at is not None:
            parts.append(
                self.tr("signed off by %1 on %2: frozen")
                .replace("%1", stored.signed_off_by)
                .replace("%2", fmt_date(stored.signed_off_at))
            )
        else:
            parts.append(self.tr("not signed off"))
        return "; ".join(parts) + "."

    def _set_buttons(self) -> None:
        actor = self.ctx.actor
        builds = may(actor, export_return)
        signs, corrects = may(actor, sign_off_return), may(actor, correct_return)
        stored = self.preview.stored if self.preview else None
        ended = self.preview is not None and self.preview.week.ending <= self.ctx.today
        self.export_button.setEnabled(builds and ended)
        if not builds:
            self.export_button.setToolTip(who_can(export_return))
        elif not ended:
            self.export_button.setToolTip(
                self.tr("The week has not ended yet: it can be exported from its last day")
            )
        else:
            self.export_button.setToolTip("")
        self.sign_off_button.setVisible(signs)
        self.correct_button.setVisible(corrects)
        self.sign_off_button.setEnabled(signs and stored is not None and not stored.signed_off)
        self.correct_button.setEnabled(corrects and stored is not None)

    # --- acting ---------------------------------------------------------------------
    def _folder(self) -> Path | None:
        if self.export_folder is None:
            start = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation
            )
            chosen = QFileDialog.getExistingDirectory(
                self, self.tr("Export the return into"), start
            )
            if not chosen:
                return None
            self.export_folder = Path(chosen)
        return self.export_folder

    @Slot()
    def export(self) -> None:
        pdu = self.chosen_pdu()
        folder = self._folder() if pdu is not None else None
        if pdu is None or folder is None:
            return
        self.ctx.ops.long_write(
            self,
            self.tr("Exporting the weekly return…"),
            export_return,
            pdu.id,
            self.week_ending(),
            folder=folder,
        ).then(self._exported)

    def _exported(self, result: ExportResult) -> None:
        self.last_export = result
        self.open_folder_button.setEnabled(True)
        names = ", ".join(p.name for p in result.files)
        self.status.setText(
            self.tr("Exported version %1: %2")
            .replace("%1", str(result.version.version))
            .replace("%2", names)
        )
        self.refresh()

    @Slot()
    def open_folder(self) -> None:
        if self.export_folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.export_folder)))

    @Slot()
    def sign_off(self) -> None:
        stored = self.preview.stored if self.preview else None
        if stored is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Sign off the return"),
            self.tr(
                "Sign off version %1 of the week ending %2? A signed-off return is frozen: "
                "a later correction becomes a new version."
            )
            .replace("%1", str(stored.version))
            .replace("%2", fmt_date(stored.week_ending)),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.ctx.ops.write(sign_off_return, stored.id).then(lambda _v: self.refresh())

    @Slot()
    def correct(self) -> None:
        pdu = self.chosen_pdu()
        if pdu is None or self.preview is None or self.preview.stored is None:
            return
        reason, ok = QInputDialog.getText(
            self,
            self.tr("Rebuild the return as a correction"),
            self.tr(
                "The week is worked out again from the records as they now stand, as a new "
                "version. Why?"
            ),
        )
        if ok and reason.strip():
            self.ctx.ops.write(correct_return, pdu.id, self.week_ending(), reason).then(
                lambda _v: self.refresh()
            )

    def _history_chosen(self, index: object) -> None:
        from PySide6.QtCore import QModelIndex

        assert isinstance(index, QModelIndex)
        version = self.history_model.index(index.row(), 0).data(Qt.ItemDataRole.UserRole)
        if isinstance(version, ReturnVersion):
            self.set_week(version.week_ending)

    @Slot(object)
    def _global_pdu_changed(self, pdu: PduInfo) -> None:
        for i in range(self.pdu_box.count()):
            item = self.pdu_box.itemData(i)
            if isinstance(item, PduInfo) and item.id == pdu.id:
                self.pdu_box.setCurrentIndex(i)

    @Slot(object)
    def _data_changed(self, changes: ChangeSet) -> None:
        if changes.touches(*_WATCHED):
            self._catch_up()
