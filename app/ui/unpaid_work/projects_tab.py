"""The PDU's unpaid work projects: add, change, and make their sessions."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.unpaid_work import projects
from app.services.unpaid_work.projects import ProjectView
from app.ui.context import AppContext
from app.ui.permissions import allowed
from app.ui.unpaid_work.dialogs import DAY_LABELS, ProjectDialog, RangeDialog
from app.ui.unpaid_work.standdowns_tab import read_only_table

COLUMNS = ("Code", "Name", "Type", "Places", "Days", "Times", "Women only", "High RoSH", "Active")


def _yes(value: bool) -> str:
    return "Yes" if value else ""


class ProjectsTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.projects: list[ProjectView] = []
        self.table = read_only_table(COLUMNS, self.tr("Projects"))
        self.table.doubleClicked.connect(lambda _i: self.edit_project())
        buttons = QHBoxLayout()
        for text, slot, service in (
            ("&New project…", self.new_project, projects.save_project),
            ("&Change the project…", self.edit_project, projects.save_project),
            ("&Make sessions…", self.make_sessions, projects.create_sessions),
        ):
            button = QPushButton(self.tr(text))
            button.clicked.connect(slot)
            allowed(button, self.ctx.actor, service)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        if self.ctx.pdu is not None:
            self.ctx.ops.read(projects.list_projects, self.ctx.actor, self.ctx.pdu.id, False).then(
                self._show
            )

    def _show(self, found: list[ProjectView]) -> None:
        self.projects = found
        self.table.setRowCount(len(found))
        for r, p in enumerate(found):
            cells = [
                p.code,
                p.name,
                p.project_type.label,
                str(p.places),
                ",".join(DAY_LABELS[d] for d in sorted(p.days)),
                f"{p.start_time:%H:%M}-{p.end_time:%H:%M}",
                _yes(p.women_only),
                _yes(p.high_rosh_suitable),
                _yes(p.active),
            ]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def _chosen(self) -> ProjectView | None:
        row = self.table.currentRow()
        return self.projects[row] if 0 <= row < len(self.projects) else None

    def new_project(self) -> None:
        pdu = self.ctx.pdu
        dialog = ProjectDialog(None, self)
        if pdu is not None and dialog.exec():
            self.ctx.ops.write(projects.save_project, pdu.id, dialog.values()).start()

    def edit_project(self) -> None:
        pdu, chosen = self.ctx.pdu, self._chosen()
        if pdu is None or chosen is None:
            return
        dialog = ProjectDialog(chosen, self)
        if dialog.exec():
            self.ctx.ops.write(
                projects.save_project, pdu.id, dialog.values(), chosen.id, chosen.version
            ).start()

    def make_sessions(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        first = self.ctx.today
        dialog = RangeDialog(self.tr("Make sessions"), first, first + timedelta(weeks=4), self)
        if dialog.exec():
            start, end = dialog.days()
            self.ctx.ops.write(projects.create_sessions, chosen.id, start, end, None).start()
