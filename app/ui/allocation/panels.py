"""Widgets of the allocation desk: a table helper and the teams -> PODs -> practitioners tree."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
)

from app.services.allocation import PodTeamView
from app.services.workload import PractitionerSummary
from app.ui.formatting import fmt_date, grade_short

_RED = QBrush(QColor("#b00020"))


def make_table(model: QAbstractItemModel, name: str, widths: Sequence[int]) -> QTableView:
    """A read-only, row-selecting table with an accessible name."""
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
    for col, width in enumerate(widths):
        table.setColumnWidth(col, width)
    return table


def _percent(value: float | None) -> str:
    return "no hours" if value is None else f"{value:.0f}%"


class PodTeamTree(QTreeWidget):
    """Teams, their PODs and practitioners, each with capacity (SPEC.md 4.3; TOM 855)."""

    HEADERS = (
        "Team / POD / practitioner",
        "Grade",
        "Cases",
        "High / medium-low",
        "Capacity",
        "Last 7 days",
        "Last allocated",
    )

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName(self.tr("Teams, PODs and practitioners"))
        self.setColumnCount(len(self.HEADERS))
        self.setHeaderLabels([self.tr(h) for h in self.HEADERS])
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((360, 70, 60, 130, 90, 90, 110)):
            self.setColumnWidth(col, width)

    def show_teams(self, teams: list[PodTeamView]) -> None:
        self.clear()
        for team in teams:
            people = team.practitioners
            title = f"{team.name} (SPO {team.spo_name})" if team.spo_name else team.name
            top = QTreeWidgetItem(
                self,
                [
                    title,
                    "",
                    str(sum(p.load.cases for p in people)),
                    "",
                    _percent(team.capacity_percent),
                    "",
                    "",
                ],
            )
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for pod in team.pods:
                pod_item = QTreeWidgetItem(
                    top,
                    [
                        pod.name,
                        "",
                        str(sum(p.load.cases for p in pod.practitioners)),
                        "",
                        _percent(pod.capacity_percent),
                        "",
                        "",
                    ],
                )
                for p in pod.practitioners:
                    self._practitioner(pod_item, p)
                pod_item.setExpanded(True)
            top.setExpanded(True)

    def _practitioner(self, parent: QTreeWidgetItem, p: PractitionerSummary) -> None:
        item = QTreeWidgetItem(
            parent,
            [
                p.name,
                grade_short(p.grade),
                str(p.load.cases),
                f"{p.load.high_cases} / {p.load.medium_low_cases}",
                _percent(p.capacity_percent),
                str(p.allocated_last_7_days),
                fmt_date(p.last_allocated_on),
            ],
        )
        item.setData(0, Qt.ItemDataRole.UserRole, p.staff_id)
        if p.capacity_percent is not None and p.capacity_percent > 100:
            item.setForeground(4, _RED)
