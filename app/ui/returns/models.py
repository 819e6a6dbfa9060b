"""Table models of the Returns screen: a report table as previewed, and the returns' history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.report import Column, Figure, Kind, Table, Value, format_value
from app.domain.returns_report import change_text
from app.services.returns.versions import ReturnVersion
from app.ui.formatting import fmt_date

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class ReportTableModel(QAbstractTableModel):
    """One table of the return (or a section's key figures), shown as the PDF shows it."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Sequence[Value]]) -> None:
        super().__init__()
        self.columns = tuple(columns)
        self.rows = [tuple(r) for r in rows]
        self.kinds: list[tuple[Kind, ...]] = [tuple(c.kind for c in self.columns) for _ in rows]

    @classmethod
    def of_table(cls, table: Table) -> ReportTableModel:
        return cls(table.columns, table.rows)

    @classmethod
    def of_figures(cls, figures: Sequence[Figure]) -> ReportTableModel:
        model = cls(
            (Column("Figure"), Column("Value", Kind.DECIMAL)), [(f.label, f.value) for f in figures]
        )
        model.kinds = [(Kind.TEXT, f.kind) for f in figures]
        return model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.columns):
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        kind = self.kinds[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(value, kind)
        if role == SORT_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and kind.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _when(value: Any) -> str:
    return "" if value is None else f"{fmt_date(value)} {value:%H:%M}"


class HistoryModel(QAbstractTableModel):
    """Every stored version of the PDU's returns: who built, exported and signed each off."""

    COLUMNS = (
        "Week ending",
        "Version",
        "Built by",
        "Built",
        "Exported by",
        "Exported",
        "Signed off by",
        "Signed off",
        "Correction",
    )

    def __init__(self) -> None:
        super().__init__()
        self.versions: list[ReturnVersion] = []

    def set_versions(self, versions: Sequence[ReturnVersion]) -> None:
        self.beginResetModel()
        self.versions = list(versions)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.versions)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.COLUMNS[section])
        return None

    def cells(self, v: ReturnVersion) -> tuple[str, ...]:
        correction = ""
        if v.version > 1:
            changed = "; ".join(
                change_text(c.path, c.before, c.after) for c in v.changes[:4]
            ) or self.tr("no figure changed")
            more = f" (+{len(v.changes) - 4} more)" if len(v.changes) > 4 else ""
            correction = f"{v.correction_reason}: {changed}{more}"
        return (
            fmt_date(v.week_ending),
            str(v.version),
            v.built_by,
            _when(v.built_at),
            v.exported_by,
            _when(v.exported_at),
            v.signed_off_by,
            _when(v.signed_off_at),
            correction,
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        version = self.versions[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cells(version)[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return version
        return None
