"""Every screen at the office laptop sizes: no header and no key value cut short."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTreeView

from app.services.users.gate import Gate
from app.ui.app import build_window
from app.ui.main_window import SCREENS
from app.ui.widgets.columns import ELIDABLE
from tests.ui.helpers import model_indexes as _indexes

SIZES = [(1366, 768), (1280, 800)]


def _views(widget: Any) -> list[QAbstractItemView]:
    return [
        v
        for v in widget.findChildren(QAbstractItemView)
        if isinstance(v, QTableView | QTreeView) and v.isVisibleTo(widget) and v.model()
    ]


def _cut(view: QTableView | QTreeView) -> list[str]:
    """What this view shows cut short: headers that do not fit, and values that do not."""
    header: QHeaderView = view.header() if isinstance(view, QTreeView) else view.horizontalHeader()
    model = view.model()
    elidable = set(view.property(ELIDABLE) or [])
    problems = []
    for col in range(model.columnCount()):
        if header.isSectionHidden(col) or header.sectionSize(col) == 0:
            continue
        width = header.sectionSize(col)
        title = str(model.headerData(col, header.orientation()) or "")
        if header.sectionSizeFromContents(col).width() > width + 1:
            problems.append(f"header {title!r} ({width}px)")
        last = max(c for c in range(model.columnCount()) if not header.isSectionHidden(c))
        stretched = header.sectionResizeMode(col) == QHeaderView.ResizeMode.Stretch or (
            header.stretchLastSection() and col == last
        )
        if col in elidable or (stretched and view.wordWrap()):
            continue  # a name or a note may elide; wrapped text shows on more lines
        for index in _indexes(model, col):
            row = index.row()
            if isinstance(view, QTreeView) and view.isFirstColumnSpanned(row, index.parent()):
                continue  # a heading row across the whole tree
            text = index.data()
            if not text or "\n" in str(text):
                continue
            needed = view.sizeHintForIndex(index).width()
            if isinstance(view, QTreeView) and col == 0:
                needed += view.indentation() * _depth(index)
            if needed > width + 1:
                problems.append(f"{title!r} row {row}: {text!r} needs {needed}px of {width}px")
                break
    return problems


def _depth(index: Any) -> int:
    depth = 1
    while index.parent().isValid():
        index, depth = index.parent(), depth + 1
    return depth


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_shows_its_headers_and_key_values_whole(qtbot, demo_store, size) -> None:  # type: ignore[no-untyped-def]
    head = Gate(demo_store).demo_head()
    assert head is not None
    window = build_window(demo_store, head, inline_ops=True)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    problems = {}
    for entry in SCREENS:
        screen = window.open_screen(entry.title)
        for view in _views(screen):
            if isinstance(view, QTableView) and view.model().rowCount():
                view.selectRow(0)
        cut = [f"{v.accessibleName()}: {p}" for v in _views(screen) for p in _cut(v)]
        if cut:
            problems[entry.title] = cut
    assert problems == {}
    window.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_victim_liaison_with_a_vlo_signed_in_shows_names_and_values_whole(
    qtbot, demo_store, size
) -> None:  # type: ignore[no-untyped-def]
    vlo = Gate(demo_store).sign_in("vlo", "demo").actor
    assert vlo is not None
    window = build_window(demo_store, vlo, inline_ops=True)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    screen = window.open_screen("Victim liaison")
    screen.whose.setCurrentIndex(screen.whose.findData(-2))  # the whole PDU's tasks
    assert screen.queue is not None and screen.queue.names_open
    assert any(r.victim_name for r in screen.queue.rows)  # names shown, so measured
    assert screen.select_task(screen.queue.rows[0].task_id)
    cut = [f"{v.accessibleName()}: {p}" for v in _views(screen) for p in _cut(v)]
    assert cut == []
    buttons = [b for b in screen.case_buttons if b.isVisible()]
    assert all(b.width() >= b.sizeHint().width() for b in buttons)  # no button squeezed
    window.close()
