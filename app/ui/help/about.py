"""The About box: version, the database (path and kind), the licence and third-party licences."""

from __future__ import annotations

import html
from importlib.resources import files

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.services.core.about import StoreFacts, store_facts
from app.ui.context import AppContext
from app.ui.help.icon import app_icon

LICENCES = "licences"


def licence_text(name: str) -> str:
    """A file of resources/licences (``THIRD-PARTY.txt``...), or a note that it is missing."""
    try:
        return files("app.resources").joinpath(LICENCES, name).read_text(encoding="utf-8")
    except OSError:
        return f"{name} is missing from this installation."


class AboutDialog(QDialog):
    """Version, database and licences; Copy puts the version and database on the clipboard."""

    help_page = "index.html#about"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("About PDU Manager"))
        self.setAccessibleName(self.tr("About PDU Manager"))
        self.resize(720, 560)
        self._build()
        self.ctx.ops.read(store_facts).then(self._show_store, on_failure=self._store_unknown)

    def _build(self) -> None:
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        self.heading = QLabel(
            self.tr(
                "<h2>PDU Manager %s</h2><p>Caseload, allocation and workload of a "
                "Probation Delivery Unit.</p>"
            )
            % html.escape(__version__)
        )
        self.heading.setAccessibleName(self.tr("Version"))
        self.database = QLabel(self.tr("Database: %s") % html.escape(self.ctx.store_label))
        self.database.setAccessibleName(self.tr("Database"))
        self.database.setWordWrap(True)
        self.database.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.addWidget(self.heading)
        text.addWidget(self.database)
        top.addLayout(text, 1)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Licences"))
        for title, name in (
            (self.tr("&Licence"), "LICENSE.txt"),
            (self.tr("&Third-party licences"), "THIRD-PARTY.txt"),
            (self.tr("&LGPL-3.0 (Qt)"), "LGPL-3.0.txt"),
            (self.tr("&GPL-3.0"), "GPL-3.0.txt"),
        ):
            page = QPlainTextEdit(licence_text(name))
            page.setReadOnly(True)
            page.setAccessibleName(title.replace("&", ""))
            self.tabs.addTab(page, title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("&Copy version and database"))
        self.copy_button.setToolTip(self.tr("For a support request: no personal data is copied"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self._copy)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    def _show_store(self, facts: StoreFacts) -> None:
        self.facts = facts
        schema = facts.schema or self.tr("none")
        self.database.setText(
            self.tr("<b>Database</b>: %s<br>%s<br>Schema: %s")
            % (html.escape(facts.kind), html.escape(facts.location), html.escape(schema))
        )

    def _store_unknown(self, error: BaseException) -> None:
        self.database.setText(
            self.tr("Database: %s (not readable just now: %s)")
            % (html.escape(self.ctx.store_label), html.escape(str(error)))
        )

    def summary(self) -> str:
        """The version and database in plain text, as Copy puts them on the clipboard."""
        facts = getattr(self, "facts", None)
        where = (
            f"{facts.kind}: {facts.location} (schema {facts.schema})"
            if isinstance(facts, StoreFacts)
            else self.ctx.store_label
        )
        return f"PDU Manager {__version__}\nDatabase: {where}"

    @Slot()
    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.summary())
