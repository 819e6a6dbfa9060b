"""Small dialogs of the teams screen: names, choices, hours, reductions, an end date.

Each only collects values; the screen hands them to a service, which checks
them and explains any problem (SPEC.md 1: rules live in the services).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from app.domain.workload import DEFAULT_SETTINGS, ReductionReason, default_reduction_hours

Choice = tuple[str, Any]
DATE_FORMAT = "dd/MM/yyyy"


class _Form(QDialog):
    """A titled form with OK and Cancel."""

    help_page = "teams.html"  # F1 opens the guide here

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(380)
        self.form = QFormLayout(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def add_row(self, label: str, widget: QWidget) -> None:
        widget.setAccessibleName(label.replace("&", "").rstrip(":"))
        self.form.addRow(label, widget)

    def finish(self) -> None:
        self.form.addRow(self.buttons)


def _combo(choices: Sequence[Choice], current: Any) -> QComboBox:
    box = QComboBox()
    for label, value in choices:
        box.addItem(label, value)
    index = next((i for i, (_l, v) in enumerate(choices) if v == current), 0)
    box.setCurrentIndex(index)
    return box


class NameDialog(_Form):
    """A name, and optionally one choice (a team's SPO, a POD's team)."""

    help_page = "teams.html#teams"  # F1 opens the guide here

    def __init__(
        self,
        title: str,
        text: str = "",
        choices: Sequence[Choice] = (),
        choice_label: str = "",
        current: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.name_edit = QLineEdit(text)
        self.name_edit.setMaxLength(200)
        self.add_row(self.tr("&Name:"), self.name_edit)
        self.choice_box: QComboBox | None = None
        if choices:
            self.choice_box = _combo(choices, current)
            self.add_row(choice_label, self.choice_box)
        self.finish()
        self.name_edit.selectAll()

    def name(self) -> str:
        return self.name_edit.text()

    def choice(self) -> Any:
        return None if self.choice_box is None else self.choice_box.currentData()


class ChoiceDialog(_Form):
    """One choice from a list: the POD to move to, the SPO of a team."""

    help_page = "teams.html#teams"  # F1 opens the guide here

    def __init__(
        self,
        title: str,
        label: str,
        choices: Sequence[Choice],
        current: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.choice_box = _combo(choices, current)
        self.add_row(label, self.choice_box)
        self.finish()

    def choice(self) -> Any:
        return self.choice_box.currentData()


class HoursDialog(_Form):
    """Contracted hours a week."""

    help_page = "teams.html#hours"  # F1 opens the guide here

    def __init__(self, title: str, hours: float, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.hours_box = QDoubleSpinBox()
        self.hours_box.setRange(0, 48)
        self.hours_box.setSingleStep(0.5)
        self.hours_box.setSuffix(self.tr(" hours a week"))
        self.hours_box.setValue(hours)
        self.add_row(self.tr("&Contracted hours:"), self.hours_box)
        self.finish()

    def hours(self) -> float:
        return float(self.hours_box.value())


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    return edit


def edit_date(edit: QDateEdit) -> date:
    day = edit.date()
    return date(day.year(), day.month(), day.day())


class ReductionDialog(_Form):
    """A reduction (reason, dates, hours a week, note) or an absence (no hours)."""

    help_page = "teams.html#reductions"  # F1 opens the guide here

    def __init__(
        self,
        title: str,
        reasons: Sequence[ReductionReason],
        contracted_hours: float,
        today: date,
        absence: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.contracted_hours = contracted_hours
        self.reason_box = _combo([(r.label, r) for r in reasons], None)
        self.add_row(self.tr("&Reason:"), self.reason_box)
        self.start_edit = date_edit(today)
        self.add_row(self.tr("&From:"), self.start_edit)
        self.open_box = QCheckBox(self.tr("&Open-ended (no end date yet)"))
        self.open_box.setChecked(True)
        self.add_row("", self.open_box)
        self.end_edit = date_edit(today)
        self.end_edit.setEnabled(False)
        self.add_row(self.tr("&To (last day):"), self.end_edit)
        self.hours_box = QDoubleSpinBox()
        self.hours_box.setRange(0, 48)
        self.hours_box.setSingleStep(0.5)
        self.hours_box.setSuffix(self.tr(" hours a week"))
        if not absence:
            self.add_row(self.tr("&Hours off:"), self.hours_box)
        self.note_edit = QLineEdit()
        self.add_row(self.tr("N&ote:"), self.note_edit)
        self.finish()
        self.open_box.toggled.connect(lambda checked: self.end_edit.setEnabled(not checked))
        self.reason_box.currentIndexChanged.connect(self._reason_changed)
        self._reason_changed()

    def _reason_changed(self) -> None:
        """Offer the reason's default share of contracted hours (DOMAIN.md 4a)."""
        hours = default_reduction_hours(DEFAULT_SETTINGS, self.reason(), self.contracted_hours)
        if hours is not None:
            self.hours_box.setValue(hours)

    def reason(self) -> ReductionReason:
        return ReductionReason(self.reason_box.currentData())

    def start(self) -> date:
        return edit_date(self.start_edit)

    def end(self) -> date | None:
        if self.open_box.isChecked():
            return None
        return edit_date(self.end_edit)

    def hours(self) -> float:
        return float(self.hours_box.value())

    def note(self) -> str:
        return self.note_edit.text()


class EndDateDialog(_Form):
    """The last day of a reduction or absence."""

    help_page = "teams.html#reductions"  # F1 opens the guide here

    def __init__(self, title: str, day: date, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.date_edit = date_edit(day)
        self.add_row(self.tr("&Last day:"), self.date_edit)
        self.finish()

    def day(self) -> date:
        return edit_date(self.date_edit)
