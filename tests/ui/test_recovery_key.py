"""The recovery key is shown once, to the Head of PDU who first gives someone the VLO role."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from app.db.victim_models import DataKey
from app.domain.codes import Role
from app.services.core.keyring import Keyring
from app.services.victims import keys
from app.ui.admin.recovery_dialog import RecoveryKeyDialog
from app.ui.admin.screen import AdminScreen
from app.ui.admin.user_dialog import UserDialog
from app.ui.app import build_window
from tests.ui.helpers import signed_in


def _users(qtbot: Any, store: Any) -> Any:
    window = build_window(
        store, signed_in(store, username="head", name="Hana Head"), inline_ops=True
    )
    qtbot.addWidget(window)
    window.show()
    screen = window.open_screen("Administration")
    assert isinstance(screen, AdminScreen)
    return window, screen.users


def _add_vlo(users: Any, username: str, shown: list[str]) -> None:
    def answer(dialog: QDialog) -> bool:
        if isinstance(dialog, RecoveryKeyDialog):
            shown.append(dialog.key.toPlainText())
            assert "print it" in dialog.document().toPlainText()
            dialog.reject()
            assert dialog.key.toPlainText() == ""  # forgotten with the dialog
            return False
        assert isinstance(dialog, UserDialog)
        dialog.username_edit.setText(username)
        dialog.name_edit.setText(f"VLO {username}")
        dialog.role_boxes[Role.VLO].setChecked(True)
        dialog.password_edit.setText("a long and unusual passphrase")
        dialog.again_edit.setText("a long and unusual passphrase")
        return True

    users.ask = answer
    users.add_action.trigger()


def test_the_first_vlo_role_shows_the_recovery_key_once_and_it_opens_the_data_key(
    qtbot: Any, store: Any
) -> None:
    window, users = _users(qtbot, store)
    shown: list[str] = []
    _add_vlo(users, "val.vlo", shown)
    assert "val.vlo" in [u.username for u in users.users]
    assert len(shown) == 1 and len(shown[0].replace("-", "")) == 64
    _add_vlo(users, "vic.vlo", shown)
    assert len(shown) == 1  # never again
    with store.sessions() as session:
        assert len(list(session.scalars(select(DataKey)))) == 1
    head = window.ctx.actor
    with store.sessions.begin() as session:  # a Head with no copy of their own, but the paper
        lost = replace(head, keyring=Keyring())
        assert keys.recover(session, lost, shown[0]).is_open
    window.close()
