"""Restoring a backup from the window (File > Restore from backup…), SPEC.md 9.

Lists the backups kept of this database, newest first (daily, before an
upgrade, before a restore), or takes a file the user chooses; asks once,
restores, then says what the restore brought back that differs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import maintenance
from app.ui.context import AppContext


class RestoreDialog(QDialog):
    """Choose a backup and restore it. ``restored`` holds the result once done."""

    help_page = "backups.html#restore"  # F1 opens the guide here

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.restored: maintenance.RestoreResult | None = None
        self.setWindowTitle(self.tr("Restore from backup"))
        self.setAccessibleName(self.tr("Restore from backup"))
        self._build()
        self._load()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Restoring replaces everything in the database with the backup. The database "
                "as it is now is kept in the backups folder first, so a restore can be undone."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.backups = QListWidget()
        self.backups.setAccessibleName(self.tr("Backups of this database"))
        self.backups.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.backups)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.choose_button = QPushButton(self.tr("Choose a file…"))
        self.choose_button.clicked.connect(self._choose_file)
        self.restore_button = QPushButton(self.tr("Restore"))
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self._restore_selected)
        buttons.addButton(self.choose_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _load(self) -> None:
        self.ctx.ops.read(maintenance.backups_of).then(self._show_backups)

    def _show_backups(self, found: list[maintenance.BackupFile]) -> None:
        self.backups.clear()
        for backup in found:
            item = QListWidgetItem(maintenance.describe_backup(backup))
            item.setData(Qt.ItemDataRole.UserRole, str(backup.path))
            self.backups.addItem(item)
        if self.backups.count() == 0:
            self.backups.addItem(self.tr("No backups yet: choose a file"))
            self.backups.setEnabled(False)

    @Slot()
    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(bool(self.backups.selectedItems()))

    @Slot()
    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a backup"), "", self.tr("Databases (*.sqlite3 *.db)")
        )
        if name:
            self.restore(Path(name))

    @Slot()
    def _restore_selected(self) -> None:
        items = self.backups.selectedItems()
        if items:
            self.restore(Path(str(items[0].data(Qt.ItemDataRole.UserRole))))

    def restore(self, path: Path) -> None:
        """Ask once, then restore ``path`` (tests call this too)."""
        answer = QMessageBox.question(
            self,
            self.tr("Restore from backup"),
            self.tr("Replace the database with the backup %s?") % path.name,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.ops.long_read(
            self, self.tr("Restoring the backup…"), maintenance.restore_from_window, path
        ).then(self._restored)

    def _restored(self, result: maintenance.RestoreResult) -> None:
        self.restored = result
        lines = [self.tr("The database was restored from %s.") % result.backup.name]
        if result.safety_copy is not None:
            lines.append(self.tr("The database as it was is kept in %s.") % result.safety_copy)
        if result.differences:
            lines.append(self.tr("What the restore brought back that differs:"))
            lines += [f"• {line}" for line in result.differences]
        QMessageBox.information(self, self.tr("Restored"), "\n".join(lines))
        self.ctx.broadcast.data_changed.emit(result.changes)
        self.accept()
