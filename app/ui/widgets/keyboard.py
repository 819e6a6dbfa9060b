"""Keyboard habits every screen shares: Tab moves between controls, never through cells."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QWidget


def tab_leaves_tables(root: QWidget) -> None:
    """Make Tab leave every table and list under ``root`` (arrow keys still walk the cells)."""
    views = root.findChildren(QAbstractItemView)
    if isinstance(root, QAbstractItemView):
        views.append(root)
    for view in views:
        view.setTabKeyNavigation(False)
