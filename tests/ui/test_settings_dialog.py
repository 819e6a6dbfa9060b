"""The settings dialog driven like a person: choose a setting, change it, save (DOMAIN.md)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QSpinBox

from app.services.core import settings
from app.services.core.changes import ChangeSet, Kind
from app.ui.app import build_window
from app.ui.main_window import MainWindow
from app.ui.settings.dialog import SETTING, VALUE, SettingsDialog
from tests.conftest import TODAY


def _window(qtbot: Any, store: Any, **kw: Any) -> MainWindow:
    window = build_window(store, inline_ops=True, **kw)
    qtbot.addWidget(window)
    window.show()
    return window


def _dialog(qtbot: Any, window: MainWindow) -> SettingsDialog:
    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _get(store: Any, key: str, pdu_id: int | None = None) -> Any:
    with store.sessions() as session:
        return settings.get(session, key, TODAY, pdu_id)


def test_the_action_opens_the_dialog_and_a_new_value_is_saved(qtbot: Any, store: Any) -> None:
    window = _window(qtbot, store)
    assert window.settings_action.shortcut().toString() == "Ctrl+,"
    changes: list[ChangeSet] = []
    window.ctx.broadcast.data_changed.connect(changes.append)
    seen: dict[str, Any] = {}

    def drive() -> None:
        dialog = window.settings_dialog
        if not isinstance(dialog, SettingsDialog):
            QTimer.singleShot(10, drive)
            return
        try:
            dialog.choose("po_mix_min_cases")
            seen["title"] = dialog.title_label.text()
            editor = dialog.editor
            if isinstance(editor, QSpinBox):
                seen["range"] = (editor.minimum(), editor.maximum())
                editor.setValue(6)
            seen["date"] = dialog.date_edit.text()
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
            seen["table"] = dialog.row_text("po_mix_min_cases", VALUE)
            seen["from"] = dialog.row_text("po_mix_min_cases", 3)
            seen["error"] = dialog.error_text()
            seen["history"] = dialog.history_label.text()
            seen["chosen"] = dialog.current_key()
        finally:
            dialog.reject()  # never leave the modal dialog open, even on a failure

    QTimer.singleShot(0, drive)
    window.settings_action.trigger()

    assert seen["title"].startswith("<b>Cases a PO holds before a mix")
    assert seen["range"] == (1, 100)
    assert seen["date"] == "25/11/2026"
    assert seen["error"] == ""
    assert seen["table"] == "6"
    assert seen["from"] == "25/11/2026, national"
    assert "National" in seen["history"]
    assert seen["chosen"] == "po_mix_min_cases"
    assert _get(store, "po_mix_min_cases") == 6
    assert changes and changes[-1].touches(Kind.SETTING)
    assert window.settings_dialog is None


def test_the_table_is_generated_from_the_declarations(qtbot: Any, store: Any) -> None:
    window = _window(qtbot, store)
    dialog = _dialog(qtbot, window)
    labels = [dialog.table.item(r, SETTING).text() for r in range(dialog.table.rowCount())]
    assert len(labels) == len(settings.SETTINGS)
    assert dialog.row_text("foreign_travel_restrictive", VALUE) == "Yes"
    assert dialog.row_text("extra_bank_holidays", VALUE) == "None"
    dialog.choose("foreign_travel_restrictive")
    assert isinstance(dialog.editor, QCheckBox)
    assert dialog.row_text("week_end_day", VALUE) == "Friday"  # a day in words, not FRI
    dialog.choose("week_end_day")
    assert isinstance(dialog.editor, QComboBox) and dialog.editor.currentText() == "Friday"
    assert dialog.editor.count() == 7
    dialog.choose("workload_points")
    assert isinstance(dialog.editor, QPlainTextEdit) and dialog.editor.isReadOnly()
    assert "later version" in dialog.note.text()
    assert not dialog.save_button.isEnabled()
    dialog.close()


def test_a_bad_bank_holiday_shows_the_error_and_saves_nothing(qtbot: Any, store: Any) -> None:
    window = _window(qtbot, store)
    dialog = _dialog(qtbot, window)
    dialog.choose("extra_bank_holidays")
    editor = dialog.editor
    assert isinstance(editor, QLineEdit) and dialog.save_button.isEnabled()
    editor.setText("29/12/2026, 31/02/2027")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "'31/02/2027'" in dialog.error_text()
    assert _get(store, "extra_bank_holidays") == []

    editor.setText("29/12/2026, 08/05/2026")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text() == ""
    assert _get(store, "extra_bank_holidays") == ["2026-05-08", "2026-12-29"]
    assert dialog.row_text("extra_bank_holidays", VALUE) == "08/05/2026, 29/12/2026"
    dialog.close()


def test_a_pdu_own_value_is_saved_for_that_pdu_only(qtbot: Any, store: Any) -> None:
    window = _window(qtbot, store)
    window.pdu_box.setCurrentIndex(0)  # an empty database: the first start asks for the PDU
    pdu = window.ctx.pdu
    assert pdu is not None
    dialog = _dialog(qtbot, window)
    dialog.choose("ete_share_percent")
    editor = dialog.editor
    assert editor is not None
    editor.setValue(30.0)  # type: ignore[attr-defined]
    dialog.pdu_only.setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert _get(store, "ete_share_percent", pdu.id) == 30.0
    assert _get(store, "ete_share_percent") == 20.0
    assert dialog.row_text("ete_share_percent", 3) == "25/11/2026, this PDU"
    dialog.close()


def test_a_user_who_is_not_head_of_pdu_sees_everything_read_only(qtbot: Any, store: Any) -> None:
    from app.domain.codes import Role
    from app.services.core.actor import local_actor

    with store.sessions.begin() as session:
        head = local_actor(session)
    window = _window(qtbot, store, actor=replace(head, role=Role.SPO))
    dialog = _dialog(qtbot, window)
    assert dialog.head_note.text() == "Only the Head of PDU changes settings."
    dialog.choose("po_mix_min_cases")
    editor = dialog.editor
    assert isinstance(editor, QSpinBox) and editor.isReadOnly()
    assert not dialog.save_button.isEnabled()
    assert not dialog.date_edit.isEnabled()
    dialog.save()
    assert _get(store, "po_mix_min_cases") == 5
    dialog.close()
