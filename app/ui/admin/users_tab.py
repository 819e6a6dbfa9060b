"""The users of the Head of PDU's PDUs: add, change roles and scope, disable, reset.

A disabled user stays in the list (and in the audit log): disabling never
deletes anyone's history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.services.core.errors import UserError
from app.services.users import accounts, credentials
from app.services.users.accounts import ScopeChoices, UserView
from app.ui.admin.recovery_dialog import RecoveryKeyDialog
from app.ui.admin.user_dialog import ResetPasswordDialog, UserDialog
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.permissions import allowed

COLUMNS = ("Username", "Name", "Roles", "PDUs", "Teams", "Staff record", "Status")
USERNAME, NAME, ROLES, PDUS, TEAMS, STAFF, STATUS = range(len(COLUMNS))


def status_text(user: UserView) -> str:
    if not user.active:
        return "Disabled"
    if user.locked:
        return "Locked after failed sign-ins"
    if user.must_change_password:
        return "Must change password"
    return "Active"


class UsersTab(QWidget):
    """The users table and its actions; dialogs are asked through ``ask`` (tests replace it)."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.users: list[UserView] = []
        self.choices = ScopeChoices((), (), ())
        self.ask: Callable[[QDialog], bool] = lambda d: d.exec() == QDialog.DialogCode.Accepted
        self._build()
        self.refresh()

    def _action(self, text: str, shortcut: str, tip: str, slot: Any) -> QAction:
        action = QAction(self.tr(text), self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setStatusTip(self.tr(tip))
        action.setToolTip(self.tr(tip))
        action.triggered.connect(slot)
        self.addAction(action)
        self.toolbar.addAction(action)
        return action

    def _build(self) -> None:
        self.toolbar = QToolBar(self.tr("Users"))
        self.toolbar.setAccessibleName(self.tr("User actions"))
        self.add_action = self._action("&Add user…", "Ctrl+N", "Add an account", self.add_user)
        self.edit_action = self._action(
            "&Change…", "Ctrl+E", "Change the chosen user's name, roles and scope", self.edit_user
        )
        self.disable_action = self._action(
            "&Disable", "", "Stop the chosen user signing in (their history stays)", self.toggle
        )
        self.reset_action = self._action(
            "&Reset password…", "", "Give the chosen user a new password", self.reset_password
        )
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setAccessibleName(self.tr("Users"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_actions)
        self.table.doubleClicked.connect(lambda *_: self.edit_user())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #8a1c1c;")
        self.message.setAccessibleName(self.tr("Error"))
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        actor = self.ctx.actor
        self.may_manage = allowed(self.add_action, actor, accounts.create_user)
        for action in (self.edit_action, self.disable_action, self.reset_action):
            allowed(action, actor, accounts.update_user)

    # --- reading ------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.may_manage:
            return
        self.ctx.ops.read(accounts.scope_choices, self.ctx.actor).then(self._set_choices)
        self.ctx.ops.read(accounts.list_users, self.ctx.actor).then(self._show)

    def _set_choices(self, choices: ScopeChoices) -> None:
        self.choices = choices

    def _show(self, users: list[UserView]) -> None:
        chosen = self.current()
        self.users = users
        self.table.setRowCount(len(users))
        for row, user in enumerate(users):
            cells = (
                user.username,
                user.display_name,
                user.roles_label,
                user.pdus,
                user.teams,
                user.staff,
                status_text(user),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if chosen is not None:
            self.choose(chosen.username)
        self._update_actions()

    def current(self) -> UserView | None:
        row = self.table.currentRow()
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= row < len(self.users):
            return None
        return self.users[row]

    def choose(self, username: str) -> None:
        for row, user in enumerate(self.users):
            if user.username == username:
                self.table.selectRow(row)

    @Slot()
    def _update_actions(self) -> None:
        user = self.current()
        on = self.may_manage and user is not None
        for action in (self.edit_action, self.disable_action, self.reset_action):
            action.setEnabled(on)
        self.disable_action.setText(
            self.tr("&Enable") if user is not None and not user.active else self.tr("&Disable")
        )

    # --- writing --------------------------------------------------------------------------
    def _done(self, _user_id: int) -> None:
        self.message.hide()
        self.refresh()
        self.show_recovery_key()

    def show_recovery_key(self) -> None:
        """The write just created the key of victims' details: its recovery key, shown once."""
        keyring = self.ctx.actor.keyring
        text = keyring.take_recovery() if keyring is not None else None
        if text is not None:
            self.ask(RecoveryKeyDialog(text, self))

    def _failed(self, error: BaseException) -> None:
        keyring = self.ctx.actor.keyring
        if keyring is not None:
            keyring.take_recovery()  # a key made by a write that failed was never stored
        if isinstance(error, UserError):
            self.message.setText(str(error))
            self.message.show()
        else:
            show_error(self, error)

    @Slot()
    def add_user(self) -> None:
        dialog = UserDialog(self.choices, None, self)
        if not self.ask(dialog):
            return
        self.ctx.ops.write(
            accounts.create_user,
            dialog.username_edit.text(),
            dialog.password(),
            dialog.form(),
        ).then(self._done, self._failed)

    @Slot()
    def edit_user(self) -> None:
        user = self.current()
        if user is None or not self.may_manage:
            return
        dialog = UserDialog(self.choices, user, self)
        if not self.ask(dialog):
            return
        self.ctx.ops.write(
            accounts.update_user,
            user.id,
            user.version,
            dialog.form(),
        ).then(self._done, self._failed)

    @Slot()
    def toggle(self) -> None:
        user = self.current()
        if user is None or not self.may_manage:
            return
        self.ctx.ops.write(
            accounts.set_active,
            user.id,
            user.version,
            not user.active,
        ).then(self._done, self._failed)

    @Slot()
    def reset_password(self) -> None:
        user = self.current()
        if user is None or not self.may_manage:
            return
        dialog = ResetPasswordDialog(user, self)
        if not self.ask(dialog):
            return
        try:
            password = dialog.password()
        except UserError as exc:
            self._failed(exc)
            return
        self.ctx.ops.write(
            credentials.reset_password,
            user.id,
            password,
        ).then(self._done, self._failed)
