"""Administration (SPEC.md 4.8), for the Head of PDU: users, the audit log, settings."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.admin.audit_tab import AuditTab
from app.ui.admin.users_tab import UsersTab
from app.ui.context import AppContext
from app.ui.settings.dialog import SettingsPanel


class AdminScreen(QWidget):
    """Three tabs: the users and their roles, the audit log, the settings."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Administration"))
        self.users = UsersTab(ctx)
        self.audit = AuditTab(ctx)
        self.settings = SettingsPanel(ctx)
        self.tabs.addTab(self.users, self.tr("&Users"))
        self.tabs.addTab(self.audit, self.tr("Audit &log"))
        self.tabs.addTab(self.settings, self.tr("Se&ttings"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.audit.case_opened.connect(self._open_case)
        ctx.broadcast.pdu_changed.connect(lambda _pdu: self.settings.reload())
        ctx.broadcast.data_changed.connect(lambda _changes: self.audit.search())

    @Slot(int, str)
    def _open_case(self, person_id: int, crn: str) -> None:
        """Show the case an audit entry is about, in the Caseload screen."""
        window = self.window()
        open_screen = getattr(window, "open_screen", None)
        if open_screen is None:
            return
        screen = open_screen("Caseload")
        open_case = getattr(screen, "open_case", None)
        if open_case is not None:
            open_case(person_id, crn)
