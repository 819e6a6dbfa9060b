"""The Caseload screen (SPEC.md 4.2): every case, filtered and sorted in SQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import Rosh, SentenceType
from app.domain.tiering import ALL_TIERS
from app.services.caseload import search as caseload
from app.services.caseload.detail import CaseDetail, case_detail
from app.services.caseload.search import (
    NOT_ASSESSED,
    UNTIERED,
    CaseFilter,
    CaseRow,
    FilterOptions,
    Page,
)
from app.services.core.changes import ChangeSet, Kind
from app.services.core.reference import PduInfo
from app.ui.caseload.detail import CaseDetailPanel
from app.ui.caseload.model import (
    COLUMNS,
    NAME,
    POD,
    PRACTITIONER,
    TEAM,
    CaseTableModel,
    export_rows,
)
from app.ui.context import AppContext
from app.ui.formatting import count_label
from app.ui.widgets.columns import ColumnChooser, fit_columns
from app.ui.widgets.deferred import WhenShown
from app.ui.widgets.table_menu import Rows, TableMenu

ANY = None
NAME_CAPS = {NAME: 170, PRACTITIONER: 190, TEAM: 140, POD: 120}
"""The free-text columns stop at these widths (they elide); the rest show whole."""


class CaseloadScreen(QWidget):
    """Filter bar, the case table and a detail panel for the chosen case."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = CaseTableModel(self._fetch_rows)
        self._sort = ("crn", False)
        self._generation = 0
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._build()
        self._catch_up = WhenShown(self, self._refresh_all)
        self._connect()
        self.reload_options()
        self.refresh()

    # --- building -------------------------------------------------------------
    def _build(self) -> None:
        self.search_box = QLineEdit(placeholderText=self.tr("Search by CRN or name"))
        self.search_box.setAccessibleName(self.tr("Search by CRN or name"))
        self.search_box.setClearButtonEnabled(True)
        self.team_box = self._combo(self.tr("Team"), self.tr("Any team"))
        self.pod_box = self._combo(self.tr("POD"), self.tr("Any POD"))
        self.practitioner_box = self._combo(self.tr("Practitioner"), self.tr("Any practitioner"))
        self.tier_box = self._combo(self.tr("Tier"), self.tr("Any tier"))
        for tier in ALL_TIERS:
            self.tier_box.addItem(tier, tier)
        self.tier_box.addItem(self.tr("Untiered"), UNTIERED)
        self.rosh_box = self._combo(self.tr("RoSH"), self.tr("Any RoSH"))
        for rosh in reversed(Rosh):
            self.rosh_box.addItem(rosh.label, rosh.value)
        self.rosh_box.addItem(self.tr("Not assessed"), NOT_ASSESSED)
        self.type_box = self._combo(self.tr("Sentence type"), self.tr("Any sentence type"))
        for st in SentenceType:
            self.type_box.addItem(st.label, st.value)
        self.unallocated_box = QCheckBox(self.tr("&Unallocated only"))
        self.unallocated_box.setAccessibleName(self.tr("Unallocated only"))
        self.count_label = QLabel()
        self.count_label.setAccessibleName(self.tr("Number of cases shown"))
        self.clear_button = QPushButton(self.tr("C&lear filters"))
        self.clear_button.setAccessibleName(self.tr("Clear filters"))
        self.clear_button.setToolTip(self.tr("Show every case of the PDU again"))
        self.clear_button.hide()

        filters = QGridLayout()
        filters.addWidget(self.search_box, 0, 0, 1, 2)
        filters.addWidget(self.team_box, 0, 2)
        filters.addWidget(self.pod_box, 0, 3)
        filters.addWidget(self.practitioner_box, 0, 4)
        filters.addWidget(self.tier_box, 1, 0)
        filters.addWidget(self.rosh_box, 1, 1)
        filters.addWidget(self.type_box, 1, 2)
        filters.addWidget(self.unallocated_box, 1, 3)
        filters.addWidget(self.count_label, 1, 4)
        filters.addWidget(self.clear_button, 1, 5)

        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Cases"))
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((78, 170, 64, 84, 44, 84, 180, 120, 110, 84)):
            self.table.setColumnWidth(col, width)
        self.columns = ColumnChooser(self.table, "caseload", always=(0,))
        self.table.setProperty("table_menu", True)  # its own: every row, not the pages loaded
        self.table_menu = TableMenu(self.table, self.tr("Caseload"), self.ctx.ops, self._all_rows)
        self.table.setToolTip(self.tr("Right-click the headings to choose the columns shown"))

        self.detail = CaseDetailPanel()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([880, 380])

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)

    def _combo(self, name: str, any_label: str) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(name)
        box.addItem(any_label, ANY)
        box.setMinimumContentsLength(12)
        return box

    def _connect(self) -> None:
        self.search_box.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self.refresh)
        for box in (
            self.team_box,
            self.pod_box,
            self.practitioner_box,
            self.tier_box,
            self.rosh_box,
            self.type_box,
        ):
            box.currentIndexChanged.connect(self.refresh)
        self.unallocated_box.toggled.connect(self.refresh)
        self.clear_button.clicked.connect(self.clear_filters)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.ctx.broadcast.pdu_changed.connect(self._pdu_changed)
        self.ctx.broadcast.data_changed.connect(self._data_changed)

    # --- behaviour --------------------------------------------------------------
    def current_filter(self) -> CaseFilter | None:
        if self.ctx.pdu is None:
            return None

        def chosen(box: QComboBox) -> frozenset[str]:
            value = box.currentData()
            return frozenset() if value is None else frozenset({value})

        return CaseFilter(
            pdu_id=self.ctx.pdu.id,
            as_at=self.ctx.today,
            text=self.search_box.text(),
            team_id=self.team_box.currentData(),
            pod_id=self.pod_box.currentData(),
            staff_id=self.practitioner_box.currentData(),
            tiers=chosen(self.tier_box),
            rosh=chosen(self.rosh_box),
            sentence_types=chosen(self.type_box),
            unallocated_only=self.unallocated_box.isChecked(),
        )

    @Slot()
    def refresh(self) -> None:
        """Search again: the first page at once, then every id behind it."""
        flt = self.current_filter()
        if flt is None:
            return
        self._generation += 1
        generation = self._generation
        sort, descending = self._sort
        self.ctx.ops.read(caseload.first_page, flt, sort, descending).then(
            lambda page: self._show_first_page(generation, flt, page)
        )

    def _show_first_page(self, generation: int, flt: CaseFilter, page: Page) -> None:
        if generation != self._generation:
            return  # a newer search has started
        self.model.set_first_page(page.ids, page.total)
        fit_columns(self.table, caps=NAME_CAPS)
        self._show_count(flt, page.total)
        self._reselect(page.ids, complete=len(page.ids) == page.total)
        if len(page.ids) < page.total:
            sort, descending = self._sort
            self.ctx.ops.read(caseload.search, flt, sort, descending).then(
                lambda ids: self._show_all(generation, ids)
            )

    def _show_all(self, generation: int, ids: list[int]) -> None:
        if generation == self._generation:
            self.model.set_remaining(ids)
            self.count_label.setText(count_label(len(ids), self.tr("case")))
            self._reselect(ids, complete=True)

    def _show_count(self, flt: CaseFilter, total: int) -> None:
        unfiltered = flt == CaseFilter(pdu_id=flt.pdu_id, as_at=flt.as_at)
        self.clear_button.setVisible(total == 0 and not unfiltered)
        if total == 0 and not unfiltered:
            text = flt.text.strip()
            self.count_label.setText(
                self.tr("No case matches '%s'") % text
                if text
                else self.tr("No case matches these filters")
            )
        elif total == 0:
            self.count_label.setText(
                self.tr(
                    "No cases in this PDU yet: import a staff extract, then a caseload "
                    "extract (File menu), or choose another PDU."
                )
            )
        else:
            self.count_label.setText(count_label(total, self.tr("case")))

    def _reselect(self, ids: list[int], complete: bool) -> None:
        """Keep the chosen case chosen; once it is known to be filtered out, clear its detail."""
        selected = self.detail.person_id
        if selected is None:
            return
        if selected in ids:
            row = ids.index(selected)
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        elif complete:
            self.table.clearSelection()
            self.detail.clear_case()

    @Slot()
    def clear_filters(self) -> None:
        """Every filter back to 'any' and the search emptied, then one search."""
        boxes = (
            self.team_box,
            self.pod_box,
            self.practitioner_box,
            self.tier_box,
            self.rosh_box,
            self.type_box,
        )
        for widget in (*boxes, self.unallocated_box, self.search_box):
            widget.blockSignals(True)
        for box in boxes:
            box.setCurrentIndex(0)
        self.unallocated_box.setChecked(False)
        self.search_box.clear()
        for widget in (*boxes, self.unallocated_box, self.search_box):
            widget.blockSignals(False)
        self._search_timer.stop()
        self.refresh()

    @Slot(int, Qt.SortOrder)
    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        self._sort = (COLUMNS[column][1], order == Qt.SortOrder.DescendingOrder)
        self.refresh()

    @Slot(QItemSelection, QItemSelection)
    def _selection_changed(self, *_: Any) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        person_id = self.model.case_id(rows[0].row())
        if person_id is None:
            return
        self.ctx.ops.read(case_detail, person_id).then(self._show_detail)

    def _show_detail(self, detail: CaseDetail) -> None:
        self.detail.show_case(detail)

    def reload_options(self) -> None:
        if self.ctx.pdu is None:
            return
        self.ctx.ops.read(caseload.filter_options, self.ctx.pdu.id, self.ctx.today).then(
            self._set_options
        )

    def _set_options(self, options: FilterOptions) -> None:
        for box, items in (
            (self.team_box, options.teams),
            (self.pod_box, options.pods),
            (self.practitioner_box, options.practitioners),
        ):
            current = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for option in items:
                box.addItem(option.label, option.id)
            index = box.findData(current)
            box.setCurrentIndex(max(index, 0))
            box.blockSignals(False)

    @Slot(object)
    def _pdu_changed(self, _pdu: PduInfo) -> None:
        self.detail.clear_case()
        self.reload_options()
        self.refresh()

    def _all_rows(self, done: Callable[[Rows], None]) -> None:
        """Every case of the current filter and sort, as shown, for Export to Excel."""
        flt = self.current_filter()
        if flt is not None:
            sort, descending = self._sort
            self.ctx.ops.read(export_rows, flt, sort, descending).then(done)

    def _fetch_rows(self, ids: list[int], done: Callable[[list[CaseRow]], None]) -> None:
        self.ctx.ops.read(caseload.rows, ids).then(done)

    @Slot(object)
    def _data_changed(self, changes: ChangeSet) -> None:
        if changes.touches(Kind.STAFF, Kind.TEAM, Kind.POD):
            self.reload_options()
        if changes.touches(Kind.CASE, Kind.ALLOCATION, Kind.STAFF, Kind.TIER):
            self._catch_up()

    def _refresh_all(self) -> None:
        self.refresh()
        if self.detail.person_id is not None:
            self.ctx.ops.read(case_detail, self.detail.person_id).then(self._show_detail)
