"""The recovery key, shown once to the Head of PDU who first gave someone the VLO role.

Its private half is never stored: this dialog is the only time anyone sees
it. Printed and kept locked away, it lets a Head of PDU open victims' details
again when every VLO and Head has lost their password
(:func:`app.services.victims.keys.recover`). Closing the dialog forgets it.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QCloseEvent, QFontDatabase, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

EXPLAINED = (
    "Victims' details are now sealed with a key of their own. This is its recovery key: "
    "print it and keep it locked away, apart from the computer. It is shown only now and "
    "is not kept anywhere. If every victim liaison officer and Head of PDU lost their "
    "password, a Head of PDU could open victims' details again with it."
)


class RecoveryKeyDialog(QDialog):
    """The recovery key in large type, to print; forgotten when the dialog closes."""

    help_page = "administration.html#recovery"  # F1 opens the guide here

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("The recovery key for victims' details"))
        explained = QLabel(self.tr(EXPLAINED))
        explained.setWordWrap(True)
        self.key = QPlainTextEdit(text)
        self.key.setReadOnly(True)
        self.key.setAccessibleName(self.tr("Recovery key"))
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(font.pointSize() + 4)
        self.key.setFont(font)
        self.key.setMaximumHeight(self.key.fontMetrics().lineSpacing() * 4 + 16)
        self.print_button = QPushButton(self.tr("&Print…"))
        self.print_button.clicked.connect(self.print_key)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explained)
        layout.addWidget(self.key)
        layout.addWidget(buttons)

    def document(self) -> QTextDocument:
        """What is printed: the explanation and the key."""
        doc = QTextDocument()
        doc.setPlainText(f"{self.tr(EXPLAINED)}\n\n{self.key.toPlainText()}\n")
        return doc

    @Slot()
    def print_key(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self.document().print_(printer)

    def done(self, result: int) -> None:
        self.key.clear()  # the key leaves memory with the dialog
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.key.clear()
        super().closeEvent(event)
