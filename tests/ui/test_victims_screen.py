"""The Victim liaison screen: the demo's VLO completes a task from the queue in two keystrokes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu
from sqlalchemy import select

from app.db.victim_models import VictimTask
from app.services.users.gate import Gate
from app.ui.app import build_window
from app.ui.victims.queue_model import SEALED, VICTIM


def _screen(qtbot, store, username):  # type: ignore[no-untyped-def]
    actor = Gate(store).sign_in(username, "demo").actor
    assert actor is not None
    window = build_window(store, actor, inline_ops=True)
    qtbot.addWidget(window)
    window.show()
    return window, window.open_screen("Victim liaison")


@pytest.mark.qt_log_ignore("This plugin does not support")  # the offscreen menu popup
def test_the_vlo_completes_the_chosen_task_with_ctrl_return_then_its_number(
    qtbot, demo_store
) -> None:  # type: ignore[no-untyped-def]
    window, screen = _screen(qtbot, demo_store, "vlo")
    assert screen.queue is not None and screen.queue.names_open
    overdue = [r for r in screen.queue.rows if r.days_overdue > 0]
    assert overdue
    task = overdue[0]
    assert screen.select_task(task.task_id)
    screen.tree.setFocus()
    qtbot.keyClick(screen.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    menu = screen.outcome_menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    qtbot.keyClick(menu, Qt.Key.Key_1)
    with demo_store.sessions() as session:
        stored = session.get(VictimTask, task.task_id)
        assert stored.status == "COMPLETED"
        assert stored.outcome == task.outcomes[0].value
    assert task.task_id not in screen.model.rows  # left the queue; kept in the case's history
    assert any("Completed" in e.status for e in screen.case.timeline)
    window.close()


def test_the_lock_drops_every_victim_name_the_screen_held(qtbot, demo_store) -> None:  # type: ignore[no-untyped-def]
    window, screen = _screen(qtbot, demo_store, "vlo")
    names = {r.victim_name for r in screen.queue.rows if r.victim_name}
    assert names
    window.ctx.secrets.drop_all()
    assert not window.ctx.actor.keyring.is_open
    assert screen.model.rows == {} and screen.detail.toPlainText() == ""
    screen.refresh()
    shown = {
        screen.model.item(g).child(r, VICTIM).text()
        for g in range(screen.model.rowCount())
        for r in range(screen.model.item(g).rowCount())
    }
    assert not names & shown and SEALED in shown
    window.close()


def test_an_spo_cannot_open_victim_liaison(qtbot, demo_store) -> None:  # type: ignore[no-untyped-def]
    actor = Gate(demo_store).sign_in("spo", "demo").actor
    window = build_window(demo_store, actor, inline_ops=True)
    qtbot.addWidget(window)
    with pytest.raises(PermissionError):
        window.open_screen("Victim liaison")
    window.close()
    assert QApplication.instance() is not None
    with demo_store.sessions() as session:
        assert session.scalar(select(VictimTask.id).limit(1)) is not None
