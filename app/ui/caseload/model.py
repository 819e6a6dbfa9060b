"""The caseload table model: row ids in memory, visible rows fetched on demand.

A page of rows is read through the runner's read pool; until it arrives its
rows show "Loading…", so scrolling never waits on the database.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.services.caseload import search as caseload
from app.services.caseload.search import CaseFilter, CaseRow
from app.ui.formatting import fmt_date, grade_short, rosh_label, sentence_label, sentence_short

if TYPE_CHECKING:
    from app.services.core.store import Session

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

# (header, sort key in the caseload service)
COLUMNS: list[tuple[str, str]] = [
    ("CRN", "crn"),
    ("Name", "name"),
    ("Sentence", "sentence_type"),
    ("Sentenced", "sentence_date"),
    ("Tier", "tier"),
    ("RoSH", "rosh"),
    ("Practitioner", "practitioner"),
    ("Team", "team"),
    ("POD", "pod"),
    ("Allocated", "allocated_on"),
]
CRN, NAME, SENTENCE, SENTENCED, TIER, ROSH, PRACTITIONER, TEAM, POD, ALLOCATED = range(len(COLUMNS))
PAGE = 200
PAGES_KEPT = 20
_HIGH = QBrush(QColor("#b00020"))
_UNALLOCATED = QBrush(QColor("#8a4b00"))


Fetch = Callable[[list[int], Callable[[list[CaseRow]], None]], None]
"""Read the rows of these ids, then call back with them (on the GUI thread)."""

LOADING = "Loading…"


class CaseTableModel(QAbstractTableModel):
    """Keeps the ordered case ids; fetches a page of rows when a view asks for one."""

    def __init__(self, fetch: Fetch) -> None:
        super().__init__()
        self._fetch = fetch
        self._ids: list[int] = []
        self._total = 0
        self._pages: OrderedDict[int, list[CaseRow]] = OrderedDict()
        self._asked: set[int] = set()  # pages being read
        self._generation = 0  # a page read for older ids is dropped when it arrives

    # --- loading ----------------------------------------------------------------
    def set_ids(self, ids: list[int]) -> None:
        """Show exactly these cases, in this order."""
        self.set_first_page(ids, len(ids))

    def set_first_page(self, ids: list[int], total: int) -> None:
        """Show the first ids of a search of ``total`` rows; the rest follow."""
        self.beginResetModel()
        self._ids = ids
        self._total = total
        self._forget_pages()
        self.endResetModel()

    def set_remaining(self, ids: list[int]) -> None:
        """Every id of the search the first page came from, keeping the view where it is."""
        if len(ids) != self._total:  # the data changed in between: start again
            self.set_ids(ids)
            return
        self._ids = ids
        self._forget_pages()
        if ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(COLUMNS) - 1))

    @property
    def complete(self) -> bool:
        return len(self._ids) == self._total

    def _forget_pages(self) -> None:
        self._pages.clear()
        self._asked.clear()
        self._generation += 1

    def invalidate(self) -> None:
        """Forget fetched rows (the data changed); ids stay."""
        self._forget_pages()
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1)
            )

    def case_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_for(self, row: int) -> CaseRow | None:
        if not 0 <= row < len(self._ids):
            return None  # beyond the first page, before the rest have arrived
        page_no = row // PAGE
        page = self._pages.get(page_no)
        if page is None:
            self._ask(page_no)
            page = self._pages.get(page_no)  # an inline runner answers at once
            if page is None:
                return None
        else:
            self._pages.move_to_end(page_no)
        return page[row % PAGE]

    def is_loading(self, row: int) -> bool:
        return 0 <= row < len(self._ids) and row // PAGE not in self._pages

    def _ask(self, page_no: int) -> None:
        if page_no in self._asked:
            return
        self._asked.add(page_no)
        ids = self._ids[page_no * PAGE : (page_no + 1) * PAGE]
        generation = self._generation
        answered_now = [True]

        def arrived(page: list[CaseRow]) -> None:
            if generation != self._generation:
                return  # a new search since: these rows are not shown any more
            if len(page) != len(ids):  # a case vanished since the search: keep rows aligned
                by_id = {r.person_id: r for r in page}
                page = [by_id.get(i) or _missing(i) for i in ids]
            self._pages[page_no] = page
            self._asked.discard(page_no)
            while len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
            if not answered_now[0]:
                first = page_no * PAGE
                last = min(first + len(ids), len(self._ids)) - 1
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

        self._fetch(ids, arrived)
        answered_now[0] = False

    # --- Qt model -------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return self.tr(COLUMNS[section][0])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self.row_for(index.row())
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole and index.column() == CRN:
                return LOADING if self.is_loading(index.row()) else None
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, col)
        if role == SORT_ROLE:
            return _sort_value(row, col)
        if role == ID_ROLE:
            return row.person_id
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == ROSH and row.rosh in ("HIGH", "VERY_HIGH"):
                return _HIGH
            if col == PRACTITIONER and row.staff_id is None:
                return _UNALLOCATED
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == PRACTITIONER and row.staff_id is None:
                return self.tr("Unallocated: waiting since %s") % fmt_date(row.clock_start)
            if col == SENTENCE:
                return sentence_label(row.sentence_type)
        return None


def export_rows(
    session: Session, flt: CaseFilter, sort: str, descending: bool
) -> tuple[list[str], list[list[str]]]:
    """Every case of the search as the table shows it, for Export to Excel (run off the GUI).

    Only pure formatting happens here: the runner gives the session.
    """
    ids = caseload.search(session, flt, sort, descending)
    out: list[list[str]] = []
    for start in range(0, len(ids), 2000):
        for row in caseload.rows(session, ids[start : start + 2000]):
            out.append([_display(row, col) for col in range(len(COLUMNS))])
    return [title for title, _key in COLUMNS], out


def _display(row: CaseRow, col: int) -> str:
    if col == CRN:
        return row.crn
    if col == NAME:
        return row.name
    if col == SENTENCE:
        return sentence_short(row.sentence_type)
    if col == SENTENCED:
        return fmt_date(row.sentence_date)
    if col == TIER:
        return row.tier or "Untiered"
    if col == ROSH:
        return rosh_label(row.rosh)
    if col == PRACTITIONER:
        if row.staff_id is None:
            return "Unallocated"
        return f"{row.practitioner_name} ({grade_short(row.practitioner_grade)})"
    if col == TEAM:
        return row.team_name
    if col == POD:
        return row.pod_name
    if col == ALLOCATED:
        return fmt_date(row.allocated_on)
    return ""


def _sort_value(row: CaseRow, col: int) -> Any:
    values: dict[int, Any] = {
        CRN: row.crn,
        NAME: (row.surname.casefold(), row.forename.casefold()),
        SENTENCE: row.sentence_type,
        SENTENCED: row.sentence_date,
        TIER: row.tier or "",
        ROSH: row.rosh or "",
        PRACTITIONER: row.practitioner_name,
        TEAM: row.team_name,
        POD: row.pod_name,
        ALLOCATED: row.allocated_on or date.min,
    }
    return values.get(col)


def _missing(person_id: int) -> CaseRow:
    return CaseRow(
        person_id,
        "",
        "(removed)",
        "",
        "",
        date.min,
        None,
        None,
        date.min,
        None,
        None,
        None,
        None,
        "",
        None,
        "",
        "",
        None,
        False,
        0,
        0,
    )
