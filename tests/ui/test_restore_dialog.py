"""File > Restore from backup…, driven like a person; an unexpected error shown and logged."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from sqlalchemy import text

from app.db.engine import data_dir
from app.services import maintenance
from app.ui.app import build_window
from app.ui.backups.dialog import RestoreDialog
from app.ui.errors import setup_logging, show_error
from app.ui.main_window import MainWindow
from tests.ui.helpers import signed_in, when_modal


def _window(qtbot: Any, store: Any) -> MainWindow:
    window = build_window(store, signed_in(store), inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    return window


def _leeds(store: Any) -> str:
    with store.engine.connect() as conn:
        return str(conn.execute(text("SELECT name FROM pdu WHERE number = 17")).scalar())


@pytest.mark.sqlite_only(reason="a shared store is restored with pg_restore, not from the window")
def test_restoring_the_daily_backup_from_the_file_menu(qtbot: Any, store: Any) -> None:
    window = _window(qtbot, store)
    assert window.restore_action.isEnabled()
    assert maintenance.daily_backup(store.url) is not None
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE pdu SET name = 'Renamed' WHERE number = 17"))
    told: list[str] = []

    def restore_in_dialog(dialog: RestoreDialog) -> None:
        assert dialog.backups.count() == 1
        assert "(daily backup)" in dialog.backups.item(0).text()
        dialog.backups.setCurrentRow(0)
        when_modal(answer_yes)
        dialog.restore_button.click()

    def answer_yes(box: QMessageBox) -> None:
        when_modal(read_result)
        box.button(QMessageBox.StandardButton.Yes).click()

    def read_result(box: QMessageBox) -> None:
        told.append(box.text())
        box.accept()

    when_modal(restore_in_dialog)
    window.open_restore()
    assert _leeds(store) == "Leeds"
    assert told and told[0].startswith("The database was restored from")
    kinds = {b.kind for b in maintenance.list_backups(store.url)}
    assert kinds == {"daily", "before-restore"}  # the database as it was is kept


def test_an_unexpected_error_is_shown_plainly_logged_and_offered_for_copying(
    qtbot: Any, store: Any
) -> None:
    log_file = setup_logging(data_dir() / "logs")
    window = _window(qtbot, store)
    seen: list[str] = []

    def copy_details(box: QMessageBox) -> None:
        seen.append(box.text())
        (copy,) = [b for b in box.buttons() if b.text() == "Copy details"]
        assert isinstance(copy, QPushButton)
        copy.click()

    when_modal(copy_details)
    try:
        raise KeyError("a bug")
    except KeyError as exc:
        show_error(window, exc)
    assert seen and seen[0].startswith("Sorry: PDU Manager hit a problem it did not expect")
    assert "KeyError: 'a bug'" in log_file.read_text(encoding="utf-8")
    assert "KeyError: 'a bug'" in QApplication.clipboard().text()
    assert log_file.stat().st_mode & 0o077 == 0
