"""What a VLO records on a case: its dates, a victim's choice, a key stage, its closure.

Each dialog writes through one service with the version the case (or the
victim) had when shown: when another VLO changed it since, the service
refuses and the dialog says so, keeping what was typed. The case's tasks
follow each write (the services replan them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.parsing import ParseError, format_date, parse_date
from app.domain.victims import KeyStage, SecurityCategory, SentenceKind
from app.services.core.errors import UserError
from app.services.victims import cases, staffing
from app.services.victims.cases import CaseDates
from app.services.victims.tasks import VloChoice
from app.services.victims.view import CaseView, VictimView
from app.ui.context import AppContext

DAY_HINT = "dd/mm/yyyy, or blank"
DATE_FORMAT = "dd/MM/yyyy"


def date_field(day: date | None, name: str) -> QLineEdit:
    """A date typed dd/mm/yyyy, blank for none."""
    edit = QLineEdit(format_date(day) if day else "")
    edit.setPlaceholderText(DAY_HINT)
    edit.setAccessibleName(name)
    return edit


def read_date(edit: QLineEdit) -> date | None:
    try:
        return parse_date(edit.text())
    except ParseError as error:
        raise UserError(f"{edit.accessibleName()}: {error}") from error


def day_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    return edit


def edit_day(edit: QDateEdit) -> date:
    day = edit.date()
    return date(day.year(), day.month(), day.day())


def victim_label(v: VictimView, n: int) -> str:
    """The victim's name when open, else their place and relationship (never a code)."""
    if v.sealed or v.erased or not v.name:
        return f"Victim {n}: {v.relationship.label.lower()} ({v.status.lower()})"
    return f"{v.name} ({v.status.lower()})"


class _CaseDialog(QDialog):
    """A form, an error line and Save/Cancel; ``save`` runs the dialog's write."""

    help_page = "victims.html#recording"  # F1 opens the guide here

    def __init__(self, ctx: AppContext, case: CaseView, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx, self.case = ctx, case
        self.setWindowTitle(self.tr(title))
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName(self.tr("Error"))
        self.error.setStyleSheet("color: #8a1c1c;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def add_row(self, label: str, widget: QWidget) -> None:
        if not widget.accessibleName():
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
        self.form.addRow(self.tr(label), widget)

    def failed(self, error: BaseException) -> None:
        self.error.setText(str(error))

    def run(self, fn: Callable[..., Any], *args: Any) -> None:
        self.ctx.ops.write(fn, *args).then(lambda _r: self.accept(), on_failure=self.failed)

    @Slot()
    def save(self) -> None:
        try:
            self.write()
        except UserError as error:
            self.failed(error)

    def write(self) -> None:
        raise NotImplementedError


def _choice_box(none_label: str, items: list[tuple[str, str]], current: str | None) -> QComboBox:
    box = QComboBox()
    box.addItem(none_label, None)
    for label, value in items:
        box.addItem(label, value)
    index = box.findData(current) if current is not None else 0
    box.setCurrentIndex(max(index, 0))
    return box


class CaseDatesDialog(_CaseDialog):
    """The case's VLO, release, parole review, licence and sentence end, category, sentence."""

    def __init__(
        self,
        ctx: AppContext,
        case: CaseView,
        vlos: list[VloChoice],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, case, f"Dates and facts of {case.vcs_case_ref}", parent)
        self.vlo = _choice_box(
            "No VLO yet", [(v.name, str(v.user_id)) for v in vlos], _text(case.vlo_user_id)
        )
        if case.vlo_user_id is not None and self.vlo.findData(str(case.vlo_user_id)) < 0:
            self.vlo.addItem(case.vlo_name, str(case.vlo_user_id))
            self.vlo.setCurrentIndex(self.vlo.count() - 1)
        self.release = date_field(case.expected_release_date, "Expected release")
        self.released = date_field(case.released_on, "Released on")
        self.parole = date_field(case.parole_review_date, "Parole review")
        self.licence_end = date_field(case.licence_end_date, "Licence ends")
        self.sentence_end = date_field(case.sentence_end_date, "Sentence ends")
        self.category = _choice_box(
            "Not recorded",
            [(c.label, c.value) for c in SecurityCategory],
            case.security_category_code,
        )
        self.sentence = _choice_box(
            "Not recorded", [(k.label, k.value) for k in SentenceKind], case.sentence_kind
        )
        self.listed = QCheckBox(
            self.tr("Kidnapping, rape, attempted murder or manslaughter (enhanced parole opt-in)")
        )
        self.listed.setChecked(case.listed_offence)
        for label, widget in (
            ("V&LO:", self.vlo),
            ("&Expected release:", self.release),
            ("Re&leased on:", self.released),
            ("&Parole review:", self.parole),
            ("Licence e&nds:", self.licence_end),
            ("Sen&tence ends:", self.sentence_end),
            ("Security &category:", self.category),
            ("Sente&nce:", self.sentence),
            ("Listed &offence:", self.listed),
        ):
            self.add_row(label, widget)

    def dates(self) -> CaseDates:
        vlo = self.vlo.currentData()
        return CaseDates(
            vlo_user_id=int(vlo) if vlo else None,
            parole_review_date=read_date(self.parole),
            expected_release_date=read_date(self.release),
            released_on=read_date(self.released),
            licence_end_date=read_date(self.licence_end),
            sentence_end_date=read_date(self.sentence_end),
            security_category=self.category.currentData(),
            sentence_kind=self.sentence.currentData(),
            listed_offence=self.listed.isChecked(),
        )

    def write(self) -> None:
        self.run(cases.update_case, self.case.case_id, self.case.version, self.dates())


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


class OptDialog(_CaseDialog):
    """A victim opts in or out, on a day: their open tasks are withdrawn or come back."""

    def __init__(self, ctx: AppContext, case: CaseView, parent: QWidget | None = None) -> None:
        super().__init__(ctx, case, f"A victim of {case.vcs_case_ref} opts in or out", parent)
        self.victim = QComboBox()
        for n, v in enumerate(case.victims, start=1):
            self.victim.addItem(victim_label(v, n), v.victim_id)
        self.opts_in = QRadioButton(self.tr("Opts &in: wants to be told"))
        self.opts_out = QRadioButton(self.tr("Opts o&ut: open tasks are withdrawn"))
        self.opts_in.setChecked(True)
        self.on = day_edit(ctx.today)
        self.add_row("&Victim:", self.victim)
        self.add_row("Choice:", self.opts_in)
        self.add_row("", self.opts_out)
        self.add_row("&On:", self.on)

    def chosen(self) -> VictimView:
        victim_id = self.victim.currentData()
        found = next((v for v in self.case.victims if v.victim_id == victim_id), None)
        if found is None:
            raise UserError("Add the victim to the case first.")
        return found

    def write(self) -> None:
        v = self.chosen()
        self.run(cases.set_opt, v.victim_id, v.version, self.opts_in.isChecked(), edit_day(self.on))


class KeyStageDialog(_CaseDialog):
    """A key stage of the sentence happened: opted-in victims are to be told."""

    def __init__(self, ctx: AppContext, case: CaseView, parent: QWidget | None = None) -> None:
        super().__init__(ctx, case, f"A key stage of {case.vcs_case_ref}", parent)
        self.stage = QComboBox()
        for stage in KeyStage:
            self.stage.addItem(stage.label, stage.value)
        self.on = day_edit(ctx.today)
        self.add_row("&Stage:", self.stage)
        self.add_row("&On:", self.on)

    def write(self) -> None:
        stage = KeyStage(self.stage.currentData())
        self.run(
            cases.record_key_stage, self.case.case_id, self.case.version, stage, edit_day(self.on)
        )


class CloseCaseDialog(_CaseDialog):
    """Close the case: its closure task is done, every other open task withdrawn."""

    def __init__(self, ctx: AppContext, case: CaseView, parent: QWidget | None = None) -> None:
        super().__init__(ctx, case, f"Close {case.vcs_case_ref}", parent)
        note = QLabel(
            self.tr(
                "Closing withdraws the case's open tasks. Victims' personal details are erased "
                "the set time after closure (a setting); the case and its counts stay."
            )
        )
        note.setWordWrap(True)
        self.on = day_edit(ctx.today)
        self.form.addRow(note)
        self.add_row("&Closed on:", self.on)

    def write(self) -> None:
        self.run(cases.close_case, self.case.case_id, self.case.version, edit_day(self.on))


class ReassignDialog(QDialog):
    """Hand every open case of one VLO (so their tasks) to another: before they leave."""

    help_page = "victims.html#leaving"  # F1 opens the guide here

    def __init__(
        self,
        ctx: AppContext,
        vlos: list[VloChoice],
        from_user_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.moved: int | None = None
        self.setWindowTitle(self.tr("Reassign a VLO's cases"))
        self.from_vlo, self.to_vlo = QComboBox(), QComboBox()
        for v in vlos:
            self.from_vlo.addItem(v.name, v.user_id)
            self.to_vlo.addItem(v.name, v.user_id)
        self.from_vlo.setCurrentIndex(max(self.from_vlo.findData(from_user_id), 0))
        others = [i for i in range(self.to_vlo.count()) if i != self.from_vlo.currentIndex()]
        self.to_vlo.setCurrentIndex(others[0] if others else 0)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName(self.tr("Error"))
        form = QFormLayout()
        self.from_vlo.setAccessibleName(self.tr("From"))
        self.to_vlo.setAccessibleName(self.tr("To"))
        form.addRow(self.tr("Every open case of:"), self.from_vlo)
        form.addRow(self.tr("&To:"), self.to_vlo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @Slot()
    def save(self) -> None:
        self.ctx.ops.write(
            staffing.reassign_cases,
            int(self.from_vlo.currentData()),
            int(self.to_vlo.currentData()),
        ).then(self._done, on_failure=lambda e: self.error.setText(str(e)))

    def _done(self, moved: int) -> None:
        self.moved = moved
        self.accept()
