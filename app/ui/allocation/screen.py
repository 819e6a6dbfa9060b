"""The Allocation screen (SPEC.md 4.3): allocate new cases within 5 working days (TOM 775).

Four tabs: the allocation desk (queue, reviews, ranked practitioners,
drill-down), the team's allocations of the last 30 days (the team chosen in
the desk's team filter; an SPO starts on their own), the teams, PODs and
practitioners with their capacity, and the decisions to enter in NDelius.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from app.domain.workload import WorkloadSettings
from app.services.allocation import views as alloc_views
from app.services.allocation.views import PodTeamView, RecentAllocation
from app.services.core.changes import ChangeSet, Kind
from app.services.core.reference import PduInfo
from app.services.core.settings import workload_settings
from app.ui.allocation.desk import AllocationDesk
from app.ui.allocation.models import RecentModel
from app.ui.allocation.ndelius import NdeliusPanel
from app.ui.allocation.panels import PodTeamTree, make_table
from app.ui.context import AppContext

WATCHED = (
    Kind.CASE,
    Kind.ALLOCATION,
    Kind.STAFF,
    Kind.TEAM,
    Kind.POD,
    Kind.TIER,
    Kind.REVIEW,
    Kind.REDUCTION,
    Kind.SETTING,
)


class AllocationScreen(QWidget):
    """The SPO's allocation desk, the last 30 days, and the PODs and teams."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setAccessibleName(self.tr("Allocation"))
        self.recent_model = RecentModel()
        self._stale = {1: True, 2: True, 3: True}
        self._build()
        self._connect()
        self.desk.clear()
        self.refresh()

    # --- building ------------------------------------------------------------------
    def _build(self) -> None:
        self.desk = AllocationDesk(self.ctx)
        self.recent_view = make_table(
            self.recent_model,
            self.tr("Allocations of the last 30 days"),
            {
                RecentModel.NAME: 150,
                RecentModel.PRACTITIONER: 180,
                RecentModel.PLACE: 200,
                RecentModel.BY: 150,
                RecentModel.NOTE: 260,
            },
        )
        self.recent_label = QLabel()
        self.recent_label.setAccessibleName(self.tr("Which team's allocations"))
        self.recent_label.setWordWrap(True)
        recent = QWidget()
        recent_layout = QVBoxLayout(recent)
        recent_layout.setContentsMargins(0, 0, 0, 0)
        recent_layout.addWidget(self.recent_label)
        recent_layout.addWidget(self.recent_view, 1)
        self.pod_tree = PodTeamTree()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Allocation views"))
        self.tabs.addTab(self.desk, self.tr("Allocation &desk"))
        self.tabs.addTab(recent, self.tr("Last &30 days"))
        self.tabs.addTab(self.pod_tree, self.tr("P&ODs and teams"))
        self.ndelius = NdeliusPanel(self.ctx)
        self.tabs.addTab(self.ndelius, self.tr("To enter in &NDelius"))
        self.refresh_action = QAction(self.tr("&Refresh"), self)
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.refresh_action.setStatusTip(self.tr("Read the queue and the practitioners again"))
        self.addAction(self.refresh_action)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def _connect(self) -> None:
        self.refresh_action.triggered.connect(self.refresh)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.desk.team_changed.connect(self._team_changed)
        self.ctx.broadcast.pdu_changed.connect(self._pdu_changed)
        self.ctx.broadcast.data_changed.connect(self._data_changed)

    # --- behaviour -------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Reload what is shown; the other tabs reload when next opened."""
        self._stale = {1: True, 2: True, 3: True}
        if self.ctx.pdu is not None:
            self.ctx.ops.read(workload_settings, self.ctx.today, self.ctx.pdu.id).then(
                self._set_settings
            )
        self.desk.refresh()
        self._tab_shown(self.tabs.currentIndex())

    def _set_settings(self, settings: WorkloadSettings) -> None:
        """The capacity limits in force, for the colours of capacities (one rule everywhere)."""
        self.desk.candidate_model.set_settings(settings)
        self.pod_tree.set_settings(settings)

    @Slot(int)
    def _tab_shown(self, index: int) -> None:
        pdu = self.ctx.pdu
        if pdu is None or not self._stale.get(index):
            return
        self._stale[index] = False
        if index == 1:
            team = self.desk.team_id()
            self.recent_label.setText(self._recent_heading(team))
            self.ctx.ops.read(
                alloc_views.team_allocations, pdu.id, self.ctx.today, team_id=team
            ).then(self._show_recent)
        elif index == 2:
            self.ctx.ops.read(alloc_views.pod_team_view, pdu.id, self.ctx.today).then(
                self._show_pods
            )
        elif index == 3:
            self.ndelius.refresh()

    def _recent_heading(self, team_id: int | None) -> str:
        if team_id is None:
            return self.tr(
                "Allocations of the last 30 days to practitioners of every team "
                "(choose a team in the allocation desk's team filter)."
            )
        return (
            self.tr(
                "Allocations of the last 30 days to practitioners of %s "
                "(the team chosen in the allocation desk's team filter)."
            )
            % self.desk.team_name()
        )

    def _show_recent(self, rows: list[RecentAllocation]) -> None:
        self.recent_model.set_rows(rows)

    def _show_pods(self, teams: list[PodTeamView]) -> None:
        self.pod_tree.show_teams(teams)

    @Slot(object)
    def _team_changed(self, _team_id: int | None) -> None:
        """The last 30 days follow the desk's team filter."""
        self._stale[1] = True
        self._tab_shown(self.tabs.currentIndex())

    @Slot(object)
    def _pdu_changed(self, _pdu: PduInfo) -> None:
        self.desk.clear()
        self.refresh()

    @Slot(object)
    def _data_changed(self, changes: ChangeSet) -> None:
        """The desk updates the rows the change names; the other tabs reload when opened."""
        if changes.touches(Kind.DECISION):
            self._stale[3] = True
        if not changes.touches(*WATCHED):
            self._tab_shown(self.tabs.currentIndex())
            return
        self._stale = {1: True, 2: True, 3: True}
        if changes.touches(Kind.SETTING) and self.ctx.pdu is not None:
            self.ctx.ops.read(workload_settings, self.ctx.today, self.ctx.pdu.id).then(
                self._set_settings
            )
        self.desk.apply_changes(changes)
        self._tab_shown(self.tabs.currentIndex())
