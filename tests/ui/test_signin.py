"""Signing in, the first Head of PDU, the idle lock and Switch user, driven like a person."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.db.models import AppUser
from app.domain.codes import Role
from app.services.core import audit
from app.services.core.actor import system_actor
from app.services.users import credentials
from app.services.users.gate import Gate
from app.ui.app import SignedIn, build_window
from app.ui.main_window import SCREENS
from app.ui.signin.dialogs import (
    ChangePasswordDialog,
    FirstHeadDialog,
    SignInDialog,
    UnlockDialog,
)
from tests import factories as f
from tests.ui.helpers import signed_in, when_modal

NEW = "a long and unusual passphrase"


def _click_ok(qtbot: Any, dialog: Any) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


@pytest.mark.sqlite_only(reason="only an empty SQLite file asks for its first Head in the window")
def test_an_empty_database_asks_for_the_head_of_pdu_first(qtbot: Any, store: Any) -> None:
    seen: dict[str, Any] = {}

    def fill(dialog: Any) -> None:
        assert isinstance(dialog, FirstHeadDialog)
        dialog.name_edit.setText("Jo Head")
        dialog.username_edit.setText("jo.head")
        dialog.pdu_box.setCurrentIndex(dialog.pdu_box.findText("17. Leeds"))
        dialog.password_edit.setText("too short")
        dialog.again_edit.setText("too short")
        _click_ok(qtbot, dialog)
        seen["error"] = dialog.error_text()
        dialog.password_edit.setText(NEW)
        dialog.again_edit.setText(NEW)
        _click_ok(qtbot, dialog)

    when_modal(fill, FirstHeadDialog)
    actor = SignedIn(store, inline_ops=True).sign_in()
    assert "at least 12 characters" in seen["error"]
    assert actor is not None and actor.roles == {Role.HEAD_OF_PDU}
    with store.sessions() as session:
        assert not credentials.needs_first_head(session)
        assert session.scalar(select(AppUser.display_name).where(AppUser.username == "jo.head"))


def test_a_shared_store_nobody_can_sign_in_to_is_refused(
    qtbot: Any, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(Gate, "shared", property(lambda self: True))
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: told.append(text))
    assert SignedIn(store, inline_ops=True).sign_in() is None
    assert told and "pdu-manager users create-head" in told[0]


def test_a_wrong_password_is_told_in_the_dialog_then_the_right_one_signs_in(
    qtbot: Any, store: Any
) -> None:
    signed_in(store, Role.HEAD_OF_PDU, username="head")
    seen: dict[str, Any] = {}

    def fill(dialog: Any) -> None:
        assert isinstance(dialog, SignInDialog)
        seen["intro"] = dialog.intro.text()
        dialog.username_edit.setText("head")
        dialog.password_edit.setText("not the password")
        _click_ok(qtbot, dialog)
        seen["error"] = dialog.error_text()
        seen["still open"] = dialog.isVisible()
        dialog.password_edit.setText(f.PASSWORD)
        _click_ok(qtbot, dialog)

    when_modal(fill, SignInDialog)
    actor = SignedIn(store, inline_ops=True).sign_in()
    assert seen["error"] == "The username or password is wrong." and seen["still open"]
    assert "demo" not in seen["intro"]
    assert actor is not None and actor.username == "head"


def test_a_demo_database_says_its_password_at_sign_in(qtbot: Any, store: Any) -> None:
    with store.sessions.begin() as session:
        audit.record(session, system_actor(session), "demo.started", "pdu", 17)
    dialog = SignInDialog(Gate(store))
    qtbot.addWidget(dialog)
    assert "every account's password is demo" in dialog.intro.text()
    assert "exempt from the password policy" in dialog.intro.text()


def test_a_reset_password_is_changed_before_the_window_opens(qtbot: Any, store: Any) -> None:
    signed_in(store, Role.HEAD_OF_PDU, username="head")
    signed_in(store, Role.ADMIN, username="ada", must_change=True)

    def sign(dialog: Any) -> None:
        dialog.username_edit.setText("ada")
        dialog.password_edit.setText(f.PASSWORD)
        when_modal(change, ChangePasswordDialog)
        _click_ok(qtbot, dialog)

    def change(dialog: Any) -> None:
        assert isinstance(dialog, ChangePasswordDialog)
        assert "set by someone else" in dialog.intro.text()
        dialog.current_edit.setText(f.PASSWORD)
        dialog.new_edit.setText(NEW)
        dialog.again_edit.setText(NEW)
        _click_ok(qtbot, dialog)

    when_modal(sign, SignInDialog)
    actor = SignedIn(store, inline_ops=True).sign_in()
    assert actor is not None and actor.username == "ada"
    with store.sessions() as session:
        user = session.scalar(select(AppUser).where(AppUser.username == "ada"))
        assert user is not None and not user.must_change_password


def test_the_idle_window_locks_drops_secrets_and_unlocks_where_it_was(
    qtbot: Any, store: Any
) -> None:
    actor = signed_in(store, Role.HEAD_OF_PDU, username="head")
    window = build_window(store, actor, inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    screen = window.open_screen("Caseload")
    screen.search_box.setText("X12")
    dropped: list[str] = []
    window.ctx.secrets.register(lambda: dropped.append("victims' data key"))
    seen: dict[str, Any] = {}

    def unlock(dialog: Any) -> None:
        assert isinstance(dialog, UnlockDialog)
        seen["locked"] = window.locked
        seen["content hidden"] = window.body.isHidden()
        seen["dropped"] = list(dropped)
        dialog.password_edit.setText("wrong password")
        _click_ok(qtbot, dialog)
        seen["error"] = dialog.error_text()
        window.idle.set_interval_ms(3_600_000)  # once unlocked, not again during the test
        dialog.password_edit.setText(f.PASSWORD)
        _click_ok(qtbot, dialog)

    when_modal(unlock, UnlockDialog)
    window.idle.set_interval_ms(30)
    qtbot.waitUntil(lambda: window.locks == 1 and not window.locked, timeout=10_000)
    assert seen["locked"] and seen["content hidden"]
    assert seen["dropped"] == ["victims' data key"]
    assert seen["error"] == "The username or password is wrong."
    assert not window.body.isHidden()
    assert window.open_screen("Caseload") is screen and screen.search_box.text() == "X12"


def test_switch_user_opens_the_next_users_own_view(qtbot: Any, store: Any) -> None:
    head = signed_in(store, Role.HEAD_OF_PDU, username="head")
    signed_in(store, Role.ADMIN, username="ada", name="Ada Admin")
    session = SignedIn(store, inline_ops=True)
    first = session.open(head)
    qtbot.addWidget(first)
    admin_row = next(i for i, e in enumerate(SCREENS) if e.title == "Administration")
    assert first.nav.item(admin_row).flags() & Qt.ItemFlag.ItemIsEnabled

    def sign(dialog: Any) -> None:
        dialog.username_edit.setText("ada")
        dialog.password_edit.setText(f.PASSWORD)
        _click_ok(qtbot, dialog)

    when_modal(sign, SignInDialog)
    first.switch_action.trigger()
    second = session.window
    assert second is not None and second is not first
    qtbot.addWidget(second)
    assert second.user_label.text() == "Signed in: Ada Admin (Case administrator)"
    admin_item = second.nav.item(admin_row)
    assert admin_item.text() == "Administration"
    assert not admin_item.flags() & Qt.ItemFlag.ItemIsEnabled
    assert admin_item.toolTip() == "Only the Head of PDU can open Administration."
    desk = second.open_screen("Allocation").desk  # type: ignore[attr-defined]
    assert not desk.allocate_action.isEnabled()
    assert desk.allocate_action.toolTip() == (
        "Only the Head of PDU or a Senior Probation Officer can allocate cases."
    )
    teams = second.open_screen("Teams and PODs")
    assert teams.new_team_action.toolTip() == "Only the Head of PDU can create teams."  # type: ignore[attr-defined]
    session.close()
