"""Right-click on any table: Copy, and Export to Excel of the rows as filtered and sorted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QTableView, QTreeView, QWidget

from app.services.core.tables import default_name, export_table
from app.ui.ops import Ops

Rows = tuple[list[str], list[list[str]]]
"""Column titles and each row's texts, in the order shown."""


def shown_rows(view: QTableView | QTreeView, selected_only: bool = False) -> Rows:
    """What the table shows: visible columns, rows in view order (all, or the selected)."""
    model = view.model()
    header = view.header() if isinstance(view, QTreeView) else view.horizontalHeader()
    columns = [c for c in range(model.columnCount()) if not header.isSectionHidden(c)]
    titles = [
        " ".join(str(model.headerData(c, Qt.Orientation.Horizontal) or "").split()) for c in columns
    ]
    chosen = (
        sorted({i.row() for i in view.selectionModel().selectedRows()})
        if selected_only and view.selectionModel() is not None
        else range(model.rowCount())
    )
    rows = [
        [" ".join(str(model.index(r, c).data() or "").split()) for c in columns] for r in chosen
    ]
    return titles, rows


class TableMenu:
    """Copy and Export to Excel on a table's context menu (and Ctrl+C for the selection).

    ``all_rows``: for a table that shows only some of its rows at a time (the
    caseload), a function giving every row of the current filter and sort.
    """

    def __init__(
        self,
        view: QTableView | QTreeView,
        title: str,
        ops: Ops,
        all_rows: Callable[[Callable[[Rows], None]], None] | None = None,
    ) -> None:
        self.view, self.title, self.ops, self.all_rows = view, title, ops, all_rows
        self.last_path: Path | None = None
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._menu)
        self.copy_action = QAction(view.tr("&Copy"), view)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.setStatusTip(view.tr("Copy the chosen rows, with the headings"))
        self.copy_action.triggered.connect(self.copy)
        self.export_action = QAction(view.tr("&Export to Excel…"), view)
        self.export_action.setStatusTip(view.tr("Save the rows as shown to an Excel workbook"))
        self.export_action.triggered.connect(self.ask_and_export)
        view.addAction(self.copy_action)

    def _menu(self, at: QPoint) -> None:
        menu = QMenu(self.view)
        menu.setAccessibleName(self.view.tr("Table actions"))
        menu.addAction(self.copy_action)
        menu.addAction(self.export_action)
        menu.popup(self.view.viewport().mapToGlobal(at))

    def copy(self) -> None:
        """The selected rows (or all, when none is chosen) as tab-separated text."""
        titles, rows = shown_rows(self.view, selected_only=True)
        if not rows:
            titles, rows = shown_rows(self.view)
        text = "\n".join("\t".join(line) for line in [titles, *rows])
        QGuiApplication.clipboard().setText(text)

    def ask_and_export(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self.view,
            self.view.tr("Export to Excel"),
            default_name(self.title),
            self.view.tr("Excel workbook (*.xlsx)"),
        )
        if chosen:
            self.export(Path(chosen))

    def export(self, path: Path, done: Callable[[Path], None] | None = None) -> None:
        """Write the rows as shown to ``path`` off the GUI thread, with a progress bar."""
        parent: QWidget = self.view.window()

        def write(rows: Rows) -> None:
            titles, values = rows
            self.ops.long_read(
                parent, self.view.tr("Exporting…"), export_table, path, self.title, titles, values
            ).then(lambda saved: self._saved(saved, done))

        if self.all_rows is not None:
            self.all_rows(write)
        else:
            write(shown_rows(self.view))

    def _saved(self, path: Path, done: Callable[[Path], None] | None) -> None:
        self.last_path = path
        bar = getattr(self.view.window(), "statusBar", None)
        if callable(bar):
            bar().showMessage(self.view.tr("Saved %s") % path, 8000)
        if done is not None:
            done(path)


def install_table_menus(root: QWidget, ops: Ops) -> list[TableMenu]:
    """Copy and Export to Excel on every table under ``root`` that has none yet."""
    menus = []
    for view in root.findChildren(QTableView):
        if view.property("table_menu") or view.model() is None:
            continue
        view.setProperty("table_menu", True)
        menus.append(TableMenu(view, view.accessibleName() or "Table", ops))
    return menus
