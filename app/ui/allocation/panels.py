"""Widgets of the allocation desk: a table helper and the teams -> PODs -> practitioners tree."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
)

from app.domain.workload import DEFAULT_SETTINGS, WorkloadSettings
from app.services.allocation.views import PodTeamView
from app.services.teams.workload import PractitionerSummary
from app.ui.formatting import (
    capacity_look,
    capacity_rule,
    count_label,
    fmt_date,
    grade_label,
    grade_short,
    mean_capacity,
)
from app.ui.widgets.columns import Caps, fit_columns


def make_table(model: QAbstractItemModel, name: str, caps: Caps | None = None) -> QTableView:
    """A read-only, row-selecting table with an accessible name.

    Its columns fit their header and rows each time the rows change; ``caps``
    limits the free-text ones (names, notes), which may elide.
    """
    table = QTableView()
    table.setAccessibleName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    limits = dict(caps or {})
    model.modelReset.connect(lambda: fit_columns(table, caps=limits))
    model.rowsInserted.connect(lambda *_: fit_columns(table, caps=limits))
    fit_columns(table, caps=limits)
    return table


def group_capacity(
    people: Sequence[PractitionerSummary], pooled: float | None, what: str
) -> tuple[float | None, str]:
    """A POD's or team's capacity: the mean of its practitioners' with hours, and why.

    The pooled figure (all points held over all available points) counts the
    cases of an absent practitioner but not their hours, so one absence lifts
    it above every member's own figure; the mean does not, and the tooltip
    gives both.
    """
    mean = mean_capacity(p.capacity_percent for p in people)
    absent = [p.name for p in people if p.capacity_percent is None]
    counted = len(people) - len(absent)
    if mean is None:
        return None, f"No practitioner in this {what} has available hours this week"
    tip = [f"Mean capacity of the {count_label(counted, 'practitioner')} with hours this week"]
    if absent:
        tip.append(f"Absent, not counted: {', '.join(absent)}")
    if pooled is not None:
        tip.append(
            f"All the {what}'s points held over all its available points: {pooled:.0f}%"
            + (" (absent practitioners' cases count, their hours do not)" if absent else "")
        )
    return mean, "\n".join(tip)


class PodTeamTree(QTreeWidget):
    """Teams, their PODs and practitioners, each with capacity (SPEC.md 4.3; TOM 855).

    A practitioner's capacity is their own; a POD's or team's is the mean of
    its practitioners' with hours ("mean 85%"), as :func:`group_capacity` says.
    """

    HEADERS = (
        "Team / POD / practitioner",
        "Grade",
        "Cases",
        "High / Med-Low RoSH",
        "Capacity",
        "Last 7 days",
        "Last allocated",
    )
    NAME, GRADE, CASES, MIX, CAPACITY, RECENT, LAST = range(7)
    TIPS = (
        "Teams, their PODs, and the practitioners in each",
        "PO: Probation Officer; PQiP: trainee PO; PSO: Probation Services Officer",
        "Active cases held",
        "Cases held of High or Very High RoSH / of Medium or Low RoSH",
        "Points held as a share of the points their available hours allow; "
        "for a POD or team, the mean of its practitioners'",
        "Cases allocated in the last 7 days",
        "When they were last allocated a case",
    )

    def __init__(self) -> None:
        super().__init__()
        self.settings: WorkloadSettings = DEFAULT_SETTINGS
        self.teams: list[PodTeamView] = []
        self.setAccessibleName(self.tr("Teams, PODs and practitioners"))
        self.setColumnCount(len(self.HEADERS))
        self.setHeaderLabels([self.tr(h) for h in self.HEADERS])
        self._header_tips()
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((360, 70, 60, 150, 130, 90, 110)):
            self.setColumnWidth(col, width)

    def _header_tips(self) -> None:
        header = self.headerItem()
        for col, tip in enumerate(self.TIPS):
            text = self.tr(tip)
            if col == self.CAPACITY:
                text += f". {capacity_rule(self.settings)}"
            header.setToolTip(col, text)

    def set_settings(self, settings: WorkloadSettings) -> None:
        """The workload settings in force: the capacity limits shown red and flagged."""
        if settings == self.settings:
            return
        self.settings = settings
        self._header_tips()
        if self.teams:
            self.show_teams(self.teams)

    def show_teams(self, teams: list[PodTeamView]) -> None:
        self.teams = list(teams)
        self.clear()
        for team in teams:
            title = f"{team.name} (SPO {team.spo_name})" if team.spo_name else team.name
            top = self._group(self, title, team.practitioners, team.capacity_percent, "team")
            font = top.font(self.NAME)
            font.setBold(True)
            top.setFont(self.NAME, font)
            for pod in team.pods:
                what = "POD" if pod.pod_id is not None else "group"
                pod_item = self._group(top, pod.name, pod.practitioners, pod.capacity_percent, what)
                for p in pod.practitioners:
                    self._practitioner(pod_item, p)
                pod_item.setExpanded(True)
            top.setExpanded(True)

    def _group(
        self,
        parent: QTreeWidget | QTreeWidgetItem,
        title: str,
        people: Sequence[PractitionerSummary],
        pooled: float | None,
        what: str,
    ) -> QTreeWidgetItem:
        cases = str(sum(p.load.cases for p in people))
        item = QTreeWidgetItem(parent, [title, "", cases, "", "", "", ""])
        mean, tip = group_capacity(people, pooled, what)
        look = capacity_look(mean, self.settings)
        look.apply(item, self.CAPACITY)
        if mean is not None:
            item.setText(self.CAPACITY, f"mean {look.text}")
        item.setToolTip(self.CAPACITY, tip + (f"\n{look.tooltip}" if look.tooltip else ""))
        return item

    def _practitioner(self, parent: QTreeWidgetItem, p: PractitionerSummary) -> None:
        item = QTreeWidgetItem(
            parent,
            [
                p.name,
                grade_short(p.grade),
                str(p.load.cases),
                f"{p.load.high_cases} / {p.load.medium_low_cases}",
                "",
                str(p.allocated_last_7_days),
                fmt_date(p.last_allocated_on),
            ],
        )
        item.setData(0, Qt.ItemDataRole.UserRole, p.staff_id)
        item.setToolTip(self.GRADE, grade_label(p.grade))
        capacity_look(p.capacity_percent, self.settings).apply(item, self.CAPACITY)
