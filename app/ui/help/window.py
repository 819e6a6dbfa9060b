"""The guide's window: the page for the screen in front of the user, and the glossary."""

from __future__ import annotations

from contextlib import ExitStack
from importlib.resources import as_file, files

from PySide6.QtCore import QUrl, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

INDEX = "index.html"
GLOSSARY = "glossary.html"


class HelpWindow(QDialog):
    """A browser over the shipped guide; links between its pages work, outside links open too."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("PDU Manager guide"))
        self.setAccessibleName(self.tr("PDU Manager guide"))
        self.resize(760, 620)
        self._files = ExitStack()
        folder = self._files.enter_context(as_file(files("app.resources").joinpath("help")))
        self.browser = QTextBrowser()
        self.browser.setAccessibleName(self.tr("Guide page"))
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(folder)])
        self.back_button = QPushButton(self.tr("&Back"))
        self.contents_button = QPushButton(self.tr("&Contents"))
        self.glossary_button = QPushButton(self.tr("&Glossary"))
        self.close_button = QPushButton(self.tr("Close"))
        buttons = QHBoxLayout()
        for button in (self.back_button, self.contents_button, self.glossary_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(self.browser.backward)
        self.contents_button.clicked.connect(lambda: self.show_page(INDEX))
        self.glossary_button.clicked.connect(lambda: self.show_page(GLOSSARY))
        self.close_button.clicked.connect(self.close)
        self.finished.connect(self._release)

    def show_page(self, page: str) -> None:
        """Open ``page`` (``caseload.html``, ``glossary.html#risk``) and bring the window up."""
        self.browser.setSource(QUrl(page))
        if not self.browser.toPlainText().strip():
            self.browser.setSource(QUrl(INDEX))  # a page not written yet: the contents
        self.show()
        self.raise_()
        self.activateWindow()

    @Slot()
    def _release(self) -> None:
        self._files.close()
