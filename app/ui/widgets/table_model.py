"""The part every small table model shares: named columns with tooltips."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.workload import DEFAULT_SETTINGS, WorkloadSettings
from app.ui.formatting import capacity_rule

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


class CapacityColumnsModel(ColumnsModel):
    """A table with a capacity column whose colours and tooltip follow the settings in force.

    Subclasses name the column in ``CAPACITY``; the header's tooltip adds the
    red and flagged limits of the workload settings given to :meth:`set_settings`.
    """

    CAPACITY: ClassVar[int] = -1

    def __init__(self) -> None:
        super().__init__()
        self.settings: WorkloadSettings = DEFAULT_SETTINGS

    def set_settings(self, settings: WorkloadSettings) -> None:
        """The workload settings in force: the capacity limits shown red and flagged."""
        if settings == self.settings:
            return
        self.settings = settings
        column = self.CAPACITY
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)
        rows = self.rowCount()
        if rows:
            self.dataChanged.emit(self.index(0, column), self.index(rows - 1, column))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and section == self.CAPACITY
        ):
            return f"{self.tr(self.HEADER_TIPS[section])}. {capacity_rule(self.settings)}"
        return super().headerData(section, orientation, role)
