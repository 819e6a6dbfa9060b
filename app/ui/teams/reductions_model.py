"""The reductions and absences of the chosen practitioner, as a table (DOMAIN.md 4a)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.services.teams.reductions import ReductionView
from app.ui.formatting import fmt_date
from app.ui.widgets.table_model import ColumnsModel

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
HEADERS = ("Reason", "From", "To", "Hours a week", "Status", "Note")
REASON, START, END, HOURS, STATUS, NOTE = range(len(HEADERS))
_INDEX = QModelIndex | QPersistentModelIndex
_ENDED = QBrush(QColor("#6b6b6b"))
_ACTIVE = QBrush(QColor("#1b5e20"))


class ReductionsModel(ColumnsModel):
    """Reason, from, to, hours a week, status (scheduled, active, ended), note."""

    COLUMNS = HEADERS

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ReductionView] = []

    def set_rows(self, rows: Sequence[ReductionView]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, col)
        if role == SORT_ROLE:
            return _sort_value(row, col)
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole and col == STATUS:
            return {"ended": _ENDED, "active": _ACTIVE}.get(row.status)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == HOURS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _display(row: ReductionView, col: int) -> str:
    hours = "all" if row.is_absence else f"{row.hours_per_week:g}"
    values = (
        row.reason_label,
        fmt_date(row.start),
        fmt_date(row.end) or "open-ended",
        hours,
        row.status.capitalize(),
        row.note,
    )
    return values[col] if 0 <= col < len(values) else ""


def _sort_value(row: ReductionView, col: int) -> Any:
    values = (
        row.reason_label,
        row.start,
        row.end or date.max,
        row.hours_per_week,
        row.status,
        row.note,
    )
    return values[col] if 0 <= col < len(values) else None
