"""Administration driven like a Head of PDU: users, the audit log, settings beside them."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.db.models import AppUser, AuditEntry
from app.domain.codes import Role
from app.services.core import audit
from app.ui.admin.audit_detail import AuditDetailDialog
from app.ui.admin.screen import AdminScreen
from app.ui.admin.user_dialog import UserDialog
from app.ui.app import build_window
from app.ui.settings.dialog import SettingsPanel
from tests import factories as f
from tests.ui.helpers import signed_in, when_modal


def _screen(qtbot: Any, store: Any) -> tuple[Any, AdminScreen]:
    window = build_window(
        store, signed_in(store, username="head", name="Hana Head"), inline_ops=True
    )
    qtbot.addWidget(window)
    window.show()
    screen = window.open_screen("Administration")
    assert isinstance(screen, AdminScreen)
    return window, screen


def test_the_head_adds_a_user_then_disables_them(qtbot: Any, store: Any) -> None:
    _window, screen = _screen(qtbot, store)
    users = screen.users
    assert [u.username for u in users.users] == ["head"]

    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, UserDialog)
        dialog.username_edit.setText("ada.admin")
        dialog.name_edit.setText("Ada Admin")
        dialog.role_boxes[Role.ADMIN].setChecked(True)
        dialog.role_boxes[Role.UPW_MANAGER].setChecked(True)
        dialog.password_edit.setText("a long and unusual passphrase")
        dialog.again_edit.setText("a long and unusual passphrase")
        return True

    users.ask = fill
    users.add_action.trigger()
    assert [u.username for u in users.users] == ["ada.admin", "head"]
    users.choose("ada.admin")
    row = users.table.currentRow()
    assert users.table.item(row, 2).text() == "Case administrator, Unpaid work manager"
    assert users.table.item(row, 3).text() == "17. Leeds"
    assert users.table.item(row, 6).text() == "Must change password"
    users.disable_action.trigger()
    users.choose("ada.admin")
    assert users.table.item(users.table.currentRow(), 6).text() == "Disabled"
    assert users.disable_action.text() == "&Enable"
    with store.sessions() as session:
        ada = session.scalar(select(AppUser).where(AppUser.username == "ada.admin"))
        assert ada is not None and not ada.active

    users.choose("head")
    users.disable_action.trigger()
    assert "cannot disable your own account" in users.message.text()


def test_the_audit_log_filters_opens_an_entry_and_exports_privately(
    qtbot: Any, store: Any, tmp_path: Path
) -> None:
    with store.sessions.begin() as session:
        case = f.case(session, f.pdu(session).id)
        crn = case.crn
        someone = f.actor(session, Role.ADMIN, username="ada")
        audit.record(
            session,
            someone,
            "case.allocated",
            "case",
            crn,
            summary=f"{crn} allocated",
            after={"practitioner": "Priya Shah"},
        )
    window, screen = _screen(qtbot, store)
    log = screen.audit
    assert log.model.rowCount() == 1
    assert log.user_box.findData("ada") > 0 and log.user_box.findData("head") == -1
    log.record_edit.setText("X999999")
    log.search()
    assert log.count_label.text() == "No entries match."
    log.user_box.setCurrentIndex(log.user_box.findData("ada"))
    log.record_edit.setText(crn)
    log.search()
    assert log.model.rows[0].action == "Case allocated"
    log.table.selectRow(0)
    seen: dict[str, Any] = {}

    def read(dialog: Any) -> None:
        assert isinstance(dialog, AuditDetailDialog)
        item = dialog.changes.item(0, 2)
        seen["after"] = item.text() if item else ""
        qtbot.mouseClick(dialog.case_button, Qt.MouseButton.LeftButton)

    when_modal(read, AuditDetailDialog)
    log.open_entry()
    assert seen["after"] == "Priya Shah"
    caseload = window.open_screen("Caseload")
    assert window.stack.currentWidget() is caseload
    assert caseload.search_box.text() == crn  # type: ignore[attr-defined]

    log.choose_file = lambda suffix, name: str(tmp_path / "log")
    log.export(".xlsx")
    exported = tmp_path / "log.xlsx"
    assert exported.exists() and log.last_export == exported
    if os.name == "posix":
        assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    with store.sessions() as session:
        actions = list(session.scalars(select(AuditEntry.action)))
    assert actions[-1] == "audit.exported"


def test_the_settings_sit_beside_the_users_and_the_log(qtbot: Any, store: Any) -> None:
    _window, screen = _screen(qtbot, store)
    tabs = [screen.tabs.tabText(i) for i in range(screen.tabs.count())]
    assert tabs == ["&Users", "Audit &log", "Se&ttings"]
    assert isinstance(screen.settings, SettingsPanel) and screen.settings.can_edit
