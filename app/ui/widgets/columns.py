"""Columns that fit what they show, and a choice of columns kept between runs.

Office laptops run at 1366x768 or 1280x800: a deadline, a status or a
capacity must never be cut to "01/09/202". Tables size each column to its
header and the rows on screen (Qt measures; the model's own text and font),
and long text columns wrap instead of running off the side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPoint, QSettings, Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

PADDING = 4
"""Room beside the text so a fitted column never shows it touching the edge."""

ELIDABLE = "elidable_columns"
"""A view's dynamic property naming the columns allowed to elide (checked by the tests)."""

FIT_ROWS = 60
"""Rows measured when fitting a column: more than a screen shows at once."""

Caps = Mapping[int, int]
"""Free-text columns (names) and the most pixels they may take; key columns have none."""


def fit_columns(view: QTableView, columns: Iterable[int] | None = None, caps: Caps = {}) -> None:  # noqa: B006 (read only)
    """Size these columns (every one by default) to their header and the rows in view.

    A column in ``caps`` (a name, a note) stops at its cap and elides; every
    other column shows its whole header and values.
    """
    model = view.model()
    if model is None:
        return
    view.setProperty(ELIDABLE, sorted(caps))
    wanted = range(model.columnCount()) if columns is None else columns
    header = view.horizontalHeader()
    # Qt measures the first 1,000 rows by default: a first page of the caseload is
    # fitted to the rows a person sees first, not to every row fetched (issue 21).
    header.setResizeContentsPrecision(FIT_ROWS)
    for col in wanted:
        if view.isColumnHidden(col) or header.sectionResizeMode(col) == (
            QHeaderView.ResizeMode.Stretch
        ):
            continue
        view.resizeColumnToContents(col)
        width = view.columnWidth(col) + PADDING
        view.setColumnWidth(col, min(width, caps.get(col, width)))


def wrap_column(view: QTableView, column: int) -> None:
    """One column takes the room left and wraps its text; rows grow to show every line."""
    view.setWordWrap(True)
    view.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


class ColumnChooser:
    """Right-click on a table's header to show or hide its columns; kept in QSettings."""

    def __init__(self, view: QTableView, key: str, always: Iterable[int] = (0,)) -> None:
        self.view, self.key, self.always = view, f"columns/{key}/hidden", frozenset(always)
        header = view.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._menu)
        self.restore()

    def restore(self) -> None:
        saved = QSettings().value(self.key, [])
        values = saved if isinstance(saved, list) else [saved]
        hidden = {int(str(c)) for c in values if str(c).isdigit()}
        for col in range(self._count()):
            self.view.setColumnHidden(col, col in hidden and col not in self.always)

    def hidden(self) -> list[int]:
        return [c for c in range(self._count()) if self.view.isColumnHidden(c)]

    def set_hidden(self, column: int, hidden: bool) -> None:
        if column in self.always:
            return
        self.view.setColumnHidden(column, hidden)
        QSettings().setValue(self.key, [str(c) for c in self.hidden()])
        if not hidden:
            fit_columns(self.view, [column])

    def _count(self) -> int:
        model = self.view.model()
        return 0 if model is None else model.columnCount()

    def _menu(self, at: QPoint) -> None:
        menu = QMenu(self.view)
        menu.setAccessibleName("Columns to show")
        model = self.view.model()
        for col in range(self._count()):
            title = str(model.headerData(col, Qt.Orientation.Horizontal) or "").replace("\n", " ")
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not self.view.isColumnHidden(col))
            action.setEnabled(col not in self.always)
            action.toggled.connect(lambda on, c=col: self.set_hidden(c, not on))
        menu.popup(self.view.horizontalHeader().mapToGlobal(at))


class WithSecondLine(QStyledItemDelegate):
    """Shows another column's text under a cell's own, so a table needs no reasons column.

    The view wraps the cell and grows the row to fit (see :func:`wrap_column`).
    """

    def __init__(self, second_column: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.second_column = second_column

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        extra = index.model().index(index.row(), self.second_column).data()
        if extra:
            option.text = f"{option.text}\u2028{extra}"  # a line break Qt always honours
