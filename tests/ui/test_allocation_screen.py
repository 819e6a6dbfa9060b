"""The Allocation screen driven like an SPO: choose the oldest case, allocate, see it gone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QTreeWidgetItem
from sqlalchemy import select

from app.db.models import Allocation, AppUser, CaseloadRow, ReviewItem, Staff, Team
from app.domain.codes import ReallocationReason, Role
from app.services import allocation as svc
from app.services.actor import Actor, local_actor
from app.services.tiers import REVIEW_TIER_RISE
from app.ui.allocation.dialogs import AllocateDialog
from app.ui.allocation.models import (
    CandidateModel,
    ListTableModel,
    QueueModel,
    RecentModel,
    ReviewModel,
)
from app.ui.allocation.screen import AllocationScreen
from app.ui.app import build_window
from app.ui.balance.models import CASES, HIGH, ID_ROLE
from app.ui.balance.screen import BalanceScreen
from app.ui.caseload.screen import CaseloadScreen
from app.ui.main_window import MainWindow
from tests import factories as f
from tests.conftest import TODAY


@dataclass
class Data:
    pdu_id: int
    team_id: int
    po: int
    busy_po: int
    pso: int
    oldest: int
    oldest_crn: str
    newer: int
    held: int


def _data(store) -> Data:  # type: ignore[no-untyped-def]
    with store.sessions.begin() as s:
        pdu = f.pdu(s)
        pod = f.pod(s, f.team(s, pdu.id, "Team East").id, "POD Alpha")
        po = f.staff(s, pod, "PO", forename="Priya", surname="Shah")
        busy = f.staff(s, pod, "PO", forename="Tom", surname="Reid", gender="M")
        pso = f.staff(s, pod, "PSO", forename="Sid", surname="Patel", gender="M")
        for _ in range(3):
            f.case(s, pdu.id, staff_id=busy.id, rosh="LOW")
        held = f.case(s, pdu.id, staff_id=pso.id, rosh="HIGH", surname="Held")
        s.add(
            ReviewItem(
                person_id=held.id,
                kind=REVIEW_TIER_RISE,
                detail="Tier rose from C1 to B1",
                raised_on=TODAY,
            )
        )
        oldest = f.case(s, pdu.id, rosh="HIGH", sentence_date=date(2026, 11, 16), surname="Oldest")
        newer = f.case(s, pdu.id, rosh="LOW", sentence_date=date(2026, 11, 23), surname="Newer")
        return Data(
            pdu.id, pod.team_id, po.id, busy.id, pso.id, oldest.id, oldest.crn, newer.id, held.id
        )


def _spo(store, data: Data) -> Actor:  # type: ignore[no-untyped-def]
    """Sam Senior, SPO leading Team East, signed in with their staff record (SPEC.md 1)."""
    with store.sessions.begin() as s:
        team = s.get(Team, data.team_id)
        assert team is not None
        spo = Staff(
            staff_code="N07SPO1",
            forename="Sam",
            surname="Senior",
            grade="SPO",
            gender="F",
            contracted_hours=37.0,
            pdu_id=data.pdu_id,
            team_id=team.id,
        )
        s.add(spo)
        s.flush()
        team.spo_id = spo.id
        user = AppUser(
            username="sam.senior",
            display_name="Sam Senior",
            role=Role.SPO.value,
            staff_id=spo.id,
            pdu_id=data.pdu_id,
        )
        s.add(user)
        s.flush()
        return Actor(
            user.id, user.username, user.display_name, Role.SPO, pdu_id=data.pdu_id, staff_id=spo.id
        )


def _screen(qtbot, store, actor: Actor | None = None) -> tuple[MainWindow, AllocationScreen]:  # type: ignore[no-untyped-def]
    window = build_window(store, inline_ops=True, actor=actor)
    qtbot.addWidget(window)
    window.show()
    screen = window.screen("Allocation")
    assert isinstance(screen, AllocationScreen)
    return window, screen


def _column(model, col: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.index(r, col).data() for r in range(model.rowCount())]


def _when_modal(handle: Callable[[object], None]) -> None:
    """Run ``handle`` on the modal window once it is showing."""

    def run() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(10, run)
            return
        handle(widget)

    QTimer.singleShot(0, run)


def _balance_of(window: MainWindow, staff_id: int) -> tuple[int, int]:
    """A practitioner's cases and High/Very High cases, as the Tiering balance table shows."""
    balance = window.screen("Tiering balance")
    assert isinstance(balance, BalanceScreen)
    table = balance.table.model()
    [row] = [r for r in range(table.rowCount()) if table.index(r, 0).data(ID_ROLE) == staff_id]
    return int(table.index(row, CASES).data()), int(table.index(row, HIGH).data())


def test_spo_allocates_the_oldest_case_to_the_top_practitioner(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    spo = _spo(store, data)
    window, screen = _screen(qtbot, store, spo)
    assert window.ctx.actor == spo
    cases_before, high_before = _balance_of(window, data.po)
    window.screen("Allocation")
    desk = screen.desk
    assert desk.team_id() == data.team_id  # an SPO starts on their own team
    assert _column(desk.queue_model, QueueModel.CRN)[0] == data.oldest_crn
    desk.queue_view.selectRow(0)
    assert desk.case is not None and desk.case.person_id == data.oldest
    assert "RoSH High" in desk.panel.case_label.text()
    names = _column(desk.candidate_model, CandidateModel.NAME)
    assert names == ["Priya Shah", "Tom Reid", "Sid Patel"]
    last = desk.candidate_model.index(2, CandidateModel.REASONS).data()
    assert last.startswith("Outside policy: a PSO holds Low and Medium RoSH")
    assert "Points available 2176" in desk.panel.drilldown.toPlainText().replace(",", "")

    def accept(dialog: object) -> None:
        assert isinstance(dialog, AllocateDialog) and dialog is desk.open_dialog
        qtbot.keyClicks(dialog.note_box, "Lives near her office")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    _when_modal(accept)
    qtbot.mouseClick(desk.allocate_button, Qt.MouseButton.LeftButton)

    assert data.oldest_crn not in _column(desk.queue_model, QueueModel.CRN)
    assert desk.case is not None and desk.case.person_id == data.newer  # on to the next
    with store.sessions() as s:
        [row] = s.scalars(
            select(Allocation).where(
                Allocation.person_id == data.oldest, Allocation.end_date.is_(None)
            )
        ).all()
        assert (row.staff_id, row.allocated_by) == (data.po, spo.user_id)
        assert row.note == "Lives near her office" and not row.outside_policy
        read = s.get(CaseloadRow, data.oldest)
        assert read is not None and read.practitioner_name == "Priya Shah" and not read.unallocated
    caseload = window.screen("Caseload")
    assert isinstance(caseload, CaseloadScreen)
    crns = _column(caseload.model, 0)
    assert caseload.model.index(crns.index(data.oldest_crn), 6).data() == "Priya Shah (PO)"
    assert _balance_of(window, data.po) == (cases_before + 1, high_before + 1)
    window.screen("Allocation")
    screen.tabs.setCurrentIndex(1)
    assert _column(screen.recent_model, RecentModel.CRN)[0] == data.oldest_crn
    assert "Team East" in screen.recent_label.text()
    window.close()


def test_outside_policy_needs_a_reason_before_ok(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    window, screen = _screen(qtbot, store)
    desk = screen.desk
    desk.candidate_view.selectRow(2)  # the PSO, for a High RoSH case
    seen: list[bool] = []

    def give_reason(dialog: object) -> None:
        assert isinstance(dialog, AllocateDialog)
        seen.append(dialog.ok_button.isEnabled())
        qtbot.keyClicks(dialog.policy_box, "Only one who knows the family")
        seen.append(dialog.ok_button.isEnabled())
        dialog.accept()

    _when_modal(give_reason)
    window.windowHandle().requestActivate()  # shortcuts reach the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    desk.candidate_view.setFocus()
    qtbot.keyClick(desk.candidate_view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert seen == [False, True]
    with store.sessions() as s:
        row = s.scalars(select(Allocation).where(Allocation.person_id == data.oldest)).one()
        assert row.staff_id == data.pso and row.outside_policy
        assert row.policy_reason == "Only one who knows the family"
    window.close()


def test_a_review_is_reallocated_with_a_reason(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    window, screen = _screen(qtbot, store)
    desk = screen.desk
    desk.lists.setCurrentIndex(1)
    desk.review_view.selectRow(0)
    assert desk.case is not None and desk.case.person_id == data.held
    assert not desk.allocate_action.isEnabled() and desk.reallocate_action.isEnabled()

    def choose_reason(dialog: object) -> None:
        assert isinstance(dialog, AllocateDialog)
        box = dialog.reason_box
        box.setCurrentIndex(box.findData(ReallocationReason.TIER_OR_RISK_CHANGE.value))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    _when_modal(choose_reason)
    qtbot.mouseClick(desk.reallocate_button, Qt.MouseButton.LeftButton)
    assert desk.review_model.rowCount() == 0
    with store.sessions() as s:
        read = s.get(CaseloadRow, data.held)
        assert read is not None and read.staff_id == data.po and read.open_reviews == 0
    window.close()


def test_someone_else_allocating_first_is_reported_and_the_queue_reloads(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    window, screen = _screen(qtbot, store)
    desk = screen.desk
    with store.sessions.begin() as s:
        svc.allocate(s, local_actor(s), data.oldest, data.busy_po, 1)
    messages: list[str] = []

    def close_message(box: object) -> None:
        assert isinstance(box, QMessageBox)
        messages.append(box.text())
        box.close()

    def accept(dialog: object) -> None:
        assert isinstance(dialog, AllocateDialog)
        _when_modal(close_message)
        dialog.accept()

    _when_modal(accept)
    qtbot.mouseClick(desk.allocate_button, Qt.MouseButton.LeftButton)
    assert len(messages) == 1 and "was allocated to Tom Reid by" in messages[0]
    assert messages[0].endswith("nothing was changed.")
    assert data.oldest_crn not in _column(desk.queue_model, QueueModel.CRN)
    window.close()


def test_the_last_30_days_follow_the_desk_team_filter(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    with store.sessions.begin() as s:
        west = f.staff(s, f.pod(s, f.team(s, data.pdu_id, "Team West").id), "PO", surname="West")
        svc.allocate(s, local_actor(s), data.newer, west.id, 1)
        svc.allocate(s, local_actor(s), data.oldest, data.po, 1)
    window, screen = _screen(qtbot, store)  # the Head of PDU: every team to start with
    desk = screen.desk
    assert desk.team_id() is None
    screen.tabs.setCurrentIndex(1)
    shown = {r.person_id for r in screen.recent_model.rows()}
    assert {data.oldest, data.newer} <= shown and "every team" in screen.recent_label.text()
    screen.tabs.setCurrentIndex(0)
    box = desk.panel.team_box
    box.setCurrentIndex(box.findData(data.team_id))
    screen.tabs.setCurrentIndex(1)
    rows = screen.recent_model.rows()
    assert rows[0].person_id == data.oldest and data.newer not in {r.person_id for r in rows}
    assert set(_column(screen.recent_model, RecentModel.PLACE)) == {"Team East / POD Alpha"}
    assert len(rows) == len(shown) - 1 and "Team East" in screen.recent_label.text()
    window.close()


def _children(item: QTreeWidgetItem | None) -> list[QTreeWidgetItem]:
    assert item is not None
    return [c for c in (item.child(i) for i in range(item.childCount())) if c is not None]


def test_the_pods_and_teams_tab_shows_capacity(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    _data(store)
    window, screen = _screen(qtbot, store)
    screen.tabs.setCurrentIndex(2)
    teams = _children(screen.pod_tree.invisibleRootItem())
    assert [t.text(0) for t in teams] == ["Team East"]
    [pod] = _children(teams[0])
    assert pod.text(0) == "POD Alpha" and pod.text(4).endswith("%")
    assert sorted(p.text(0) for p in _children(pod)) == ["Priya Shah", "Sid Patel", "Tom Reid"]
    window.close()


def test_every_table_model_passes_the_model_tester(qtmodeltester, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    with store.sessions.begin() as s:
        svc.allocate(s, local_actor(s), data.newer, data.po, 1)
    with store.sessions() as s:
        checks: list[tuple[ListTableModel[Any], Sequence[Any]]] = [
            (QueueModel(), svc.queue(s, data.pdu_id, TODAY)),
            (ReviewModel(), svc.reviews(s, data.pdu_id)),
            (CandidateModel(), svc.candidates(s, data.pdu_id, data.oldest, TODAY)),
            (RecentModel(), svc.team_allocations(s, data.pdu_id, TODAY)),
        ]
    for model, rows in checks:
        assert rows
        model.set_rows(rows)
        qtmodeltester.check(model)
