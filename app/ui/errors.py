"""How the user sees a failure: three kinds, each handled here (STYLE.md)."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.services.core.errors import ConflictError, UserError, is_store_unavailable
from app.services.core.logfile import start_log
from app.services.core.store import SchemaError

log = logging.getLogger("pdu_manager")
_log_file: Path | None = None


def setup_logging(directory: Path) -> Path:
    """A rotating, owner-only log in the user's data folder; never log personal data."""
    global _log_file
    _log_file = start_log(directory)
    return _log_file


def _last_log_lines(n: int = 20) -> str:
    if _log_file is None or not _log_file.exists():
        return ""
    return "\n".join(_log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])


def describe(error: BaseException) -> tuple[str, str]:
    """A title and a message for the user."""
    if isinstance(error, ConflictError):
        return "Someone else changed this first", str(error)
    if isinstance(error, UserError | SchemaError):
        return "Please check", str(error)
    if is_store_unavailable(error):
        return (
            "The database is not available",
            "PDU Manager could not reach its database (it may be locked by another "
            "program, read-only, or the disk may be full). Nothing was lost: try again "
            "in a moment.",
        )
    return "Something went wrong", (
        "Sorry: PDU Manager hit a problem it did not expect. What you were doing was "
        "not saved; everything saved before is safe."
    )


def ask_retry(parent: QWidget | None, error: BaseException) -> bool:
    """The store is unavailable: offer to try the same thing again."""
    title, message = describe(error)
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=parent)
    box.setStandardButtons(QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Retry)
    return box.exec() == QMessageBox.StandardButton.Retry


def show_error(parent: QWidget | None, error: BaseException) -> None:
    title, message = describe(error)
    if isinstance(error, UserError | SchemaError) or is_store_unavailable(error):
        QMessageBox.warning(parent, title, message)
        return
    details = "".join(traceback.format_exception(error))
    log.error("Unexpected error\n%s", details)
    box = QMessageBox(QMessageBox.Icon.Critical, title, message, parent=parent)
    box.setDetailedText(details + "\n--- recent log ---\n" + _last_log_lines())
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is copy:
        QApplication.clipboard().setText(box.detailedText())


def install_excepthook() -> None:
    """Unexpected errors on the GUI thread are logged and shown, never swallowed."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if QApplication.instance() is None:
            sys.__excepthook__(kind, value, tb)
            return
        show_error(QApplication.activeWindow(), value)

    sys.excepthook = hook
