"""Adding or changing a user: name, roles, PDUs, teams, staff record; a new password.

The Head of PDU chooses among the PDUs they cover and those PDUs' teams and
staff; the service checks every rule again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import PEOPLE_ROLES, Role
from app.services.core.errors import UserError
from app.services.users.accounts import ScopeChoices, UserForm, UserView
from app.ui.signin.dialogs import password_box


def _checked_ids(box: QListWidget) -> frozenset[int]:
    return frozenset(
        int(box.item(i).data(Qt.ItemDataRole.UserRole))
        for i in range(box.count())
        if box.item(i).checkState() == Qt.CheckState.Checked and not box.item(i).isHidden()
    )


class UserDialog(QDialog):
    """The fields of one account; ``form()`` reads them back, ``password()`` the new one."""

    help_page = "administration.html#users"  # F1 opens the guide here

    def __init__(
        self, choices: ScopeChoices, user: UserView | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.user = user
        title = self.tr("Add a user") if user is None else self.tr("Change %s") % user.username
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.username_edit = QLineEdit(user.username if user else "")
        self.username_edit.setAccessibleName(self.tr("Username"))
        self.username_edit.setReadOnly(user is not None)
        self.username_edit.setPlaceholderText(self.tr("e.g. jo.bloggs"))
        self.name_edit = QLineEdit(user.display_name if user else "")
        self.name_edit.setAccessibleName(self.tr("Name"))
        form.addRow(self.tr("&Username:"), self.username_edit)
        form.addRow(self.tr("&Name:"), self.name_edit)
        self.role_boxes: dict[Role, QCheckBox] = {}
        roles = QHBoxLayout()
        for role in PEOPLE_ROLES:
            box = QCheckBox(role.label)
            box.setAccessibleName(role.label)
            box.setChecked(user is not None and role in user.roles)
            self.role_boxes[role] = box
            roles.addWidget(box)
        form.addRow(self.tr("Roles:"), roles)
        self.pdu_list = self._list(
            self.tr("PDUs covered"), choices.pdus, user.pdu_ids if user else ()
        )
        if user is None and len(choices.pdus) == 1:
            self.pdu_list.item(0).setCheckState(Qt.CheckState.Checked)
        form.addRow(self.tr("&PDUs:"), self.pdu_list)
        self.team_list = self._list(
            self.tr("Teams (an SPO's)"), choices.teams, user.team_ids if user else ()
        )
        form.addRow(self.tr("&Teams:"), self.team_list)
        self.staff_box = QComboBox()
        self.staff_box.setAccessibleName(self.tr("Staff record"))
        self.staff_box.addItem(self.tr("None"), None)
        for staff in choices.staff:
            self.staff_box.addItem(staff.label, staff.id)
            if user is not None and user.staff_id == staff.id:
                self.staff_box.setCurrentIndex(self.staff_box.count() - 1)
        form.addRow(self.tr("&Staff record:"), self.staff_box)
        self.password_edit = password_box(self.tr("First password"))
        self.again_edit = password_box(self.tr("First password again"))
        if user is None:
            form.addRow(self.tr("First pass&word:"), self.password_edit)
            form.addRow(self.tr("Password a&gain:"), self.again_edit)
            note = QLabel(self.tr("They choose their own at their first sign-in."))
            note.setWordWrap(True)
            form.addRow("", note)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #8a1c1c;")
        self.error_label.setAccessibleName(self.tr("Error"))
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.pdu_list.itemChanged.connect(self._pdus_changed)
        self._pdus_changed()

    def _list(self, name: str, items: tuple[object, ...], checked: tuple[int, ...]) -> QListWidget:
        box = QListWidget()
        box.setAccessibleName(name)
        box.setMaximumHeight(110)
        for choice in items:
            item = QListWidgetItem(getattr(choice, "label", ""))
            item.setData(Qt.ItemDataRole.UserRole, getattr(choice, "id", 0))
            item.setData(Qt.ItemDataRole.UserRole + 1, getattr(choice, "pdu_id", 0))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = getattr(choice, "id", 0) in checked
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            box.addItem(item)
        return box

    @Slot()
    def _pdus_changed(self, *_: object) -> None:
        """Only the teams of the PDUs chosen can be given."""
        pdus = _checked_ids(self.pdu_list)
        for i in range(self.team_list.count()):
            item = self.team_list.item(i)
            item.setHidden(int(item.data(Qt.ItemDataRole.UserRole + 1)) not in pdus)

    def check(self, box: QListWidget, item_id: int, on: bool = True) -> None:
        """Tick or untick one PDU or team by its id (tests, and the keyboard)."""
        for i in range(box.count()):
            item = box.item(i)
            if int(item.data(Qt.ItemDataRole.UserRole)) == item_id:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def form(self) -> UserForm:
        staff = self.staff_box.currentData()
        return UserForm(
            display_name=self.name_edit.text(),
            roles=frozenset(r for r, box in self.role_boxes.items() if box.isChecked()),
            pdu_ids=_checked_ids(self.pdu_list),
            team_ids=_checked_ids(self.team_list),
            staff_id=int(staff) if staff is not None else None,
        )

    def password(self) -> str:
        return self.password_edit.text()

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    @Slot()
    def _check(self) -> None:
        if self.user is None and self.password_edit.text() != self.again_edit.text():
            self.show_error(self.tr("The two passwords differ: type the same one twice."))
            return
        self.accept()


class ResetPasswordDialog(QDialog):
    """A new password for someone else; they must change it at their next sign-in."""

    help_page = "administration.html#users"  # F1 opens the guide here

    def __init__(self, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = self.tr("Reset the password of %s") % user.username
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "%s must choose their own password at their next sign-in. A locked account "
                "is unlocked."
            )
            % user.display_name
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.password_edit = password_box(self.tr("New password"))
        self.again_edit = password_box(self.tr("New password again"))
        form.addRow(self.tr("&New password:"), self.password_edit)
        form.addRow(self.tr("&Again:"), self.again_edit)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def password(self) -> str:
        if self.password_edit.text() != self.again_edit.text():
            raise UserError("The two passwords differ: type the same one twice.")
        return self.password_edit.text()

    @Slot()
    def _check(self) -> None:
        self.accept()
