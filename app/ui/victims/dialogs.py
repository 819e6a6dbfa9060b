"""Entering a victim, and making a letter to one (a VLO's, in the window only)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.victims import ContactPreference, Relationship
from app.services.victims import cases
from app.services.victims.cases import VictimForm
from app.services.victims.letters import LetterDraft, LetterKind, draft_letter, make_letter
from app.services.victims.view import CaseView
from app.ui.context import AppContext


class VictimDialog(QDialog):
    """A new victim on the case: name and contact details (sealed), their choices."""

    help_page = "victims.html#victims"  # F1 opens the guide here

    def __init__(self, ctx: AppContext, case: CaseView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.case = ctx, case
        self.setWindowTitle(self.tr(f"Add a victim to {case.vcs_case_ref}"))
        self.name = QLineEdit()
        self.relationship = QComboBox()
        for r in Relationship:
            self.relationship.addItem(r.label, r.value)
        self.address, self.postcode = QLineEdit(), QLineEdit()
        self.phone, self.email = QLineEdit(), QLineEdit()
        self.preference = QComboBox()
        self.preference.addItem(self.tr("Not known"), None)
        for p in ContactPreference:
            self.preference.addItem(p.label, p.value)
        self.notes = QPlainTextEdit()
        self.error = QLabel()
        form = QFormLayout()
        for label, widget in (
            ("&Name", self.name),
            ("&Relationship", self.relationship),
            ("&Address", self.address),
            ("&Postcode", self.postcode),
            ("P&hone", self.phone),
            ("&Email", self.email),
            ("Prefers &contact by", self.preference),
            ("N&otes", self.notes),
        ):
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(self.tr(label), widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def form(self) -> VictimForm:
        pref = self.preference.currentData()
        return VictimForm(
            name=self.name.text(),
            relationship=Relationship(self.relationship.currentData()),
            address=self.address.text(),
            postcode=self.postcode.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            notes=self.notes.toPlainText(),
            preferred_contact=ContactPreference(pref) if pref else None,
        )

    @Slot()
    def save(self) -> None:
        self.ctx.ops.write(
            cases.add_victim, self.case.case_id, self.case.version, self.form()
        ).then(lambda _id: self.accept(), on_failure=lambda e: self.error.setText(str(e)))


class LetterDialog(QDialog):
    """Draft a letter from its template, edit the text, save it as a PDF."""

    help_page = "victims.html#letters"  # F1 opens the guide here

    def __init__(self, ctx: AppContext, case: CaseView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.case = ctx, case
        self.draft: LetterDraft | None = None
        self.setWindowTitle(self.tr("Letter to a victim"))
        self.victim = QComboBox()
        for v in case.victims:
            if not v.sealed and not v.erased:
                self.victim.addItem(v.name, v.victim_id)
        self.kind = QComboBox()
        for k in LetterKind:
            self.kind.addItem(k.label, k.value)
        self.address = QLabel()
        self.text = QPlainTextEdit()
        self.text.setAccessibleName(self.tr("The letter's text"))
        self.error = QLabel()
        form = QFormLayout()
        form.addRow(self.tr("&Victim"), self.victim)
        form.addRow(self.tr("&Letter"), self.kind)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.address)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.victim.currentIndexChanged.connect(self.load)
        self.kind.currentIndexChanged.connect(self.load)
        self.load()

    @Slot()
    def load(self) -> None:
        victim_id = self.victim.currentData()
        if victim_id is None:
            return
        kind = LetterKind(self.kind.currentData())
        self.ctx.ops.read(draft_letter, self.ctx.actor, int(victim_id), kind).then(
            self._show, on_failure=lambda e: self.error.setText(str(e))
        )

    def _show(self, draft: LetterDraft) -> None:
        self.draft = draft
        self.address.setText("\n".join(draft.address))
        self.text.setPlainText(draft.text)

    @Slot()
    def save(self) -> None:
        if self.draft is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save the letter"), "", "PDF (*.pdf)")
        if name:
            self.write_to(Path(name))

    def write_to(self, path: Path) -> None:
        assert self.draft is not None
        self.ctx.ops.write(
            make_letter, self.draft.victim_id, self.draft.kind, self.text.toPlainText()
        ).then(lambda pdf: self._saved(path, pdf), on_failure=lambda e: self.error.setText(str(e)))

    def _saved(self, path: Path, pdf: bytes) -> None:
        import os

        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pdf)
        self.accept()
