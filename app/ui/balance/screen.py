"""The Tiering balance screen (SPEC.md 4.4).

Per practitioner, high/very high against medium/low RoSH cases and the tier
mix, as a chart and a table, with the exceptions flagged and their reasons;
beside them the PDU tier matrix, whose cells open the cases behind them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.workload import WorkloadSettings
from app.services.balance import mix as balance
from app.services.balance.mix import BalanceView
from app.services.caseload.search import CaseRow
from app.services.core.changes import ChangeSet, Kind
from app.services.core.reference import PduInfo
from app.services.core.settings import workload_settings
from app.ui.balance.cell_dialog import CellCasesDialog
from app.ui.balance.models import (
    ID_ROLE,
    NAME,
    POD,
    SORT_ROLE,
    ExceptionsModel,
    PractitionerBalanceModel,
    TierMatrixModel,
)
from app.ui.context import AppContext
from app.ui.formatting import fmt_date
from app.ui.widgets.columns import FIT_ROWS, fit_columns, fit_rows_in_view
from app.ui.widgets.deferred import WhenShown
from app.ui.widgets.table_menu import TableMenu, install_table_menus

if TYPE_CHECKING:
    from app.ui.widgets.charts import StackedBarChart

MIX_SERIES = ("High / Very High", "Medium / Low", "Not assessed")
MIX_COLOURS = ("#b00020", "#2e6f9e", "#a0a0a0")
COLUMN_WIDTHS = (130, 48, 92, 48, 58, 62, 88, 104, 150)
_WATCHED = (
    Kind.CASE,
    Kind.ALLOCATION,
    Kind.TIER,
    Kind.STAFF,
    Kind.TEAM,
    Kind.POD,
    Kind.REDUCTION,
    Kind.SETTING,
)


class BalanceScreen(QWidget):
    """Practitioners' RoSH and tier mix, the exceptions and the PDU tier matrix."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.view: BalanceView | None = None
        self.cell_dialog: CellCasesDialog | None = None
        self.cell_menus: list[TableMenu] = []
        self.chart: StackedBarChart | None = None
        self.model = PractitionerBalanceModel()
        self.exceptions_model = ExceptionsModel()
        self.matrix_model = TierMatrixModel()
        self._build()
        self._catch_up = WhenShown(self, self.refresh)
        self._build_actions()
        self._connect()
        self.refresh()

    # --- building -------------------------------------------------------------
    def _build(self) -> None:
        self.summary = QLabel()
        self.summary.setAccessibleName(self.tr("Balance summary"))
        self.summary.setWordWrap(True)
        self.table = self._practitioner_table()
        self.chart_area = QScrollArea()
        self.chart_area.setWidgetResizable(True)
        self.chart_area.setAccessibleName(self.tr("RoSH mix chart"))
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.table)
        left.addWidget(self._group(self.tr("RoSH mix per practitioner"), self.chart_area))
        left.setSizes([380, 320])
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self._group(self.tr("Exceptions"), self._exceptions_table()))
        right.addWidget(self._matrix_group())
        right.setSizes([420, 280])
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(right)
        body.setStretchFactor(0, 2)
        body.setStretchFactor(1, 1)
        body.setSizes([800, 340])  # the table's columns fit at 1400 wide
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(body, 1)

    def _group(self, title: str, widget: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        box.setAccessibleName(title)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(widget)
        return box

    def _practitioner_table(self) -> QTableView:
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        table = QTableView()
        table.setAccessibleName(self.tr("Practitioners' balance"))
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(24)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate(COLUMN_WIDTHS):
            table.setColumnWidth(col, width)
        return table

    def _exceptions_table(self) -> QTableView:
        table = QTableView()
        table.setAccessibleName(self.tr("Exceptions with their reasons"))
        table.setModel(self.exceptions_model)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.setWordWrap(True)
        table.verticalHeader().setVisible(False)
        fit_rows_in_view(table)  # every row measured at once took seconds (issue 21)
        header = table.horizontalHeader()
        header.setResizeContentsPrecision(FIT_ROWS)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.exceptions_table = table
        return table

    def _matrix_group(self) -> QGroupBox:
        self.matrix = QTableView()
        self.matrix.setAccessibleName(self.tr("PDU tier matrix: protect A-D by change 3-0"))
        self.matrix.setModel(self.matrix_model)
        self.matrix.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.matrix.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.matrix.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.matrix.setMinimumHeight(150)
        self.matrix_note = QLabel()
        self.matrix_note.setWordWrap(True)
        self.matrix_note.setAccessibleName(self.tr("Untiered and unsupervised cases"))
        title = self.tr("PDU tier matrix: protect A-D (rows) by change 3-0 (columns)")
        box = self._group(title, self.matrix)
        layout = box.layout()
        assert layout is not None
        layout.addWidget(self.matrix_note)
        return box

    def _build_actions(self) -> None:
        self.refresh_action = QAction(self.tr("&Refresh"), self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.setStatusTip(self.tr("Read the balance again from the database"))
        self.open_cell_action = QAction(self.tr("&List the cases of this tier"), self)
        self.open_cell_action.setShortcut(QKeySequence("Ctrl+L"))
        self.open_cell_action.setStatusTip(self.tr("List the cases in the chosen matrix cell"))
        for action in (self.refresh_action, self.open_cell_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)

    def _connect(self) -> None:
        self.refresh_action.triggered.connect(self.refresh)
        self.open_cell_action.triggered.connect(self._open_current_cell)
        self.matrix.activated.connect(self._cell_activated)
        self.exceptions_table.activated.connect(self._exception_activated)
        self.ctx.broadcast.pdu_changed.connect(self._pdu_changed)
        self.ctx.broadcast.data_changed.connect(self._data_changed)

    # --- behaviour ----------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        if self.ctx.pdu is None:
            return
        pdu_id = self.ctx.pdu.id
        self.ctx.ops.read(workload_settings, self.ctx.today, pdu_id).then(self._set_settings)
        self.ctx.ops.read(balance.balance, pdu_id, self.ctx.today).then(self._show)

    def _set_settings(self, settings: WorkloadSettings) -> None:
        """The capacity limits in force, named in the capacity tooltips."""
        self.model.set_settings(settings)

    def _show(self, view: BalanceView) -> None:
        self.view = view
        self.model.set_lines(view.practitioners)
        fit_columns(self.table, caps={NAME: 170, POD: 130})
        self.exceptions_model.set_items(view.exceptions)
        self.matrix_model.set_matrix(view.matrix)
        self._show_summary(view)
        self._draw_chart(view)

    def _show_summary(self, view: BalanceView) -> None:
        flagged = sum(1 for _p, e in view.exceptions if e.flagged)
        self.summary.setText(
            self.tr(
                "As at %1: %2 practitioners · exceptions: %3 (%4 flagged) · "
                "cases held outside the PO allocation policy: %5 · given to someone "
                "who could not take them then (absent, leaving or over capacity), with a "
                "reason: %7 · a PO's mix is expected from %6 assessed cases"
            )
            .replace("%1", fmt_date(view.as_at))
            .replace("%2", str(len(view.practitioners)))
            .replace("%3", str(len(view.exceptions)))
            .replace("%4", str(flagged))
            .replace("%5", str(view.outside_policy_cases))
            .replace("%6", str(view.mix_min_cases))
            .replace("%7", str(view.safeguard_override_cases))
        )
        matrix = view.matrix
        self.matrix_note.setText(
            self.tr(
                "%1 active cases; %2 untiered (not in the grid). Unsupervised (S) tiers are "
                "counted in their base tier: %3 of them. Double-click a cell or press Enter "
                "to list its cases."
            )
            .replace("%1", str(matrix.total))
            .replace("%2", str(matrix.untiered))
            .replace("%3", str(matrix.unsupervised))
        )

    def _draw_chart(self, view: BalanceView) -> None:
        # QtCharts is loaded on first use only (STYLE.md: start-up).
        from app.ui.widgets.charts import StackedBar, StackedBarChart

        if self.chart is None:
            self.chart = StackedBarChart(MIX_SERIES, MIX_COLOURS)
            self.chart.setAccessibleName(
                self.tr("High, medium/low and not assessed per practitioner")
            )
            self.chart_area.setWidget(self.chart)
        self.chart.set_bars(
            [
                StackedBar(p.name, (p.high, p.medium_low, p.not_assessed))
                for p in sorted(view.practitioners, key=lambda p: p.name.casefold())
            ]
        )

    @Slot(QModelIndex)
    def _cell_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_cell(*self.matrix_model.cell(index))

    @Slot()
    def _open_current_cell(self) -> None:
        self._cell_activated(self.matrix.currentIndex())

    def open_cell(self, protect: str, change: int) -> None:
        """List the active cases of one tier (and its S tier) in a dialog."""
        if self.ctx.pdu is None:
            return
        tier = f"{protect}{change}"
        self.ctx.ops.read(balance.cell_rows, self.ctx.pdu.id, self.ctx.today, protect, change).then(
            lambda rows: self._show_cell(tier, rows)
        )

    def _show_cell(self, tier: str, rows: list[CaseRow]) -> None:
        if self.cell_dialog is not None:
            self.cell_dialog.close()
            self.cell_dialog.deleteLater()
        self.cell_dialog = CellCasesDialog(tier, rows, self)
        self.cell_menus = install_table_menus(self.cell_dialog, self.ctx.ops)
        self.cell_dialog.open()

    @Slot(QModelIndex)
    def _exception_activated(self, index: QModelIndex) -> None:
        """Show the practitioner of an exception in the table."""
        staff_id = self.exceptions_model.index(index.row(), 0).data(ID_ROLE)
        self.select_practitioner(staff_id)

    def select_practitioner(self, staff_id: int) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ID_ROLE) == staff_id:
                self.table.selectRow(row)
                self.table.scrollTo(self.proxy.index(row, 0))
                self.table.setFocus()
                return

    @Slot(object)
    def _pdu_changed(self, _pdu: PduInfo) -> None:
        self.refresh()

    @Slot(object)
    def _data_changed(self, changes: ChangeSet) -> None:
        if changes.touches(*_WATCHED):
            self._catch_up()
