"""The VLO's queue as a tree: overdue, due this week, later, each with its tasks."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from app.domain.victims_task_types import QueueGroup
from app.services.victims.tasks import Queue, QueueRow
from app.ui.formatting import fmt_date

HEADERS = ("Due", "Days overdue", "Task", "Victim", "Case", "CRN", "Person", "VLO")
DUE, OVERDUE, TASK, VICTIM, CASE, CRN, PERSON, VLO = range(len(HEADERS))
TASK_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
SEALED = "(open victims' details to see)"


def _item(text: str, sort: object, task_id: int | None) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    item.setData(sort, SORT_ROLE)
    if task_id is not None:
        item.setData(task_id, TASK_ROLE)
    return item


class QueueModel(QStandardItemModel):
    """Group rows at the top level (spanning), task rows beneath them; ``rows`` by task id."""

    def __init__(self) -> None:
        super().__init__(0, len(HEADERS))
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.setSortRole(SORT_ROLE)
        self.rows: dict[int, QueueRow] = {}

    def show(self, queue: Queue) -> None:
        self.removeRows(0, self.rowCount())
        self.rows = {r.task_id: r for r in queue.rows}
        for group in QueueGroup:
            members = [r for r in queue.rows if r.group is group]
            heading = _item(f"{group.label} ({len(members)})", list(QueueGroup).index(group), None)
            heading.setData(group.value, Qt.ItemDataRole.AccessibleTextRole)
            for r in members:
                heading.appendRow(self._row(r, queue.names_open))
            self.appendRow([heading, *(_item("", 0, None) for _ in HEADERS[1:])])

    def _row(self, r: QueueRow, names_open: bool) -> list[QStandardItem]:
        victim = r.victim_name if names_open else (SEALED if r.victim_id is not None else "")
        if r.victim_id is None:
            victim = "The case"
        values: list[tuple[str, object]] = [
            (fmt_date(r.due), r.due.toordinal()),
            (str(r.days_overdue) if r.days_overdue else "", r.days_overdue),
            (r.task_label, r.task_label),
            (victim, victim.casefold()),
            (r.vcs_case_ref, r.vcs_case_ref),
            (r.crn, r.crn),
            (r.person_name, r.person_name.casefold()),
            (r.vlo_name, r.vlo_name.casefold()),
        ]
        items = [_item(text, sort, r.task_id) for text, sort in values]
        items[TASK].setToolTip(r.detail)
        return items

    def forget(self) -> None:
        """Drop every row (and so every decrypted name) held here."""
        self.removeRows(0, self.rowCount())
        self.rows = {}
