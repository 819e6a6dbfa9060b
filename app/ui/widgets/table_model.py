"""The part every small table model shares: named columns with tooltips."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class ColumnsModel(QAbstractTableModel):
    """A flat table whose columns are named by ``COLUMNS``.

    ``HEADER_TIPS`` gives a column's tooltip; a column without one shows its
    name. Subclasses say how many rows there are and what each cell holds.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ()
    HEADER_TIPS: ClassVar[Mapping[int, str]] = {}

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.COLUMNS[section])
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr(self.HEADER_TIPS.get(section, self.COLUMNS[section]))
        return None
