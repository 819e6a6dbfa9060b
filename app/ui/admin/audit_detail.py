"""One audit entry opened: who, when, what, every field before and after."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.admin.audit_log import AuditDetail


class AuditDetailDialog(QDialog):
    """The entry in full; Open the case when it is about one.

    Signals: ``case_opened(person_id: int, crn: str)``.
    """

    help_page = "administration.html#audit"  # F1 opens the guide here

    case_opened = Signal(int, str)

    def __init__(self, detail: AuditDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail = detail
        row = detail.row
        title = self.tr("Audit entry: %s") % row.action
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        when = row.at.astimezone().strftime("%d/%m/%Y %H:%M:%S")
        login = f", computer login {row.os_login}" if row.os_login else ""
        self.header = QLabel(
            f"<b>{row.action}</b>: {row.record}<br>{when} by {row.who}{login}<br>{row.summary}"
        )
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        self.changes = QTableWidget(len(detail.changes), 3)
        self.changes.setHorizontalHeaderLabels(
            [self.tr("Field"), self.tr("Before"), self.tr("After")]
        )
        self.changes.setAccessibleName(self.tr("Before and after"))
        self.changes.verticalHeader().setVisible(False)
        self.changes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for i, change in enumerate(detail.changes):
            for j, text in enumerate((change.field, change.before, change.after)):
                self.changes.setItem(i, j, QTableWidgetItem(text))
        layout.addWidget(self.changes, 1)
        other = "<br>".join(f"{k}: {v}" for k, v in detail.other)
        self.other = QLabel(other)
        self.other.setWordWrap(True)
        self.other.setAccessibleName(self.tr("Other details"))
        layout.addWidget(self.other)
        chain = QLabel(self.tr("Chain hash: %s") % detail.hash)
        chain.setTextInteractionFlags(chain.textInteractionFlags())
        layout.addWidget(chain)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.case_button = buttons.addButton(
            self.tr("Open the &case"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.case_button.setVisible(detail.case_id is not None)
        self.case_button.clicked.connect(self._open_case)
        layout.addWidget(buttons)

    @Slot()
    def _open_case(self) -> None:
        if self.detail.case_id is not None:
            self.case_opened.emit(self.detail.case_id, self.detail.entity_id)
            self.accept()
