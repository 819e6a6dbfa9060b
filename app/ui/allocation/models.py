"""The allocation desk's tables: queue, reviews, ranked practitioners, last 30 days.

Each table is short (a PDU's waiting cases, its practitioners), so each model
holds its rows; the services do the ordering (SPEC.md 4.3).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.services.allocation import CandidateRow, QueueItem, RecentAllocation, ReviewRow
from app.ui.allocation.text import clock_text, mix_text, name_grade, reasons_text, status_text
from app.ui.formatting import fmt_date, grade_short, rosh_label, sentence_label

T = TypeVar("T")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

OVERDUE_BACKGROUND = QBrush(QColor("#f6c6c6"))
DUE_TODAY_BACKGROUND = QBrush(QColor("#fde7b0"))
DUE_BACKGROUND = QBrush(QColor("#d9f0d9"))
HIGH_RISK = QBrush(QColor("#b00020"))
OVER_CAPACITY = QBrush(QColor("#b00020"))
GREYED = QBrush(QColor("#7a7a7a"))
CLOCK_BACKGROUNDS = {
    "overdue": OVERDUE_BACKGROUND,
    "due_today": DUE_TODAY_BACKGROUND,
    "due": DUE_BACKGROUND,
}


class ListTableModel(QAbstractTableModel, Generic[T]):
    """A table over a list of rows; subclasses say what each column shows."""

    COLUMNS: tuple[str, ...] = ()
    HEADER_TIPS: ClassVar[dict[int, str]] = {}

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        return list(self._rows)

    def row_at(self, row: int) -> T | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if not horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.COLUMNS[section])
        if role == Qt.ItemDataRole.ToolTipRole and section in self.HEADER_TIPS:
            return self.tr(self.HEADER_TIPS[section])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None or not 0 <= index.column() < len(self.COLUMNS):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.display(row, index.column())
        if role == SORT_ROLE:
            return self.sort_value(row, index.column())
        return self.decorate(row, index.column(), role)

    def display(self, row: T, col: int) -> str:
        raise NotImplementedError

    def sort_value(self, row: T, col: int) -> Any:
        return self.display(row, col)

    def decorate(self, row: T, col: int, role: int) -> Any:
        """Colours and tooltips; None by default."""
        return None


class QueueModel(ListTableModel[QueueItem]):
    """Unallocated cases, longest waiting first (TOM 775)."""

    COLUMNS = (
        "CRN",
        "Name",
        "Sentence",
        "Clock start",
        "Days",
        "Deadline",
        "Status",
        "First appointment",
        "Tier",
        "RoSH",
        "Previous practitioner",
    )
    CRN, NAME, SENTENCE, START, DAYS, DEADLINE, DUE, FIRST, TIER, ROSH, PREVIOUS = range(11)
    HEADER_TIPS: ClassVar[dict[int, str]] = {
        START: "Sentence date, or release date for licence and PSS cases",
        DAYS: "Working days since the clock start",
        DEADLINE: "Allocate within 5 working days of the clock start (TOM 775)",
        FIRST: "Within a week of sentence, or 24 hours of release (TOM 791)",
        PREVIOUS: "The last practitioner who held the case (continuity, TOM 777)",
    }

    def display(self, row: QueueItem, col: int) -> str:
        c = row.case
        first = row.first_appointment
        values = {
            self.CRN: c.crn,
            self.NAME: c.name,
            self.SENTENCE: sentence_label(c.sentence_type),
            self.START: fmt_date(c.clock_start),
            self.DAYS: str(row.clock.days_elapsed),
            self.DEADLINE: fmt_date(row.clock.deadline),
            self.DUE: status_text(row.clock),
            self.FIRST: f"{fmt_date(first.due)} ({first.basis})" if first else "on release",
            self.TIER: c.risk.tier or "Untiered",
            self.ROSH: rosh_label(c.risk.rosh),
            self.PREVIOUS: name_grade(c.previous.name, c.previous.grade) if c.previous else "",
        }
        return values[col]

    def sort_value(self, row: QueueItem, col: int) -> Any:
        if col in (self.START, self.DAYS, self.DEADLINE, self.DUE):
            return row.case.clock_start
        return self.display(row, col)

    def decorate(self, row: QueueItem, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and col in (self.DEADLINE, self.DUE):
            return CLOCK_BACKGROUNDS[row.clock.state]
        if role == Qt.ItemDataRole.BackgroundRole and col == self.FIRST and row.first_appointment:
            return CLOCK_BACKGROUNDS[row.first_appointment.state]
        if role == Qt.ItemDataRole.ForegroundRole and col in (self.DEADLINE, self.DUE):
            return QBrush(QColor("#000000"))
        if role == Qt.ItemDataRole.ForegroundRole and col == self.ROSH:
            return HIGH_RISK if row.case.risk.rosh in ("HIGH", "VERY_HIGH") else None
        if role == Qt.ItemDataRole.ToolTipRole and col in (self.DEADLINE, self.DUE):
            return clock_text(row.clock)
        return None

    def row_of(self, person_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.case.person_id == person_id), None)


class ReviewModel(ListTableModel[ReviewRow]):
    """Allocated cases to look at again: a tier rise, a case outside its grade (TOM 777)."""

    COLUMNS = ("Raised", "CRN", "Name", "Review", "Practitioner", "Tier", "RoSH", "Detail")
    RAISED, CRN, NAME, KIND, HOLDER, TIER, ROSH, DETAIL = range(8)

    def display(self, row: ReviewRow, col: int) -> str:
        c = row.case
        values = {
            self.RAISED: fmt_date(row.raised_on),
            self.CRN: c.crn,
            self.NAME: c.name,
            self.KIND: row.kind_label,
            self.HOLDER: name_grade(c.holder.name, c.holder.grade) if c.holder else "Unallocated",
            self.TIER: c.risk.tier or "Untiered",
            self.ROSH: rosh_label(c.risk.rosh),
            self.DETAIL: row.detail,
        }
        return values[col]

    def sort_value(self, row: ReviewRow, col: int) -> Any:
        return row.raised_on if col == self.RAISED else self.display(row, col)

    def decorate(self, row: ReviewRow, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and col == self.DETAIL:
            return row.detail
        return None

    def row_of(self, review_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.review_id == review_id), None)


class CandidateModel(ListTableModel[CandidateRow]):
    """Practitioners ranked for the chosen case; outside-policy rows last and greyed."""

    COLUMNS = (
        "Rank",
        "Practitioner",
        "Grade",
        "POD",
        "Capacity",
        "Last 7 days",
        "High / ML",
        "Reasons",
    )
    RANK, NAME, GRADE, POD, CAPACITY, RECENT, MIX, REASONS = range(8)
    HEADER_TIPS: ClassVar[dict[int, str]] = {
        CAPACITY: "Capacity now -> after this case (DOMAIN.md 4a)",
        RECENT: "Cases allocated to them in the last 7 days",
        MIX: "High and medium/low RoSH cases now -> after this case (TOM 817)",
        REASONS: "Why they are ranked here; outside-policy choices come last",
    }

    def display(self, row: CandidateRow, col: int) -> str:
        r, p = row.ranked, row.practitioner
        values = {
            self.RANK: str(r.rank),
            self.NAME: r.name,
            self.GRADE: grade_short(p.grade),
            self.POD: p.pod_name or p.team_name,
            self.CAPACITY: r.capacity_text,
            self.RECENT: str(p.allocated_last_7_days),
            self.MIX: mix_text(r.mix_now, r.mix_after),
            self.REASONS: reasons_text(r.reasons),
        }
        return values[col]

    def sort_value(self, row: CandidateRow, col: int) -> Any:
        if col == self.RANK:
            return row.ranked.rank
        if col == self.CAPACITY:
            return row.ranked.capacity_after if row.ranked.capacity_after is not None else 1e9
        if col == self.RECENT:
            return row.practitioner.allocated_last_7_days
        return self.display(row, col)

    def decorate(self, row: CandidateRow, col: int, role: int) -> Any:
        r = row.ranked
        if role == Qt.ItemDataRole.ForegroundRole:
            if not r.within_policy:
                return GREYED
            if col == self.CAPACITY and r.capacity_after is not None and r.capacity_after > 100:
                return OVER_CAPACITY
        if role == Qt.ItemDataRole.FontRole and r.outside_policy:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(r.reasons) or None
        return None

    def row_of(self, staff_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.ranked.staff_id == staff_id), None)


class RecentModel(ListTableModel[RecentAllocation]):
    """The team's allocations of the last 30 days: who, to whom, when, outside policy?"""

    COLUMNS = (
        "Date",
        "CRN",
        "Name",
        "Practitioner",
        "Team / POD",
        "By",
        "Reason",
        "Outside policy",
        "Note",
    )
    DATE, CRN, NAME, PRACTITIONER, PLACE, BY, REASON, OUTSIDE, NOTE = range(9)

    def display(self, row: RecentAllocation, col: int) -> str:
        values = {
            self.DATE: fmt_date(row.start_date),
            self.CRN: row.crn,
            self.NAME: row.name,
            self.PRACTITIONER: name_grade(row.practitioner, row.grade),
            self.PLACE: " / ".join(x for x in (row.team_name, row.pod_name) if x),
            self.BY: row.allocated_by or "–",
            self.REASON: row.reason,
            self.OUTSIDE: f"Yes: {row.policy_reason}" if row.outside_policy else "No",
            self.NOTE: row.note,
        }
        return values[col]

    def sort_value(self, row: RecentAllocation, col: int) -> Any:
        return row.start_date if col == self.DATE else self.display(row, col)

    def decorate(self, row: RecentAllocation, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and col == self.OUTSIDE and row.outside_policy:
            return OVER_CAPACITY
        if role == Qt.ItemDataRole.ToolTipRole and col in (self.OUTSIDE, self.NOTE):
            return self.display(row, col)
        return None
