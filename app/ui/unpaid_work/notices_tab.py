"""Enforceable outcomes the practitioner must be told of within one business day."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.unpaid_work import attendance
from app.services.unpaid_work.attendance import PractitionerNotice
from app.ui.context import AppContext
from app.ui.formatting import fmt_date
from app.ui.permissions import allowed
from app.ui.unpaid_work.standdowns_tab import read_only_table

COLUMNS = ("Tell by", "Person", "Outcome", "Session", "")


class NoticesTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.notices: list[PractitionerNotice] = []
        self.table = read_only_table(COLUMNS, self.tr("Outcomes to pass to the practitioner"))
        told = QPushButton(self.tr("The practitioner has been &told"))
        told.clicked.connect(self.mark_told)
        allowed(told, self.ctx.actor, attendance.mark_notified)
        buttons = QHBoxLayout()
        buttons.addWidget(told)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        if self.ctx.pdu is not None:
            self.ctx.ops.read(
                attendance.practitioner_notices, self.ctx.actor, self.ctx.pdu.id
            ).then(self._show)

    def _show(self, notices: list[PractitionerNotice]) -> None:
        self.notices = notices
        self.table.setRowCount(len(notices))
        for r, n in enumerate(notices):
            cells = [
                fmt_date(n.due),
                f"{n.name} ({n.crn})",
                n.outcome_label,
                f"{n.project}, {fmt_date(n.session_day)}",
                "Overdue" if n.overdue else "",
            ]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def mark_told(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.notices):
            self.ctx.ops.write(attendance.mark_notified, self.notices[row].attendance_id).start()
