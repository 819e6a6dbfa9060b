"""The unpaid work screen (SPEC.md 4.5): schedule, stand-downs, projects, people, notices."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.services.core.changes import ChangeSet, Kind
from app.services.core.reference import PduInfo
from app.services.unpaid_work.standdowns import StandDownResult
from app.ui.context import AppContext
from app.ui.unpaid_work.notices_tab import NoticesTab
from app.ui.unpaid_work.person_tab import PersonTab
from app.ui.unpaid_work.projects_tab import ProjectsTab
from app.ui.unpaid_work.schedule_tab import ScheduleTab
from app.ui.unpaid_work.standdowns_tab import StandDownsTab

WATCHED = (
    Kind.UPW_REQUIREMENT,
    Kind.UPW_PROJECT,
    Kind.UPW_SESSION,
    Kind.UPW_PLACEMENT,
    Kind.UPW_ATTENDANCE,
    Kind.UPW_STAND_DOWN,
    Kind.STAFF,
    Kind.CASE,
    Kind.EVENT,
    Kind.SETTING,
)


class UnpaidWorkScreen(QWidget):
    """Tabs over one PDU's unpaid work; each reloads when a write touches unpaid work."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.schedule = ScheduleTab(ctx)
        self.standdowns = StandDownsTab(ctx)
        self.projects = ProjectsTab(ctx)
        self.person = PersonTab(ctx)
        self.notices = NoticesTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Unpaid work"))
        for widget, title in (
            (self.schedule, "Weekly schedule"),
            (self.standdowns, "Stand-downs"),
            (self.projects, "Projects"),
            (self.person, "People"),
            (self.notices, "Tell the practitioner"),
        ):
            self.tabs.addTab(widget, self.tr(title))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self.schedule.stood_down.connect(self._stood_down)
        ctx.broadcast.pdu_changed.connect(self._pdu_changed)
        ctx.broadcast.data_changed.connect(self._data_changed)
        self.refresh()

    def refresh(self) -> None:
        """Reload the tab showing (the others reload when shown)."""
        current = self.tabs.currentWidget()
        if isinstance(current, ScheduleTab | StandDownsTab | ProjectsTab | PersonTab | NoticesTab):
            current.refresh()

    @Slot(object)
    def _pdu_changed(self, _pdu: PduInfo) -> None:
        self.refresh()

    @Slot(object)
    def _data_changed(self, changes: ChangeSet) -> None:
        if changes.touches(*WATCHED):
            self.refresh()

    def _stood_down(self, result: StandDownResult) -> None:
        """After a stand-down, the people to rebook are the next thing to do."""
        self.tabs.setCurrentWidget(self.standdowns)
        if result.to_rebook:
            self.standdowns.choose_person(result.to_rebook[0].placement_id)
