"""The cases behind one cell of the tier matrix (SPEC.md 4.4)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.caseload.search import CaseRow
from app.ui.balance.models import CellCasesModel


class CellCasesDialog(QDialog):
    """Lists the active cases of one tier (its ``S`` tier included); read only."""

    help_page = "balance.html#matrix"  # F1 opens the guide here

    def __init__(self, tier: str, rows: Sequence[CaseRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Cases in tier %s") % tier)
        self.setAccessibleName(self.tr("Cases in tier %s") % tier)
        self.model = CellCasesModel(rows)
        count = self.tr("1 active case") if len(rows) == 1 else self.tr("%s active cases")
        self.label = QLabel(
            self.tr("%1 in tier %2 (unsupervised %2S included)")
            .replace("%1", count.replace("%s", str(len(rows))))
            .replace("%2", tier)
        )
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleName(self.tr("Cases in tier %s") % tier)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 420)
