"""The Returns and Overview screens driven like a person would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTableView
from sqlalchemy import select

from app.db.models import WeeklyReturn
from app.domain.codes import Role
from app.ui.app import build_window
from app.ui.overview.screen import OverviewScreen
from app.ui.returns.screen import ReturnsScreen
from tests.services.returns_setup import FRIDAY, admin, build_pdu
from tests.ui.helpers import signed_in, when_modal


@pytest.fixture(autouse=True)
def _friday(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDU_MANAGER_TODAY", FRIDAY)


@pytest.fixture
def data(store: Any) -> Any:
    with store.sessions.begin() as session:
        return build_pdu(session)


def _window(qtbot: Any, store: Any, actor: Any = None, **kw: Any) -> Any:
    window = build_window(store, actor or signed_in(store), inline_ops=True, **kw)
    qtbot.addWidget(window)
    window.show()
    return window


def _figures(screen: ReturnsScreen, tab: int) -> dict[str, str]:
    page = screen.tabs.widget(tab)
    first = page.findChildren(QTableView)[0]
    model = first.model()
    return {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}


def test_this_week_is_previewed_by_default_with_every_section(
    qtbot: Any, store: Any, data: Any
) -> None:
    screen = _window(qtbot, store).open_screen("Returns")
    assert isinstance(screen, ReturnsScreen)
    assert screen.week_edit.text() == "27/11/2026"
    titles = [screen.tabs.tabText(i) for i in range(screen.tabs.count())]
    assert titles == [
        "Caseload",
        "Allocation",
        "Workload and balance",
        "Unpaid work",
        "Victim liaison",
    ]
    assert _figures(screen, 0)["Active cases"] == "5"
    assert _figures(screen, 1)["Allocated by the deadline (%)"] == "0.0%"
    assert _figures(screen, 3)["Stand-down rate (sessions stood down / scheduled)"] == "–"
    assert "nothing is stored" in screen.status.text()


def test_a_week_ending_on_another_day_says_why(qtbot: Any, store: Any, data: Any) -> None:
    screen = _window(qtbot, store).open_screen("Returns")
    qtbot.keyClicks(screen.week_edit, "26/11/2026")
    screen.week_edit.setDate(screen.week_edit.date().addDays(-1))
    assert "is a Thursday" in screen.status.text()
    assert screen.tabs.count() == 0


def test_export_writes_both_files_and_lists_the_return(
    qtbot: Any, store: Any, data: Any, tmp_path: Path
) -> None:
    screen = _window(qtbot, store).open_screen("Returns")
    screen.export_folder = tmp_path / "returns"
    screen.export_folder.mkdir()
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    assert sorted(p.suffix for p in screen.export_folder.iterdir()) == [".pdf", ".xlsx"]
    assert screen.open_folder_button.isEnabled()
    assert screen.history_model.rowCount() == 1
    row = screen.history_model.cells(screen.history_model.versions[0])
    assert row[:3] == ("27/11/2026", "1", screen.ctx.actor.display_name)
    assert row[4] == screen.ctx.actor.display_name  # exported by
    assert "version 1" in screen.status.text()
    with store.sessions() as s:
        assert s.scalar(select(WeeklyReturn.exports)) == 1


def test_the_head_signs_off_and_the_return_is_frozen(
    qtbot: Any, store: Any, data: Any, tmp_path: Path
) -> None:
    screen = _window(qtbot, store).open_screen("Returns")
    screen.export_folder = tmp_path
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    assert screen.sign_off_button.isEnabled()

    def yes(box: QMessageBox) -> None:
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(yes)
    qtbot.mouseClick(screen.sign_off_button, Qt.MouseButton.LeftButton)
    assert "frozen" in screen.status.text()
    assert not screen.sign_off_button.isEnabled()
    signed = screen.history_model.cells(screen.history_model.versions[0])
    assert signed[6] == screen.ctx.actor.display_name
    with store.sessions() as s:
        assert s.scalar(select(WeeklyReturn.signed_off_at)) is not None


def test_admin_staff_export_but_see_no_sign_off(qtbot: Any, store: Any, data: Any) -> None:
    with store.sessions.begin() as s:
        actor = admin(s)
    screen = _window(qtbot, store, actor=actor).open_screen("Returns")
    assert screen.export_button.isEnabled()
    assert not screen.sign_off_button.isVisible()
    assert not screen.correct_button.isVisible()


# -- the Overview -------------------------------------------------------------------------


def test_the_overview_is_the_first_screen_with_coloured_figures(
    qtbot: Any, store: Any, data: Any
) -> None:
    window = _window(qtbot, store)
    screen = window.stack.currentWidget()
    assert isinstance(screen, OverviewScreen)
    cards = {c.glance.label: c for c in screen.cards}
    on_time = cards["Allocated within 5 working days"]
    assert on_time.value_label.text() == "0.0%"
    assert on_time.band_label.text() == "Red"
    assert cards["Mean capacity"].band_label.text() == "Green"
    assert cards["Stand-down rate"].band_label.text() == ""  # no base, no colour
    assert "27/11/2026" in screen.heading.text()


def test_each_action_today_links_to_the_screen_that_deals_with_it(
    qtbot: Any, store: Any, data: Any
) -> None:
    window = _window(qtbot, store)
    screen = window.stack.currentWidget()
    near = screen.action_buttons["near_limit"]
    assert "1 (1 overdue)" in near.text()
    links = {
        "near_limit": "Allocation",
        "no_supervisor": "Unpaid work",
        "victim_tasks": "Victim liaison",
        "reviews": "Allocation",
        "over_100": "Tiering balance",
        "over_110": "Tiering balance",
    }
    assert set(screen.action_buttons) == set(links)
    for key, title in links.items():
        window.open_screen("Overview")
        button = screen.action_buttons[key]
        assert button.isEnabled(), key
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert window.nav.currentItem().text() == title, key


def test_a_link_to_a_screen_the_user_cannot_open_is_off_and_says_who_can(
    qtbot: Any, store: Any, data: Any
) -> None:
    window = _window(qtbot, store, actor=signed_in(store, Role.ADMIN))
    screen = window.stack.currentWidget()
    victims = screen.action_buttons["victim_tasks"]
    assert not victims.isEnabled()
    assert victims.toolTip() == (
        "Only a victim liaison officer or the Head of PDU can open Victim liaison."
    )
    assert screen.action_buttons["no_supervisor"].isEnabled()


def test_the_demo_says_so_in_the_title_and_a_banner(qtbot: Any, store: Any, data: Any) -> None:
    window = _window(qtbot, store, demo=True)
    assert "demo" in window.windowTitle()
    assert window.stack.currentWidget().banner.isVisible()
    plain = _window(qtbot, store, actor=signed_in(store, Role.HEAD_OF_PDU))
    assert "demo" not in plain.windowTitle()
    assert not plain.stack.currentWidget().banner.isVisible()
