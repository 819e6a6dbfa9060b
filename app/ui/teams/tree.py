"""The teams tree: teams, their PODs, and the people in each (SPEC.md 3; TOM 855-860)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QTreeWidgetItemIterator

from app.domain.codes import Grade
from app.domain.workload import DEFAULT_SETTINGS, WorkloadSettings
from app.services.teams.organisation import MemberView, TeamsView
from app.ui.formatting import capacity_look, capacity_rule, grade_short

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
MEMBER_ROLE = Qt.ItemDataRole.UserRole + 2
HEADERS = ("Team, POD or person", "Grade", "Hours", "Hours off", "Cases", "Capacity")
NAME, GRADE, HOURS, REDUCED, CASES, CAPACITY = range(len(HEADERS))
Key = tuple[str, int]
"""What a row is: ("team", id), ("pod", id), ("member", staff id) or ("group", n).

Stored in the item as the text "kind:id" (a tuple would come back as a list)."""

TIPS = (
    "Teams, their PODs, and the people in each",
    "PO: Probation Officer; PQiP: trainee PO; PSO: Probation Services Officer",
    "Contracted hours a week",
    "Hours a week taken off by reductions and absences in force today",
    "Active cases held",
    "Points held / available points",
)
_GREY = QBrush(QColor("#6b6b6b"))


def _stored(key: Key) -> str:
    return f"{key[0]}:{key[1]}"


def _key(item: QTreeWidgetItem | None) -> Key | None:
    stored = None if item is None else item.data(NAME, KEY_ROLE)
    if not isinstance(stored, str):
        return None
    kind, _, ident = stored.partition(":")
    return kind, int(ident)


def _grade(code: str) -> str:
    """PO, PQiP, PSO; other grades by name ("Case administrator")."""
    return grade_short(code) if Grade(code).is_practitioner else Grade(code).label


def _hours(value: float) -> str:
    return f"{value:g}"


class TeamsTree(QTreeWidget):
    """Shows a :class:`TeamsView`; keeps the chosen row across reloads."""

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName(self.tr("Teams, PODs and their members"))
        self.settings: WorkloadSettings = DEFAULT_SETTINGS
        self.view: TeamsView | None = None
        self.setColumnCount(len(HEADERS))
        self.setHeaderLabels([self.tr(h) for h in HEADERS])
        self._header_tips()
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        header = self.header()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(HEADERS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)

    def _header_tips(self) -> None:
        header = self.headerItem()
        for col, tip in enumerate(TIPS):
            text = self.tr(tip)
            header.setToolTip(
                col, f"{text}. {capacity_rule(self.settings)}" if col == CAPACITY else text
            )

    def set_settings(self, settings: WorkloadSettings) -> None:
        """The workload settings in force: the capacity limits shown red and flagged."""
        if settings == self.settings:
            return
        self.settings = settings
        self._header_tips()
        if self.view is not None:
            self.show_teams(self.view)

    def show_teams(self, view: TeamsView) -> None:
        self.view = view
        chosen = self.current_key()
        self.clear()
        for team in view.teams:
            spo = team.spo_name or self.tr("no SPO yet")
            item = self._group(None, f"{team.name}  ·  SPO: {spo}", ("team", team.id), bold=True)
            if team.spo is not None:
                self._member(item, team.spo)
            for pod in team.pods:
                pod_item = self._group(item, pod.name, ("pod", pod.id))
                for member in pod.members:
                    self._member(pod_item, member)
            if team.without_pod:
                loose = self._group(item, self.tr("Not in a POD"), ("group", team.id), grey=True)
                for member in team.without_pod:
                    self._member(loose, member)
        if view.without_team:
            loose = self._group(None, self.tr("Not in a team"), ("group", 0), grey=True)
            for member in view.without_team:
                self._member(loose, member)
        self.expandAll()
        if chosen is not None:
            self.select_key(chosen)

    def _group(
        self,
        parent: QTreeWidgetItem | None,
        text: str,
        key: Key,
        bold: bool = False,
        grey: bool = False,
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text]) if parent is None else QTreeWidgetItem(parent, [text])
        if parent is None:
            self.addTopLevelItem(item)
        item.setData(NAME, KEY_ROLE, _stored(key))
        item.setFirstColumnSpanned(True)
        if bold:
            font = QFont(item.font(NAME))
            font.setBold(True)
            item.setFont(NAME, font)
        if grey:
            item.setForeground(NAME, _GREY)
        return item

    def _member(self, parent: QTreeWidgetItem, m: MemberView) -> None:
        reduced = _hours(m.reduction_hours) if m.reduction_hours else ""
        cells = [m.name, _grade(m.grade), _hours(m.contracted_hours), reduced]
        cells += [str(m.cases) if m.cases else "", ""]
        item = QTreeWidgetItem(parent, cells)
        item.setData(NAME, KEY_ROLE, _stored(("member", m.staff_id)))
        item.setData(NAME, MEMBER_ROLE, m)
        item.setToolTip(NAME, f"{m.name}, {m.staff_code}")
        for col in (HOURS, REDUCED, CASES, CAPACITY):
            item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if Grade(m.grade).is_practitioner or m.capacity_percent is not None:
            capacity_look(m.capacity_percent, self.settings).apply(item, CAPACITY)

    # --- selection ---------------------------------------------------------------
    def current_key(self) -> Key | None:
        return _key(self.currentItem())

    def current_member(self) -> MemberView | None:
        item = self.currentItem()
        member = None if item is None else item.data(NAME, MEMBER_ROLE)
        return member if isinstance(member, MemberView) else None

    def team_of_current(self) -> int | None:
        """The team of the chosen row: itself, its POD's team, or its member's team."""
        item = self.currentItem()
        while item is not None:
            key = _key(item)
            if key is not None and key[0] == "team":
                return key[1]
            item = item.parent()
        return None

    def item_for(self, key: Key) -> QTreeWidgetItem | None:
        iterator = QTreeWidgetItemIterator(self)
        while iterator.value() is not None:
            item = iterator.value()
            if _key(item) == key:
                return item
            iterator += 1
        return None

    def select_key(self, key: Key) -> bool:
        item = self.item_for(key)
        if item is not None:
            self.setCurrentItem(item)
            self.scrollToItem(item)
        return item is not None
