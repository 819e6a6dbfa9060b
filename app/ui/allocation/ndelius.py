"""The "To enter in NDelius" tab: decisions made here, ticked off once entered there."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.services.allocation import ndelius
from app.services.allocation.ndelius import Decision
from app.ui.allocation.case_panel import action_button
from app.ui.allocation.models import ListTableModel
from app.ui.allocation.panels import make_table
from app.ui.context import AppContext
from app.ui.formatting import fmt_date

DEFAULT_DAYS = 14
"""How far back the list starts when first shown."""


class DecisionsModel(ListTableModel[Decision]):
    """Allocations, reallocations and review outcomes, with whether they are in NDelius."""

    COLUMNS = ("Date", "CRN", "Name", "Decision", "By", "In NDelius")
    DATE, CRN, NAME, WHAT, BY, ENTERED = range(6)

    def display(self, row: Decision, col: int) -> str:
        entered = (
            f"Yes, {fmt_date(row.entered_on)}" + (f" by {row.entered_by}" if row.entered_by else "")
            if row.entered_on
            else "Not yet"
        )
        values = {
            self.DATE: fmt_date(row.on),
            self.CRN: row.crn,
            self.NAME: row.name,
            self.WHAT: row.what,
            self.BY: row.by or "–",
            self.ENTERED: entered,
        }
        return values[col]

    def sort_value(self, row: Decision, col: int) -> Any:
        return (row.on, row.crn) if col == self.DATE else self.display(row, col)


class NdeliusPanel(QWidget):
    """Lists the decisions to enter in NDelius since a chosen day; ticks them off as entered."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = DecisionsModel()
        self._build()
        self.since_box.dateChanged.connect(self.refresh)
        self.hide_entered.toggled.connect(self.refresh)

    def _build(self) -> None:
        self.since_box = QDateEdit()
        self.since_box.setCalendarPopup(True)
        self.since_box.setDisplayFormat("dd/MM/yyyy")
        self.since_box.setAccessibleName(self.tr("Decisions since"))
        start = self.ctx.today - timedelta(days=DEFAULT_DAYS)
        self.since_box.setDate(QDate(start.year, start.month, start.day))
        self.hide_entered = QCheckBox(self.tr("&Hide those already entered"))
        self.hide_entered.setChecked(True)
        self.view = make_table(
            self.model,
            self.tr("Decisions to enter in NDelius"),
            {DecisionsModel.NAME: 150, DecisionsModel.BY: 150},
        )
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.entered_action = QAction(self.tr("&Mark as entered in NDelius"), self)
        self.entered_action.setShortcut(QKeySequence("Ctrl+E"))
        self.entered_action.setStatusTip(self.tr("Tick the chosen decisions off as entered"))
        self.entered_action.triggered.connect(lambda: self.mark(True))
        self.not_entered_action = QAction(self.tr("&Not entered after all"), self)
        self.not_entered_action.setStatusTip(self.tr("Untick the chosen decisions"))
        self.not_entered_action.triggered.connect(lambda: self.mark(False))
        self.addActions([self.entered_action, self.not_entered_action])
        self.count_label = QLabel()
        self.count_label.setAccessibleName(self.tr("How many decisions are listed"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Decisions &since:")))
        top.itemAt(0).widget().setBuddy(self.since_box)  # type: ignore[union-attr]
        top.addWidget(self.since_box)
        top.addWidget(self.hide_entered)
        top.addStretch(1)
        top.addWidget(self.count_label)
        buttons = QHBoxLayout()
        buttons.addWidget(action_button(self.entered_action, self.tr("Mark as entered")))
        buttons.addWidget(action_button(self.not_entered_action, self.tr("Not entered")))
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "NDelius stays the record: enter these allocations, reallocations and "
                    "review outcomes there, then tick them off. Right-click the list to "
                    "export it to Excel."
                ),
                wordWrap=True,
            )
        )
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    @Slot()
    def refresh(self, *_: Any) -> None:
        pdu = self.ctx.pdu
        if pdu is None:
            return
        chosen = self.since_box.date()
        since = date(chosen.year(), chosen.month(), chosen.day())
        self.ctx.ops.read(ndelius.decisions, pdu.id, since).then(self._show)

    def _show(self, rows: list[Decision]) -> None:
        shown = [r for r in rows if not (self.hide_entered.isChecked() and r.entered_on)]
        self.model.set_rows(shown)
        waiting = sum(1 for r in rows if not r.entered_on)
        self.count_label.setText(self.tr("%d to enter, %d listed") % (waiting, len(shown)))

    def chosen(self) -> list[Decision]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [r for r in (self.model.row_at(i) for i in rows) if r is not None]

    def mark(self, entered: bool) -> None:
        keys = [d.key for d in self.chosen()]
        if keys:
            self.ctx.ops.write(ndelius.mark_entered, keys, entered).start()
