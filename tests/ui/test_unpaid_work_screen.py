"""The unpaid work screen: the grid, booking by drag and drop, a stand-down and a rebooking."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton
from sqlalchemy import select

from app.db.upw_models import UpwAttendance, UpwPlacement, UpwStandDown
from app.domain.codes import Role
from app.domain.unpaid_work import Notice, StandDownReason
from app.services.unpaid_work import booking, standdowns
from app.ui.app import build_window
from app.ui.unpaid_work.dialogs import RebookDialog, StandDownDialog
from app.ui.unpaid_work.models import ID_ROLE, PERSON_MIME
from tests.services import upw_helpers as h
from tests.ui.helpers import when_modal

SATURDAY = date(2026, 11, 28)
SUNDAY = date(2026, 11, 29)


def _data(store: Any) -> dict[str, Any]:
    with store.sessions.begin() as s:
        upw = h.setup(s)
        canal = h.project(
            s, upw.pdu_id, name="Canal clearance", places=4, start=time(9), end=time(12, 30)
        )
        park = h.project(s, upw.pdu_id, name="Park benches", places=4, start=time(13))
        first = h.upw_session(s, canal, SATURDAY, supervisor_id=upw.supervisor_id)
        later = h.upw_session(s, canal, SUNDAY, supervisor_id=upw.supervisor_id)
        other = h.upw_session(s, park, SATURDAY)
        adams, _ = h.person(s, upw.pdu_id, surname="Adams")
        brown, _ = h.person(s, upw.pdu_id, surname="Brown")
        booking.book(s, upw.manager, first.id, 1, adams)
        booking.book(s, upw.manager, first.id, 2, brown)
        return {
            "upw": upw,
            "first": first.id,
            "later": later.id,
            "other": other.id,
            "adams": adams,
            "brown": brown,
        }


def _screen(qtbot: Any, store: Any, role: Role = Role.UPW_MANAGER) -> Any:
    with store.sessions.begin() as s:
        who = h.actor(s, role)
    window = build_window(store, inline_ops=True, actor=who)
    qtbot.addWidget(window)
    window.show()
    screen = window.open_screen("Unpaid work")
    screen.errors = []
    screen.ctx.ops._show_error = screen.errors.append
    return screen


def test_the_grid_shows_each_session_with_supervisor_places_and_warnings(
    qtbot: Any, store: Any
) -> None:
    ids = _data(store)
    screen = _screen(qtbot, store)
    model = screen.schedule.grid_model
    assert model.rowCount() == 2 and model.columnCount() == 7
    assert model.headerData(5, Qt.Orientation.Horizontal) == "Sat 28/11"
    canal = model.index(0, 5).data()
    assert canal.splitlines()[:2] == ["Sam Sup", "2 of 4 places"]
    park = model.index(1, 5)
    assert park.data().startswith("No supervisor\n0 of 4 places")
    assert "No supervisor is assigned" in park.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, 0).data() is None  # no session on Monday
    assert model.index(0, 5).data(ID_ROLE) == ids["first"]


def test_dropping_a_person_on_a_cell_books_them(qtbot: Any, store: Any) -> None:
    ids = _data(store)
    screen = _screen(qtbot, store)
    tab = screen.schedule
    people = tab.people_model
    row = next(i for i, p in enumerate(people.people) if p.person_id == ids["adams"])
    mime = people.mimeData([people.index(row)])
    assert mime.hasFormat(PERSON_MIME)
    target = tab.grid_model.index(1, 5)  # Park benches on Saturday
    asked: list[str] = []

    def give_reason(dialog: Any) -> None:
        asked.append(dialog.labelText())
        dialog.setTextValue("Covering the afternoon")
        dialog.accept()

    when_modal(give_reason)  # Adams is already on the canal that day: a reason is asked for
    assert tab.grid_model.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)
    assert "is also booked on Canal clearance on 28/11/2026" in asked[0]
    with store.sessions() as s:
        booked = s.execute(
            select(UpwPlacement.person_id, UpwPlacement.override_reason).where(
                UpwPlacement.session_id == ids["other"]
            )
        ).all()
    assert [tuple(b) for b in booked] == [(ids["adams"], "Covering the afternoon")]
    # Adams is now booked twice on Saturday: both cells warn.
    assert "also booked on" in tab.grid_model.index(1, 5).data(Qt.ItemDataRole.ToolTipRole)


def test_standing_a_session_down_then_rebooking_one_person(qtbot: Any, store: Any) -> None:
    ids = _data(store)
    screen = _screen(qtbot, store, Role.UPW_MANAGER)
    tab = screen.schedule
    tab.choose_session(ids["first"])
    assert tab.current_cell().session_id == ids["first"]

    def stand_down(dialog: QDialog) -> None:
        assert isinstance(dialog, StandDownDialog)
        dialog.reason.setCurrentIndex(dialog.reason.findData(StandDownReason.WEATHER.value))
        dialog.notice.setCurrentIndex(dialog.notice.findData(Notice.ADVANCE.value))
        dialog.accept()

    when_modal(stand_down)
    tab.buttons["stand_down"].click()
    assert screen.errors == []
    assert screen.tabs.currentWidget() is screen.standdowns
    view = screen.standdowns
    assert view.rebook_table.rowCount() == 2
    assert "stand-down rate 33.3% (1 of 3 sessions stood down" in view.headline.text()
    assert "hours lost to stand-downs 100.0% (7 of 7 person-hours offered)" in view.headline.text()
    names = [view.rebook_table.item(r, 0).text() for r in range(2)]
    view.rebook_table.selectRow(names.index(next(n for n in names if "Brown" in n)))

    def rebook(dialog: QDialog) -> None:
        assert isinstance(dialog, RebookDialog)
        rows = [c.session_id for c in dialog.choices]
        assert ids["later"] in rows
        dialog.list.setCurrentRow(rows.index(ids["later"]))
        dialog.accept()

    when_modal(rebook)
    view.rebook_button.click()
    assert "rebooked onto Canal clearance on 29/11/2026" in view.last_message
    assert view.rebook_table.rowCount() == 1
    with store.sessions() as s:
        stood = s.scalar(select(UpwStandDown))
        assert stood is not None
        assert (stood.session_id, stood.reason, stood.notice) == (
            ids["first"],
            "weather",
            "advance",
        )
        outcomes = s.scalars(select(UpwAttendance.outcome)).all()
        assert outcomes == ["AASD", "AASD"]
        moved = s.scalar(select(UpwPlacement).where(UpwPlacement.session_id == ids["later"]))
        assert moved is not None and moved.person_id == ids["brown"]
        assert moved.rebooked_from_id is not None


def test_a_head_of_pdu_reads_but_finds_the_writes_disabled_and_refused(
    qtbot: Any, store: Any
) -> None:
    ids = _data(store)
    screen = _screen(qtbot, store, Role.HEAD_OF_PDU)
    tab = screen.schedule
    assert tab.grid_model.rowCount() == 2
    assert [p.person_id for p in tab.people_model.people] == [ids["adams"], ids["brown"]]
    for key, button in tab.buttons.items():
        assert not button.isEnabled(), key
    assert tab.buttons["stand_down"].toolTip() == (
        "Only an unpaid work manager or a case administrator can stand down unpaid work sessions."
    )
    assert not screen.standdowns.rebook_button.isEnabled()
    assert not screen.notices.findChild(QPushButton).isEnabled()
    # The check that counts is the service's: called anyway, it refuses.
    tab.choose_session(ids["first"])
    cell = tab.current_cell()
    screen.ctx.ops.write(
        standdowns.stand_down_session,
        cell.session_id,
        cell.version,
        StandDownReason.WEATHER,
        Notice.ADVANCE,
    ).start()
    assert screen.errors and "may not stand down" in str(screen.errors[0])
    with store.sessions() as s:
        assert s.scalar(select(UpwStandDown)) is None


def test_a_case_administrator_records_but_does_not_book(qtbot: Any, store: Any) -> None:
    _data(store)
    screen = _screen(qtbot, store, Role.ADMIN)
    enabled = {key for key, button in screen.schedule.buttons.items() if button.isEnabled()}
    assert enabled == {"attendance", "stand_down"}
    assert "Only an unpaid work manager can book" in screen.schedule.buttons["book"].toolTip()
    assert screen.standdowns.rebook_button.isEnabled()
