"""The small dialogs of the allocation desk: allocate or reallocate, keep a reviewed case.

Outside the policy the SPO must record a reason; a PQiP with a High RoSH case
needs the SPO's confirmation (DOMAIN.md 2); so does choosing a practitioner
who cannot take the case now: absent, leaving or over capacity (issue 16).
The dialog will not accept until what is required is given; the service
checks again (SPEC.md 1).
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.allocation import RankedCandidate
from app.domain.codes import ReallocationReason
from app.services.allocation.queue import CandidateRow, CaseBrief
from app.ui.allocation.text import capacity_text, name_grade


def _text_box(name: str, placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setAccessibleName(name)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(64)
    return box


def _cases(n: int) -> str:
    return "1 case" if n == 1 else f"{n} cases"


class AllocateDialog(QDialog):
    """Confirm an allocation (or reallocation) with a note, and a reason where needed."""

    help_page = "allocation.html#allocating"  # F1 opens the guide here

    def __init__(
        self, case: CaseBrief, choice: CandidateRow, reallocating: bool, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.reallocating = reallocating
        self._ranked = choice.ranked
        verb = self.tr("Reallocate") if reallocating else self.tr("Allocate")
        self.setWindowTitle(f"{verb} {case.crn}")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(460)
        self._build_fields()
        self._build_buttons(verb)
        self._lay_out(self._summary(case, choice, verb), self._form(choice.ranked))
        self._update()

    def _summary(self, case: CaseBrief, choice: CandidateRow, verb: str) -> QLabel:
        r, p = choice.ranked, choice.practitioner
        summary = QLabel(
            self.tr("%s %s (%s) to %s.\nCapacity %s; %s allocated in the last 7 days.")
            % (
                verb,
                case.name,
                case.crn,
                name_grade(r.name, p.grade),
                capacity_text(r.capacity_now, r.capacity_after),
                _cases(p.allocated_last_7_days),
            )
        )
        summary.setWordWrap(True)
        return summary

    def _build_fields(self) -> None:
        self.reason_box = QComboBox()
        self.reason_box.setAccessibleName(self.tr("Reason for reallocating"))
        self.reason_box.addItem(self.tr("Choose a reason…"), None)
        for reason in ReallocationReason:
            self.reason_box.addItem(self.tr(reason.label), reason.value)
        self.note_box = _text_box(self.tr("Note"), self.tr("Anything the practitioner should know"))
        self.policy_label = QLabel()
        self.policy_label.setWordWrap(True)
        self.policy_label.setStyleSheet("color: #8a1c1c;")
        self.policy_box = _text_box(
            self.tr("Reason for going outside the policy"),
            self.tr("Required: why this practitioner all the same"),
        )
        self.safeguard_label = QLabel()
        self.safeguard_label.setWordWrap(True)
        self.safeguard_label.setStyleSheet("color: #8a1c1c;")
        self.safeguard_box = _text_box(
            self.tr("Reason for choosing someone who cannot take the case now"),
            self.tr("Required: why this practitioner all the same"),
        )
        self.confirm_box = QCheckBox(self.tr("I &confirm this PQiP may hold this High RoSH case"))
        self.confirm_box.setAccessibleName(self.tr("SPO's confirmation"))
        self.reason_box.currentIndexChanged.connect(self._update)
        self.note_box.textChanged.connect(self._update)
        self.policy_box.textChanged.connect(self._update)
        self.safeguard_box.textChanged.connect(self._update)
        self.confirm_box.toggled.connect(self._update)

    def _form(self, r: RankedCandidate) -> QFormLayout:
        """Only the fields this choice needs: a reason outside the policy (DOMAIN.md 2)."""
        form = QFormLayout()
        if self.reallocating:
            form.addRow(self.tr("&Reason:"), self.reason_box)
        else:
            self.reason_box.hide()
        form.addRow(self.tr("&Note:"), self.note_box)
        if r.outside_policy:
            self.policy_label.setText(
                self.tr("Outside the allocation policy: %s.") % r.policy_reason
            )
        elif r.needs_confirmation:
            self.policy_label.setText(self.tr("Needs your confirmation: %s.") % r.policy_reason)
        if r.outside_policy or r.needs_confirmation:
            form.addRow(self.policy_label)
        if r.outside_policy:
            form.addRow(self.tr("Reason for &going ahead:"), self.policy_box)
        if r.needs_confirmation:
            form.addRow(self.confirm_box)
        if r.unavailable:
            self.safeguard_label.setText(
                self.tr("Cannot take the case now: %s.") % r.safeguard_reason
            )
            form.addRow(self.safeguard_label)
            form.addRow(self.tr("Reason for choosing &them:"), self.safeguard_box)
        return form

    def _build_buttons(self, verb: str) -> None:
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = QPushButton(verb)
        self.ok_button.setAccessibleName(verb)
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _lay_out(self, summary: QLabel, form: QFormLayout) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    @Slot()
    def _update(self) -> None:
        """Allow OK only once what is required is given."""
        self.ok_button.setEnabled(self.missing() == "")
        self.ok_button.setToolTip(self.missing())

    def missing(self) -> str:
        """What is still needed before the dialog can be accepted ("" when nothing)."""
        if self.reallocating and self.reason() is None:
            return self.tr("Choose why the case is being reallocated.")
        if self.reason() is ReallocationReason.OTHER and not self.note():
            return self.tr("Say in the note why the case is being reallocated.")
        if self._ranked.outside_policy and not self.policy_reason():
            return self.tr("Record a reason for going outside the policy.")
        if self._ranked.needs_confirmation and not self.confirmed():
            return self.tr("Tick the confirmation.")
        if self._ranked.unavailable and not self.safeguard_reason():
            return self.tr("Record why you choose someone who cannot take the case now.")
        return ""

    def note(self) -> str:
        return self.note_box.toPlainText().strip()

    def policy_reason(self) -> str:
        return self.policy_box.toPlainText().strip() if self._ranked.outside_policy else ""

    def safeguard_reason(self) -> str:
        return self.safeguard_box.toPlainText().strip() if self._ranked.unavailable else ""

    def confirmed(self) -> bool:
        return self._ranked.needs_confirmation and self.confirm_box.isChecked()

    def reason(self) -> ReallocationReason | None:
        value = self.reason_box.currentData()
        return ReallocationReason(value) if self.reallocating and value else None

    def accept(self) -> None:
        if self.missing():
            return
        super().accept()


class KeepDialog(QDialog):
    """Close a review item and keep the case with its practitioner, saying why (TOM 777)."""

    help_page = "allocation.html#reviews"  # F1 opens the guide here

    def __init__(self, case: CaseBrief, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keep %s with its practitioner") % case.crn)
        self.setAccessibleName(self.windowTitle())
        holder = case.holder.name if case.holder else self.tr("nobody")
        label = QLabel(self.tr("Keep %s with %s and close the review?") % (case.name, holder))
        label.setWordWrap(True)
        self.resolution_box = _text_box(self.tr("Why the case stays"), self.tr("Required"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Keep"))
        self.ok_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.resolution_box.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.resolution_box)
        layout.addWidget(buttons)

    @Slot()
    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.resolution()))

    def resolution(self) -> str:
        return self.resolution_box.toPlainText().strip()
