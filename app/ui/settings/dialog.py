"""The settings, generated from the declarations in ``app.domain.settings``.

The same panel is a tab of Administration, beside the users and the audit
log, and the Tools > Settings dialog, where everyone can read them.

Each declared setting is a row (value in force, default, since when, source);
choosing one shows an editor built from its kind. Only the Head of PDU
changes settings; the service checks the value and records the change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.parsing import ParseError, format_date, parse_date
from app.services.core import settings
from app.services.core.errors import UserError
from app.services.core.settings import SettingView
from app.ui.context import AppContext
from app.ui.errors import show_error
from app.ui.formatting import fmt_date, html_table
from app.ui.permissions import allowed

DATE_FORMAT = "dd/MM/yyyy"
SCALAR_KINDS = ("int", "float", "bool", "str")
EDITABLE_LISTS = ("extra_bank_holidays",)
COLUMNS = ("Setting", "Value in force", "Default", "From", "Source")
SETTING, VALUE, DEFAULT, FROM, SOURCE = range(len(COLUMNS))
LATER_NOTE = "Edited in a later version; the defaults are DOMAIN.md 4a's."
HEAD_ONLY_NOTE = "Only the Head of PDU changes settings."

Getter = Callable[[], Any]


def show_value(kind: str, value: Any, choices: tuple[tuple[str, str], ...] = ()) -> str:
    """A setting's value as the table shows it: "5", "37.5", "Yes", "25/12/2026", "Friday"."""
    if choices:
        return dict(choices).get(str(value), str(value))
    if kind == "bool":
        return "Yes" if value else "No"
    if kind == "float":
        return f"{float(value):g}"
    if kind == "list":
        return ", ".join(_show_day(v) for v in value) if value else "None"
    if kind == "dict":
        return f"A table of {len(value)} values"
    return str(value)


def _show_day(item: Any) -> str:
    try:
        return format_date(date.fromisoformat(str(item)))
    except ValueError:
        return str(item)


def parse_holidays(text: str) -> list[str]:
    """Comma-separated dd/mm/yyyy dates as ISO strings; UserError on a bad one."""
    days: list[str] = []
    for part in text.split(","):
        if not part.strip():
            continue
        try:
            day = parse_date(part.strip())
        except ParseError as exc:
            raise UserError(f"Extra bank holidays: {exc}") from None
        if day is None:
            raise UserError(f"Extra bank holidays: '{part.strip()}' is not a date")
        if day.isoformat() not in days:
            days.append(day.isoformat())
    return sorted(days)


def _from_text(view: SettingView) -> str:
    if view.effective_from is None:
        return "Default"
    where = "this PDU" if view.pdu_own else "national"
    return f"{fmt_date(view.effective_from)}, {where}"


class SettingsPanel(QWidget):
    """Every declared setting; the Head of PDU changes one from a date on."""

    help_page = "settings.html"  # F1 opens the guide here

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.views: list[SettingView] = []
        self._getter: Getter | None = None
        self.editor: QWidget | None = None
        self.setAccessibleName(self.tr("Settings"))
        self._build()
        self.can_edit = allowed(self.save_button, ctx.actor, settings.put)
        self._set_editing(False)
        self.reload()

    # --- building -------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        pdu = self.ctx.pdu
        scope = pdu.label if pdu is not None else self.tr("national values")
        intro = QLabel(
            self.tr("Policy numbers in force on %s for %s.") % (fmt_date(self.ctx.today), scope)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.head_note = QLabel(self.tr(HEAD_ONLY_NOTE))
        self.head_note.setAccessibleName(self.tr("Read only"))
        layout.addWidget(self.head_note)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setAccessibleName(self.tr("Settings"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(SETTING, QHeaderView.ResizeMode.Stretch)
        for column in (VALUE, DEFAULT, FROM, SOURCE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._chosen)
        layout.addWidget(self.table, 1)

        self.detail = QGroupBox(self.tr("Change the chosen setting"))
        self.detail.setAccessibleName(self.tr("Chosen setting"))
        detail_layout = QVBoxLayout(self.detail)
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        detail_layout.addWidget(self.title_label)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        detail_layout.addLayout(self.form)
        self.value_label = QLabel(self.tr("&Value:"))
        self.editor_slot = QHBoxLayout()
        self.form.addRow(self.value_label, self.editor_slot)

        self.date_edit = QDateEdit()
        self.date_edit.setDisplayFormat(DATE_FORMAT)
        self.date_edit.setCalendarPopup(True)
        today = self.ctx.today
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.date_edit.setAccessibleName(self.tr("Effective from"))
        self.form.addRow(self.tr("&Effective from:"), self.date_edit)

        self.pdu_only = QCheckBox(self.tr("For this &PDU only"))
        self.pdu_only.setAccessibleName(self.tr("For this PDU only"))
        if pdu is None:
            self.pdu_only.setToolTip(self.tr("Choose a PDU in the main window first"))
        self.form.addRow("", self.pdu_only)

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName(self.tr("Note"))
        detail_layout.addWidget(self.note)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #8a1c1c;")
        self.error_label.setAccessibleName(self.tr("Error"))
        self.error_label.hide()
        detail_layout.addWidget(self.error_label)
        self.save_button = QPushButton(self.tr("&Save"))
        self.save_button.setAccessibleName(self.tr("Save the setting"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        detail_layout.addLayout(row)
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.history_label.setAccessibleName(self.tr("History"))
        detail_layout.addWidget(self.history_label)
        layout.addWidget(self.detail)

        layout.setContentsMargins(0, 0, 0, 0)

    # --- loading --------------------------------------------------------------
    def reload(self) -> None:
        """Read the settings again (after a save, or when opened)."""
        pdu_id = self.ctx.pdu.id if self.ctx.pdu is not None else None
        self.ctx.ops.read(settings.list_settings, self.ctx.today, pdu_id).then(self._show)

    def _show(self, views: list[SettingView]) -> None:
        chosen = self.current_key()
        self.views = views
        self.table.blockSignals(True)
        self.table.setRowCount(len(views))
        for row, view in enumerate(views):
            cells = (
                view.label,
                show_value(view.kind, view.value, view.choices),
                show_value(view.kind, view.default, view.choices),
                _from_text(view),
                view.source,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, view.key)
                if column == SETTING:
                    item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        keys = [v.key for v in views]
        row = keys.index(chosen) if chosen in keys else 0
        self.table.setCurrentCell(row, SETTING)
        self._chosen()

    # --- choosing and editing -------------------------------------------------
    def current_key(self) -> str | None:
        row = self.table.currentRow()
        if 0 <= row < len(self.views):
            return self.views[row].key
        return None

    def choose(self, key: str) -> None:
        """Choose a setting by its key (tests, and a way back to the last one)."""
        row = next(i for i, v in enumerate(self.views) if v.key == key)
        self.table.setCurrentCell(row, SETTING)

    def row_text(self, key: str, column: int) -> str:
        row = next(i for i, v in enumerate(self.views) if v.key == key)
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    @Slot()
    def _chosen(self) -> None:
        self.error_label.hide()
        key = self.current_key()
        view = next((v for v in self.views if v.key == key), None)
        if self.editor is not None:
            self.editor_slot.removeWidget(self.editor)
            self.editor.hide()
            self.editor.deleteLater()
            self.editor = None
            self._getter = None
        if view is None:
            self.title_label.clear()
            self.history_label.clear()
            self._set_editing(False)
            return
        self.title_label.setText(f"<b>{view.label}</b> ({view.source})")
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        editor, getter, editable = self._build_editor(view)
        editor.setAccessibleName(view.label)
        self.editor, self._getter = editor, getter
        self.editor_slot.addWidget(editor, 1)
        self.value_label.setBuddy(editor)
        self.pdu_only.setChecked(view.pdu_own)
        if not editable:
            self.note.setText(self.tr(LATER_NOTE))
        elif not self.can_edit:
            self.note.setText(self.tr(HEAD_ONLY_NOTE))
        elif view.kind == "list":
            self.note.setText(self.tr("Dates as dd/mm/yyyy, separated by commas."))
        else:
            self.note.setText("")
        self.note.setVisible(bool(self.note.text()))
        self._set_editing(editable and self.can_edit)
        self._show_history(view)

    def _build_editor(self, view: SettingView) -> tuple[QWidget, Getter, bool]:
        """The editor for a setting's kind, a function reading it, and whether it edits."""
        read_only = not self.can_edit
        if view.kind == "int":
            spin = QSpinBox()
            spin.setRange(
                int(view.minimum) if view.minimum is not None else 0,
                int(view.maximum) if view.maximum is not None else 1_000_000,
            )
            spin.setValue(int(view.value))
            spin.setReadOnly(read_only)
            return spin, spin.value, True
        if view.kind == "float":
            double = QDoubleSpinBox()
            double.setDecimals(2)
            double.setRange(
                view.minimum if view.minimum is not None else 0.0,
                view.maximum if view.maximum is not None else 1_000_000.0,
            )
            double.setValue(float(view.value))
            double.setReadOnly(read_only)
            return double, double.value, True
        if view.kind == "bool":
            check = QCheckBox(self.tr("Yes"))
            check.setChecked(bool(view.value))
            check.setEnabled(not read_only)
            return check, check.isChecked, True
        if view.choices:
            box = QComboBox()
            for code, label in view.choices:
                box.addItem(label, code)
            box.setCurrentIndex(max(box.findData(str(view.value)), 0))
            box.setEnabled(not read_only)
            return box, box.currentData, True
        if view.kind == "str":
            line = QLineEdit(str(view.value))
            line.setMinimumWidth(240)
            line.setReadOnly(read_only)
            return line, line.text, True
        if view.kind == "list" and view.key in EDITABLE_LISTS:
            days = QLineEdit(", ".join(_show_day(v) for v in view.value))
            days.setMinimumWidth(480)
            days.setPlaceholderText(self.tr("e.g. 08/05/2026, 29/12/2026"))
            days.setReadOnly(read_only)
            return days, lambda: parse_holidays(days.text()), True
        text = QPlainTextEdit()
        text.setReadOnly(True)
        text.setMaximumHeight(110)
        text.setMinimumWidth(480)
        if view.kind == "dict":
            text.setPlainText("\n".join(f"{k}: {v}" for k, v in view.value.items()))
        else:
            text.setPlainText(show_value(view.kind, view.value, view.choices))
        return text, lambda: view.value, False

    def _set_editing(self, on: bool) -> None:
        self.head_note.setVisible(not self.can_edit)
        self.date_edit.setEnabled(on)
        self.pdu_only.setEnabled(on and self.ctx.pdu is not None)
        self.save_button.setEnabled(on)

    def _show_history(self, view: SettingView) -> None:
        if not view.history:
            self.history_label.setText(self.tr("History: the default only, never changed."))
            return
        rows = [
            [
                fmt_date(change.effective_from),
                show_value(view.kind, change.value, view.choices),
                "This PDU" if change.pdu_own else "National",
            ]
            for change in view.history
        ]
        table = html_table(["From", "Value", "For"], rows)
        self.history_label.setText(f"History:<br>{table}")

    # --- saving ---------------------------------------------------------------
    @Slot()
    def save(self) -> None:
        """Store the value from the chosen date (the service checks and records it)."""
        key = self.current_key()
        if key is None or self._getter is None or not self.can_edit:
            return
        self.error_label.hide()
        try:
            value = self._getter()
        except UserError as exc:
            self._show_error(exc)
            return
        day = self.date_edit.date()
        effective_from = date(day.year(), day.month(), day.day())
        pdu = self.ctx.pdu
        pdu_id = pdu.id if pdu is not None and self.pdu_only.isChecked() else None
        self.ctx.ops.write(settings.put, key, value, effective_from, pdu_id).then(
            self._saved, on_failure=self._show_error
        )

    def _saved(self, _result: object) -> None:
        self.reload()

    def _show_error(self, error: BaseException) -> None:
        if isinstance(error, UserError):
            self.error_label.setText(str(error))
            self.error_label.show()
            return
        show_error(self, error)

    def error_text(self) -> str:
        return "" if self.error_label.isHidden() else self.error_label.text()


class SettingsDialog(QDialog):
    """The settings panel in a dialog of its own (Tools > Settings)."""

    help_page = "settings.html"  # F1 opens the guide here

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.setAccessibleName(self.tr("Settings"))
        self.resize(1000, 720)
        layout = QVBoxLayout(self)
        self.panel = SettingsPanel(ctx, self)
        layout.addWidget(self.panel, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def __getattr__(self, name: str) -> Any:
        """The panel's parts, as the dialog's own (``dialog.choose``, ``dialog.table``)."""
        if name == "panel":
            raise AttributeError(name)
        return getattr(self.panel, name)
