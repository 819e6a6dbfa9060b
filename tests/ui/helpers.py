"""Driving modal dialogs from tests: they block the test's thread until closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.domain.codes import Role
from app.services.core.actor import Actor


def when_modal(handle: Callable[[Any], None], kind: type | None = None) -> None:
    """Run ``handle`` on the modal window once it is showing (one of ``kind`` if given)."""

    def run() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or (kind is not None and not isinstance(widget, kind)):
            QTimer.singleShot(10, run)
            return
        handle(widget)

    QTimer.singleShot(0, run)


def signed_in(store: Any, *roles: Role, **kw: Any) -> Actor:
    """A stored account (a Head of PDU of PDU 17 unless told), as if it had signed in."""
    from tests import factories as f

    with store.sessions.begin() as session:
        return f.actor(session, *(roles or (Role.HEAD_OF_PDU,)), **kw)


def model_indexes(model: Any, col: int, limit: int = 120) -> list[Any]:
    """The first rows of a table, or of a tree depth first, in one column."""
    found: list[Any] = []
    stack = [model.index(r, 0) for r in reversed(range(model.rowCount()))]
    while stack and len(found) < limit:
        first = stack.pop()
        found.append(first.siblingAtColumn(col))
        stack.extend(model.index(r, 0, first) for r in reversed(range(model.rowCount(first))))
    return found
