"""Keyboard habits every screen shares: Tab moves between controls, never through cells."""

from __future__ import annotations

import itertools

from PySide6.QtWidgets import QAbstractItemView, QWidget


def tab_leaves_tables(root: QWidget) -> None:
    """Make Tab leave every table and list under ``root`` (arrow keys still walk the cells)."""
    views = root.findChildren(QAbstractItemView)
    if isinstance(root, QAbstractItemView):
        views.append(root)
    for view in views:
        view.setTabKeyNavigation(False)


def chain_tab_order(*widgets: QWidget) -> None:
    """Tab goes through ``widgets`` in this order (hidden or disabled ones are skipped)."""
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)
