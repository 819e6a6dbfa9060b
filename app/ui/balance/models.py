"""Table models of the tiering balance screen (SPEC.md 4.4): small, in memory.

A PDU has tens of practitioners, so these hold their rows; the big caseload
table is the one fetched on demand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.domain.balance import BalanceException, ExceptionKind
from app.domain.tiering import CHANGE_LEVELS, PROTECT_LEVELS
from app.domain.workload import DEFAULT_SETTINGS, WorkloadSettings
from app.services.balance.mix import PractitionerBalance, TierMatrix
from app.services.caseload.search import CaseRow
from app.ui.formatting import (
    CAPACITY_RED,
    CapacityLook,
    capacity_look,
    grade_label,
    grade_short,
    rosh_label,
)
from app.ui.widgets.table_model import CapacityColumnsModel, ColumnsModel

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
_INDEX = QModelIndex | QPersistentModelIndex
_RED = QBrush(QColor(CAPACITY_RED))
_AMBER = QBrush(QColor("#8a4b00"))
_BOLD = QFont()
_BOLD.setBold(True)


class _ListModel(ColumnsModel):
    """A flat table over a list of rows, with named columns."""

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows())

    def _rows(self) -> Sequence[object]:
        raise NotImplementedError


# --- practitioners ---------------------------------------------------------------

NAME, GRADE, POD, CASES, HIGH, MED_LOW, NOT_ASSESSED, CAPACITY, MIX = range(9)
_NUMBERS = (CASES, HIGH, MED_LOW, NOT_ASSESSED, CAPACITY)


def pod_text(line: PractitionerBalance) -> str:
    """The POD alone (the team is in the tooltip); the team when not in a POD."""
    return line.pod_name or line.team_name or "No team"


def look_of(
    line: PractitionerBalance, settings: WorkloadSettings = DEFAULT_SETTINGS
) -> CapacityLook:
    """The capacity's look: the band the service worked out, the same colours as elsewhere."""
    return capacity_look(line.capacity_percent, settings, line.band)


def capacity_text(line: PractitionerBalance) -> str:
    """Capacity as shown: "84%", "104%", "115% (flagged)", or "Absent" with no hours."""
    return look_of(line).text


class PractitionerBalanceModel(CapacityColumnsModel, _ListModel):
    """One row per practitioner: RoSH mix, tier mix and capacity (SPEC.md 4.4)."""

    COLUMNS = (
        "Practitioner",
        "Grade",
        "POD",
        "Cases",
        "High/VH",
        "Med/Low",
        "Not assessed",
        "Capacity",
        "Tier mix",
    )
    CAPACITY = CAPACITY

    HEADER_TIPS = {  # noqa: RUF012
        NAME: "The practitioner; in bold when they have an exception",
        GRADE: "PO: Probation Officer; PQiP: trainee PO; PSO: Probation Services Officer",
        POD: "The practitioner's POD; point at it for the team",
        CASES: "Active cases held",
        HIGH: "High or Very High RoSH cases",
        MED_LOW: "Medium or Low RoSH cases",
        NOT_ASSESSED: "RoSH not yet assessed: counted on neither side of the mix",
        MIX: "Cases per protect level A-D (unsupervised S tiers with their base tier)",
        CAPACITY: "Points held / available points",
    }

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[PractitionerBalance] = []

    def _rows(self) -> Sequence[object]:
        return self.lines

    def set_lines(self, lines: Sequence[PractitionerBalance]) -> None:
        self.beginResetModel()
        self.lines = list(lines)
        self.endResetModel()

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return None
        line, col = self.lines[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(line, col)
        if role == SORT_ROLE:
            return _sort_value(line, col)
        if role == ID_ROLE:
            return line.staff_id
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if col == CAPACITY and role != Qt.ItemDataRole.DisplayRole:
            return look_of(line, self.settings).role(role)
        return _decoration(line, col, role)


_DISPLAY: tuple[Callable[[PractitionerBalance], str], ...] = (
    lambda line: line.name,
    lambda line: grade_short(line.grade),
    pod_text,
    lambda line: str(line.cases),
    lambda line: str(line.high),
    lambda line: str(line.medium_low),
    lambda line: str(line.not_assessed),
    capacity_text,
    lambda line: line.tier_mix,
)
_SORT: tuple[Callable[[PractitionerBalance], Any], ...] = (
    lambda line: line.name.casefold(),
    lambda line: line.grade,
    lambda line: f"{pod_text(line).casefold()}\t{line.team_name.casefold()}",
    lambda line: line.cases,
    lambda line: line.high,
    lambda line: line.medium_low,
    lambda line: line.not_assessed,
    lambda line: -1.0 if line.capacity_percent is None else line.capacity_percent,
    lambda line: line.tier_mix,
)


def _display(line: PractitionerBalance, col: int) -> str:
    """One cell's text; only that column is worked out (the proxy asks cell by cell)."""
    return _DISPLAY[col](line) if 0 <= col < len(_DISPLAY) else ""


def _sort_value(line: PractitionerBalance, col: int) -> Any:
    return _SORT[col](line) if 0 <= col < len(_SORT) else None


def _decoration(line: PractitionerBalance, col: int, role: int) -> Any:
    """A name with exceptions in bold, with them in its tooltip; full texts in tooltips.

    Capacity cells take their look from :func:`app.ui.formatting.capacity_look`.
    """
    if role != Qt.ItemDataRole.ToolTipRole:
        return (
            _BOLD if col == NAME and line.exceptions and role == Qt.ItemDataRole.FontRole else None
        )
    if col == NAME and line.exceptions:
        return "\n".join(e.reason for e in line.exceptions)
    if col == GRADE:
        return grade_label(line.grade)
    if col == POD:
        return line.team_pod or None
    if col == MIX:
        return f"Cases per protect level: {line.tier_mix}" if line.tier_mix else None
    return None


# --- exceptions ------------------------------------------------------------------


class ExceptionsModel(_ListModel):
    """Each exception with its practitioner and reason, serious ones (red) first."""

    COLUMNS = ("Practitioner", "Exception and reason")

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[PractitionerBalance, BalanceException]] = []

    def _rows(self) -> Sequence[object]:
        return self.items

    def set_items(self, items: Sequence[tuple[PractitionerBalance, BalanceException]]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        line, exception = self.items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{line.name} ({grade_short(line.grade)})" if col == 0 else exception.reason
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{exception.kind.label}: {exception.reason}"
        if role == ID_ROLE:
            return line.staff_id
        if col == 1 and role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole):
            return _exception_look(line, exception, role)
        return None


def _exception_look(line: PractitionerBalance, exception: BalanceException, role: int) -> Any:
    """Capacity as everywhere (red over 100%, red and bold flagged over 110%); other
    serious exceptions red and bold, the rest (a PO with no mix) amber.
    """
    if exception.kind in (ExceptionKind.OVER_CAPACITY, ExceptionKind.CAPACITY_FLAGGED):
        return look_of(line).role(role)
    if role == Qt.ItemDataRole.FontRole:
        return _BOLD if exception.flagged else None
    return _RED if exception.flagged else _AMBER


# --- the tier matrix -------------------------------------------------------------


class TierMatrixModel(QAbstractTableModel):
    """The PDU tier matrix: rows protect A-D, columns change 3-0, cells case counts."""

    def __init__(self) -> None:
        super().__init__()
        self.matrix = TierMatrix()

    def set_matrix(self, matrix: TierMatrix) -> None:
        self.matrix = matrix
        if self.rowCount():
            last = self.index(len(PROTECT_LEVELS) - 1, len(CHANGE_LEVELS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def cell(self, index: _INDEX) -> tuple[str, int]:
        """The (protect, change) tier of a cell."""
        return PROTECT_LEVELS[index.row()], CHANGE_LEVELS[index.column()]

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(PROTECT_LEVELS)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CHANGE_LEVELS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            what = "Change level" if orientation == Qt.Orientation.Horizontal else "Protect level"
            return self.tr(what)
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section < len(CHANGE_LEVELS):
                return str(CHANGE_LEVELS[section])
            if orientation == Qt.Orientation.Vertical and 0 <= section < len(PROTECT_LEVELS):
                return PROTECT_LEVELS[section]
        return None

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        protect, change = self.cell(index)
        count = self.matrix.count(protect, change)
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return count if role == SORT_ROLE else str(count)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("%s%s: %s active case(s); press Enter to list them") % (
                protect,
                change,
                count,
            )
        if role == Qt.ItemDataRole.BackgroundRole:
            return _heat(count, max(self.matrix.counts.values(), default=0))
        return None


def _heat(count: int, most: int) -> QBrush | None:
    """A light blue shade, darker for fuller cells, so the shape of the caseload shows."""
    if count == 0 or most == 0:
        return None
    share = count / most
    return QBrush(QColor.fromRgbF(1 - 0.55 * share, 1 - 0.35 * share, 1.0))


# --- the cases behind a cell -------------------------------------------------------


class CellCasesModel(_ListModel):
    """The cases of one tier cell: CRN, name, tier, RoSH, practitioner."""

    COLUMNS = ("CRN", "Name", "Tier", "RoSH", "Practitioner", "Team / POD")

    def __init__(self, rows: Sequence[CaseRow] = ()) -> None:
        super().__init__()
        self.cases = list(rows)

    def _rows(self) -> Sequence[object]:
        return self.cases

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.cases):
            return None
        row = self.cases[index.row()]
        if role == ID_ROLE:
            return row.person_id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        holder = (
            f"{row.practitioner_name} ({grade_short(row.practitioner_grade)})"
            if row.staff_id is not None
            else "Unallocated"
        )
        team = " / ".join(x for x in (row.team_name, row.pod_name) if x)
        values = (row.crn, row.name, row.tier or "", rosh_label(row.rosh), holder, team)
        return values[index.column()] if 0 <= index.column() < len(values) else None
