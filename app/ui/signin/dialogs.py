"""Signing in: the first Head of PDU, the sign-in itself, changing a password.

Each dialog checks what it can (two passwords that differ) and leaves the
rules to the services (the password policy, the lockout), showing their
answer in the dialog. A password is never logged or kept after the dialog.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.signin import DEMO_PASSWORD
from app.services.core.actor import Actor
from app.services.core.errors import UserError
from app.services.users.gate import Gate

DEMO_NOTE = (
    "This is a demo database: every account's password is demo (head, spo, admin, upw "
    "and vlo, one for each role). Demo databases alone are exempt from the password policy."
)


def password_box(name: str) -> QLineEdit:
    box = QLineEdit()
    box.setEchoMode(QLineEdit.EchoMode.Password)
    box.setAccessibleName(name)
    return box


class _Form(QDialog):
    """A small form with an error line and OK/Cancel; subclasses say what OK does."""

    help_page = "first-steps.html#signing-in"  # F1 opens the guide here

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(460)
        self.layout_ = QVBoxLayout(self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.layout_.addWidget(self.intro)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #8a1c1c;")
        self.error_label.setAccessibleName(self.tr("Error"))
        self.error_label.hide()
        self.layout_.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.buttons)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def error_text(self) -> str:
        return "" if self.error_label.isHidden() else self.error_label.text()

    @Slot()
    def submit(self) -> None:
        self.error_label.hide()
        try:
            self.run()
        except UserError as exc:
            self.show_error(str(exc))
            return
        if self.error_label.isHidden():
            self.accept()

    def run(self) -> None:
        raise NotImplementedError


class FirstHeadDialog(_Form):
    """First start on an empty database: the Head of PDU's account, before anything else."""

    help_page = "first-steps.html#signing-in"  # F1 opens the guide here

    def __init__(self, gate: Gate, parent: QWidget | None = None) -> None:
        super().__init__(
            "Set up PDU Manager",
            "Nobody can sign in to this database yet. First create the account of the Head "
            "of PDU: they add everyone else's in Administration. The password needs at least "
            "12 characters and must not be a common one.",
            parent,
        )
        self.gate = gate
        self.actor: Actor | None = None
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName(self.tr("Your name"))
        self.username_edit = QLineEdit()
        self.username_edit.setAccessibleName(self.tr("Username"))
        self.username_edit.setPlaceholderText(self.tr("e.g. jo.bloggs"))
        self.pdu_box = QComboBox()
        self.pdu_box.setAccessibleName(self.tr("Your PDU"))
        for pdu in gate.pdus():
            self.pdu_box.addItem(pdu.label, pdu.id)
        self.password_edit = password_box(self.tr("Password"))
        self.again_edit = password_box(self.tr("Password again"))
        self.form.addRow(self.tr("Your &name:"), self.name_edit)
        self.form.addRow(self.tr("&Username:"), self.username_edit)
        self.form.addRow(self.tr("Your &PDU:"), self.pdu_box)
        self.form.addRow(self.tr("&Password:"), self.password_edit)
        self.form.addRow(self.tr("Password &again:"), self.again_edit)
        self.finish_layout()

    def run(self) -> None:
        if self.password_edit.text() != self.again_edit.text():
            raise UserError("The two passwords differ: type the same one twice.")
        pdu_id = self.pdu_box.currentData()
        self.actor = self.gate.first_head(
            self.username_edit.text(),
            self.name_edit.text(),
            self.password_edit.text(),
            frozenset({int(pdu_id)}) if pdu_id is not None else frozenset(),
        )
        self.password_edit.clear()
        self.again_edit.clear()


class SignInDialog(_Form):
    """Username and password; a demo database says its password."""

    help_page = "first-steps.html#signing-in"  # F1 opens the guide here

    def __init__(self, gate: Gate, parent: QWidget | None = None, username: str = "") -> None:
        demo = gate.is_demo()
        super().__init__(
            "Sign in to PDU Manager",
            DEMO_NOTE if demo else "Sign in with your PDU Manager username and password.",
            parent,
        )
        self.gate = gate
        self.actor: Actor | None = None
        self.must_change_password = False
        self.username_edit = QLineEdit(username)
        self.username_edit.setAccessibleName(self.tr("Username"))
        self.password_edit = password_box(self.tr("Password"))
        if demo:
            self.password_edit.setPlaceholderText(DEMO_PASSWORD)
        self.form.addRow(self.tr("&Username:"), self.username_edit)
        self.form.addRow(self.tr("&Password:"), self.password_edit)
        self.ok_button.setText(self.tr("&Sign in"))
        self.finish_layout()
        (self.password_edit if username else self.username_edit).setFocus()

    def run(self) -> None:
        answer = self.gate.sign_in(self.username_edit.text(), self.password_edit.text())
        self.password_edit.clear()
        if not answer.ok:
            self.show_error(answer.refusal)
            self.password_edit.setFocus()
            return
        self.actor = answer.actor
        self.must_change_password = answer.must_change_password


class ChangePasswordDialog(_Form):
    """The signed-in user's new password; ``forced`` after a reset (Cancel signs out)."""

    help_page = "first-steps.html#signing-in"  # F1 opens the guide here

    def __init__(
        self, gate: Gate, actor: Actor, parent: QWidget | None = None, forced: bool = False
    ) -> None:
        intro = (
            "Your password was set by someone else: choose your own now to go on."
            if forced
            else "Type your current password, then the new one twice."
        )
        super().__init__(
            "Change your password",
            intro + " It needs at least 12 characters and must not be a common one.",
            parent,
        )
        self.gate, self.actor = gate, actor
        self.current_edit = password_box(self.tr("Current password"))
        self.new_edit = password_box(self.tr("New password"))
        self.again_edit = password_box(self.tr("New password again"))
        self.form.addRow(self.tr("&Current password:"), self.current_edit)
        self.form.addRow(self.tr("&New password:"), self.new_edit)
        self.form.addRow(self.tr("New password &again:"), self.again_edit)
        self.finish_layout()

    def run(self) -> None:
        if self.new_edit.text() != self.again_edit.text():
            raise UserError("The two new passwords differ: type the same one twice.")
        self.gate.change_password(self.actor, self.current_edit.text(), self.new_edit.text())
        for box in (self.current_edit, self.new_edit, self.again_edit):
            box.clear()


class UnlockDialog(_Form):
    """The idle window asks for the signed-in user's password again."""

    help_page = "first-steps.html#locking"  # F1 opens the guide here

    def __init__(self, gate: Gate, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(
            "PDU Manager is locked",
            f"The window locked after a while idle. {actor.display_name}, type your password "
            "to go on where you were, or switch user.",
            parent,
        )
        self.gate, self.actor = gate, actor
        self.switch_requested = False
        self.password_edit = password_box(self.tr("Password"))
        self.form.addRow(self.tr("&Password:"), self.password_edit)
        self.ok_button.setText(self.tr("&Unlock"))
        self.switch_button = self.buttons.addButton(
            self.tr("S&witch user…"), QDialogButtonBox.ButtonRole.ResetRole
        )
        self.switch_button.clicked.connect(self._switch)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("&Quit"))
        self.finish_layout()

    def run(self) -> None:
        answer = self.gate.unlock(self.actor, self.password_edit.text())
        self.password_edit.clear()
        if not answer.ok:
            self.show_error(answer.refusal)

    @Slot()
    def _switch(self) -> None:
        self.switch_requested = True
        self.reject()

    def reject(self) -> None:
        self.password_edit.clear()
        super().reject()
