"""Qt models of the unpaid work screen: the week's grid, the people and supervisors to drag.

The grid is projects (rows) by the seven days (columns); each cell is that
day's session: supervisor, places filled of places, warnings. People and
supervisors are dragged from their lists onto a cell: the grid's model says
what was dropped where (``dropped``) and the screen asks the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from app.services.unpaid_work.projects import SupervisorView
from app.services.unpaid_work.schedule import BookablePerson, GridCell, WeekGrid
from app.ui.formatting import rosh_label

Index = QModelIndex | QPersistentModelIndex
PERSON_MIME = "application/x-pdu-manager-upw-person"
SUPERVISOR_MIME = "application/x-pdu-manager-upw-supervisor"
ID_ROLE = Qt.ItemDataRole.UserRole + 1
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_COLOURS = {"REFUSED": "#f6d5d9", "NEEDS_REASON": "#fbe7c6", "NOTICE": "#fff6cc"}
_STOOD_DOWN = "#dddddd"


def cell_text(cell: GridCell) -> str:
    """What a cell shows: supervisor, places filled of places, how many warnings."""
    if cell.stood_down:
        return f"Stood down\n{cell.stood_down}\n{cell.notice}"
    lines = [cell.supervisor or "No supervisor", f"{cell.booked} of {cell.places} places"]
    if cell.warnings:
        count = len(cell.warnings)
        lines.append(f"⚠ {count} warning{'s' if count > 1 else ''}")
    return "\n".join(lines)


def cell_tip(cell: GridCell) -> str:
    times = f"{cell.start:%H:%M}-{cell.end:%H:%M}"
    parts = [times]
    if cell.stood_down:
        parts.append(f"Stood down: {cell.stood_down} ({cell.notice.lower()})")
    parts += [f"⚠ {w}" for w in cell.warnings]
    parts += [f"{p.name} ({p.crn}): {p.outcome_label}" for p in cell.people]
    return "\n".join(parts)


class WeekGridModel(QAbstractTableModel):
    """The week: a row per project, a column per day; drops book people or assign supervisors.

    ``dropped(kind: str, item_id: int, cell: GridCell)``: a person ("person")
    or supervisor ("supervisor") was dropped onto a session.
    """

    dropped = Signal(str, int, object)

    def __init__(self) -> None:
        super().__init__()
        self.grid: WeekGrid | None = None
        self._cells: dict[tuple[int, date], GridCell] = {}

    def set_grid(self, grid: WeekGrid) -> None:
        self.beginResetModel()
        self.grid = grid
        self._cells = {(c.project_id, c.day): c for c in grid.cells}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else len(self.grid.projects)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def cell_at(self, row: int, column: int) -> GridCell | None:
        if self.grid is None or not (0 <= row < len(self.grid.projects) and 0 <= column < 7):
            return None
        project = self.grid.projects[row]
        return self._cells.get((project.project_id, self.grid.days[column]))

    def index_of(self, session_id: int) -> QModelIndex:
        if self.grid is None:
            return QModelIndex()
        for row, project in enumerate(self.grid.projects):
            for column, day in enumerate(self.grid.days):
                cell = self._cells.get((project.project_id, day))
                if cell is not None and cell.session_id == session_id:
                    return self.index(row, column)
        return QModelIndex()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.cell_at(index.row(), index.column())
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(cell)
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell_tip(cell)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return cell_text(cell).replace("\n", ", ")
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = _STOOD_DOWN if cell.stood_down else _COLOURS.get(cell.severity or "")
            return QBrush(QColor(colour)) if colour else None
        if role == ID_ROLE:
            return cell.session_id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self.grid is None or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < 7:
            day = self.grid.days[section]
            return f"{DAY_NAMES[section]} {day:%d/%m}"
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.grid.projects):
            p = self.grid.projects[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                marks = [p.type_label, f"{p.places} places"]
                marks += ["women only"] if p.women_only else []
                marks += ["suitable for high RoSH"] if p.high_rosh_suitable else []
                return ", ".join(marks)
            return f"{p.name}\n{p.type_label}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if self.cell_at(index.row(), index.column()) is not None:
            return base | Qt.ItemFlag.ItemIsDropEnabled
        return base

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [PERSON_MIME, SUPERVISOR_MIME]

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: Index,
    ) -> bool:
        target = self.cell_at(parent.row(), parent.column())
        kinds = (PERSON_MIME, SUPERVISOR_MIME)
        return (
            target is not None and not target.stood_down and any(data.hasFormat(k) for k in kinds)
        )

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: Index,
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        target = self.cell_at(parent.row(), parent.column())
        assert target is not None
        for kind, mime in (("person", PERSON_MIME), ("supervisor", SUPERVISOR_MIME)):
            if data.hasFormat(mime):
                self.dropped.emit(kind, int(bytes(data.data(mime).data()).decode()), target)
                return True
        return False


def _mime(kind: str, item_id: int) -> QMimeData:
    data = QMimeData()
    data.setData(kind, QByteArray(str(item_id).encode()))
    return data


class PeopleModel(QAbstractListModel):
    """People with hours left, to drag onto a session (at risk first)."""

    def __init__(self) -> None:
        super().__init__()
        self.people: list[BookablePerson] = []

    def set_people(self, people: Sequence[BookablePerson]) -> None:
        self.beginResetModel()
        self.people = list(people)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.people)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not 0 <= index.row() < len(self.people):
            return None
        p = self.people[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            left = f"{p.remaining_minutes / 60:g} h left"
            return f"{p.name} ({p.crn}) · {left}" + (" · at risk" if p.at_risk else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"RoSH {rosh_label(p.rosh)}; ETE left {p.ete_left_minutes / 60:g} h"
        if role == Qt.ItemDataRole.ForegroundRole and p.at_risk:
            return QBrush(QColor("#b00020"))
        if role == ID_ROLE:
            return p.person_id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:
        return [PERSON_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        return _mime(PERSON_MIME, self.people[indexes[0].row()].person_id)


class SupervisorsModel(QAbstractListModel):
    """The PDU's supervisors, to drag onto a session."""

    def __init__(self) -> None:
        super().__init__()
        self.supervisors: list[SupervisorView] = []

    def set_supervisors(self, supervisors: Sequence[SupervisorView]) -> None:
        self.beginResetModel()
        self.supervisors = list(supervisors)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.supervisors)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not 0 <= index.row() < len(self.supervisors):
            return None
        s = self.supervisors[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return s.name
        if role == ID_ROLE:
            return s.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:
        return [SUPERVISOR_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        return _mime(SUPERVISOR_MIME, self.supervisors[indexes[0].row()].id)
