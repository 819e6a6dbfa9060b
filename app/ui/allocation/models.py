"""The allocation desk's tables: queue, reviews, ranked practitioners, last 30 days.

Each table is short (a PDU's waiting cases, its practitioners), so each model
holds its rows; the services do the ordering (SPEC.md 4.3).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.services.allocation.queue import CandidateRow, QueueItem, ReviewRow
from app.services.allocation.views import RecentAllocation
from app.ui.allocation.text import (
    appointment_text,
    capacity_text,
    clock_text,
    mix_text,
    name_grade,
    reasons_text,
    status_text,
)
from app.ui.formatting import (
    capacity_look,
    fmt_date,
    grade_label,
    grade_short,
    rosh_label,
    sentence_label,
    sentence_short,
    without_sources,
)
from app.ui.widgets.table_model import CapacityColumnsModel, ColumnsModel

T = TypeVar("T")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

OVERDUE_BACKGROUND = QBrush(QColor("#f6c6c6"))
DUE_TODAY_BACKGROUND = QBrush(QColor("#fde7b0"))
DUE_BACKGROUND = QBrush(QColor("#d9f0d9"))
HIGH_RISK = QBrush(QColor("#b00020"))
OUTSIDE_POLICY = QBrush(QColor("#b00020"))
GREYED = QBrush(QColor("#7a7a7a"))
CLOCK_BACKGROUNDS = {
    "overdue": OVERDUE_BACKGROUND,
    "due_today": DUE_TODAY_BACKGROUND,
    "due": DUE_BACKGROUND,
}


class ListTableModel(ColumnsModel, Generic[T]):
    """A table over a list of rows; subclasses say what each column shows."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        return list(self._rows)

    def update_rows(
        self, drop: Callable[[T], bool], add: Sequence[T], key: Callable[[T], Any]
    ) -> None:
        """Remove the rows ``drop`` picks and insert ``add`` where ``key`` orders them.

        Rows are removed and inserted one by one, so a view keeps its selection
        and scroll position on the rows that stay.
        """
        for i in reversed(range(len(self._rows))):
            if drop(self._rows[i]):
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
        for row in add:
            at = bisect.bisect_right([key(r) for r in self._rows], key(row))
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, row)
            self.endInsertRows()

    def row_at(self, row: int) -> T | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

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

    # What the SPO decides on comes first; the clock's workings after.
    COLUMNS = (
        "CRN",
        "Name",
        "Sentence",
        "Tier",
        "RoSH",
        "Status",
        "Deadline",
        "Previous practitioner",
        "Days",
        "Clock start",
        "First appointment",
    )
    CRN, NAME, SENTENCE, TIER, ROSH, DUE, DEADLINE, PREVIOUS, DAYS, START, FIRST = range(11)
    HEADER_TIPS: ClassVar[dict[int, str]] = {
        CRN: "Case reference number, as in NDelius",
        NAME: "The person on probation",
        SENTENCE: "CO: Community Order; SSO: Suspended Sentence Order; "
        "PSS: Post-Sentence Supervision; Custody: pre-release",
        START: "Sentence date, or release date for licence and PSS cases",
        DAYS: "Working days since the clock start",
        DEADLINE: "Allocate within 5 working days of the clock start",
        DUE: "Working days left to allocate, or how many overdue",
        FIRST: "First appointment due: within a week of sentence, or 24 hours of release",
        TIER: "Tier: protect level A-D (risk of harm) and change level 0-3",
        ROSH: "Risk of Serious Harm",
        PREVIOUS: "The last practitioner who held the case: continuity comes first",
    }

    def display(self, row: QueueItem, col: int) -> str:
        c = row.case
        first = row.first_appointment
        values = {
            self.CRN: c.crn,
            self.NAME: c.name,
            self.SENTENCE: sentence_short(c.sentence_type),
            self.START: fmt_date(c.clock_start),
            self.DAYS: str(row.clock.days_elapsed),
            self.DEADLINE: fmt_date(row.clock.deadline),
            self.DUE: status_text(row.clock),
            self.FIRST: fmt_date(first.due) if first else "On release",
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
        if role == Qt.ItemDataRole.ToolTipRole and col == self.SENTENCE:
            return sentence_label(row.case.sentence_type)
        if role == Qt.ItemDataRole.ToolTipRole and col == self.FIRST:
            return appointment_text(row.first_appointment)
        return None

    def row_of(self, person_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.case.person_id == person_id), None)


class ReviewModel(ListTableModel[ReviewRow]):
    """Allocated cases to look at again: a tier rise, a case outside its grade (TOM 777)."""

    COLUMNS = ("Raised", "CRN", "Name", "Review", "Practitioner", "Tier", "RoSH", "Detail")
    RAISED, CRN, NAME, KIND, HOLDER, TIER, ROSH, DETAIL = range(8)
    HEADER_TIPS: ClassVar[dict[int, str]] = {
        RAISED: "When the review was raised",
        CRN: "Case reference number, as in NDelius",
        NAME: "The person on probation",
        KIND: "Why the case is to be looked at again",
        HOLDER: "Who holds the case now",
        TIER: "Tier now: protect level A-D and change level 0-3",
        ROSH: "Risk of Serious Harm",
        DETAIL: "What changed; reallocate the case, or keep it with its practitioner",
    }

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
            self.DETAIL: without_sources(row.detail),
        }
        return values[col]

    def sort_value(self, row: ReviewRow, col: int) -> Any:
        return row.raised_on if col == self.RAISED else self.display(row, col)

    def decorate(self, row: ReviewRow, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and col == self.DETAIL:
            return without_sources(row.detail)
        return None

    def row_of(self, review_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.review_id == review_id), None)


class CandidateModel(CapacityColumnsModel, ListTableModel[CandidateRow]):
    """Practitioners ranked for the chosen case; outside-policy rows last and greyed."""

    COLUMNS = (
        "Rank",
        "Practitioner",
        "Grade",
        "POD",
        "Capacity",
        "Last\n7 days",
        "High / Med-Low\nRoSH",
        "Reasons",
    )
    RANK, NAME, GRADE, POD, CAPACITY, RECENT, MIX, REASONS = range(8)
    HEADER_TIPS: ClassVar[dict[int, str]] = {
        RANK: "1 is the best fit for this case; choices outside the policy come after, "
        "and those who cannot take it now (absent, leaving, over capacity) last",
        NAME: "The practitioner",
        GRADE: "PO: Probation Officer; PQiP: trainee PO; PSO: Probation Services Officer",
        POD: "The practitioner's POD (or team when not in a POD)",
        CAPACITY: "Capacity now -> after taking this case: points held as a share of "
        "the points their available hours allow",
        RECENT: "Cases allocated to them in the last 7 days",
        MIX: "Cases they hold of High or Very High RoSH / of Medium or Low RoSH, "
        "now -> after taking this case. A PO is expected to hold a mix of both",
        REASONS: "Why they are ranked here; outside-policy choices and those who "
        "cannot take the case now come last",
    }

    def display(self, row: CandidateRow, col: int) -> str:
        r, p = row.ranked, row.practitioner
        values = {
            self.RANK: str(r.rank),
            self.NAME: r.name,
            self.GRADE: grade_short(p.grade),
            self.POD: p.pod_name or p.team_name,
            self.CAPACITY: capacity_text(r.capacity_now, r.capacity_after),
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
        look = capacity_look(r.capacity_after, self.settings)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not r.within_policy or r.unavailable:
                return GREYED
            if col == self.CAPACITY:
                return look.foreground
        italic = r.outside_policy or r.unavailable
        if role == Qt.ItemDataRole.FontRole and (italic or col == self.CAPACITY):
            font = QFont()
            font.setItalic(italic)
            font.setBold(col == self.CAPACITY and look.bold)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.GRADE:
                return grade_label(row.practitioner.grade)
            if col == self.POD:
                p = row.practitioner
                return " / ".join(x for x in (p.team_name, p.pod_name) if x) or None
            if col == self.CAPACITY and look.tooltip:
                return f"{look.tooltip} after this case"
            return "\n".join(reasons_text([x]) for x in r.reasons) or None
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
            return OUTSIDE_POLICY
        if role == Qt.ItemDataRole.ToolTipRole and col in (self.OUTSIDE, self.NOTE):
            return self.display(row, col)
        return None
