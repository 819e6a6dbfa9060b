"""The Allocation screen driven like an SPO: choose the oldest case, allocate, see it gone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QTreeWidgetItem
from sqlalchemy import select, update

from app.db.models import (
    Allocation,
    AppUser,
    Assessment,
    CaseloadRow,
    Event,
    Pod,
    Reduction,
    ReviewItem,
    Staff,
    Team,
)
from app.db.readmodel import refresh_cases
from app.domain.codes import ReallocationReason, Role
from app.services.allocation import queue as alloc_queue
from app.services.allocation import views as alloc_views
from app.services.allocation import writes as alloc_writes
from app.services.allocation.queue import RiskSummary
from app.services.caseload import tiers
from app.services.caseload.tiers import REVIEW_TIER_RISE
from app.services.core.actor import Actor, local_actor
from app.ui.allocation.dialogs import AllocateDialog
from app.ui.allocation.models import (
    CandidateModel,
    ListTableModel,
    QueueModel,
    RecentModel,
    ReviewModel,
)
from app.ui.allocation.screen import AllocationScreen
from app.ui.allocation.text import tier_text
from app.ui.app import build_window
from app.ui.balance.models import CAPACITY, CASES, HIGH, ID_ROLE, NAME
from app.ui.balance.screen import BalanceScreen
from app.ui.caseload.screen import CaseloadScreen
from app.ui.main_window import MainWindow
from app.ui.teams import tree as teams_tree
from tests import factories as f
from tests.conftest import TODAY
from tests.statements import counted
from tests.ui.helpers import when_modal


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
                detail="Tier rose from C1 to B1: review the allocation (TOM 777)",
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
    screen = window.open_screen("Allocation")
    assert isinstance(screen, AllocationScreen)
    return window, screen


def _column(model, col: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.index(r, col).data() for r in range(model.rowCount())]


def _balance_of(window: MainWindow, staff_id: int) -> tuple[int, int]:
    """A practitioner's cases and High/Very High cases, as the Tiering balance table shows."""
    balance = window.open_screen("Tiering balance")
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
    window.open_screen("Allocation")
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

    when_modal(accept)
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
    caseload = window.open_screen("Caseload")
    assert isinstance(caseload, CaseloadScreen)
    crns = _column(caseload.model, 0)
    assert caseload.model.index(crns.index(data.oldest_crn), 6).data() == "Priya Shah (PO)"
    assert _balance_of(window, data.po) == (cases_before + 1, high_before + 1)
    window.open_screen("Allocation")
    screen.tabs.setCurrentIndex(1)
    assert _column(screen.recent_model, RecentModel.CRN)[0] == data.oldest_crn
    assert "Team East" in screen.recent_label.text()
    window.close()


def test_one_allocation_written_and_shown_runs_at_most_15_statements(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    """Write and the desk's refresh from the change-set together (issue 14: was 63).

    16: the safeguards (issue 16) read the practitioner's cases and reductions
    in one statement to refuse a choice over capacity or absent without a reason.
    """
    data = _data(store)
    with store.sessions.begin() as s:  # one case waiting, so no next case is chosen after
        s.execute(
            update(Event).where(Event.person_id == data.newer).values(end_date=date(2026, 11, 24))
        )
        refresh_cases(s, [data.newer], TODAY)
    window, screen = _screen(qtbot, store)
    desk = screen.desk
    desk.queue_view.selectRow(0)
    desk.candidate_view.selectRow(0)
    assert desk.case is not None and desk.case.person_id == data.oldest
    when_modal(lambda dialog: dialog.accept())  # type: ignore[attr-defined]
    with counted(store.engine) as statements:
        desk.allocate()
    assert desk.queue_model.rowCount() == 0 and desk.case is None
    assert len(statements) <= 15, "\n".join(statements)
    assert len(set(statements)) == len(statements), "a statement ran twice"
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

    when_modal(give_reason)
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

    when_modal(choose_reason)
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
        alloc_writes.allocate(s, local_actor(s), data.oldest, data.busy_po, 1)
    messages: list[str] = []

    def close_message(box: object) -> None:
        assert isinstance(box, QMessageBox)
        messages.append(box.text())
        box.close()

    def accept(dialog: object) -> None:
        assert isinstance(dialog, AllocateDialog)
        when_modal(close_message)
        dialog.accept()

    when_modal(accept)
    qtbot.mouseClick(desk.allocate_button, Qt.MouseButton.LeftButton)
    assert len(messages) == 1 and "was allocated to Tom Reid by" in messages[0]
    assert messages[0].endswith("nothing was changed.")
    assert data.oldest_crn not in _column(desk.queue_model, QueueModel.CRN)
    window.close()


def test_the_last_30_days_follow_the_desk_team_filter(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    with store.sessions.begin() as s:
        west = f.staff(s, f.pod(s, f.team(s, data.pdu_id, "Team West").id), "PO", surname="West")
        alloc_writes.allocate(s, local_actor(s), data.newer, west.id, 1)
        alloc_writes.allocate(s, local_actor(s), data.oldest, data.po, 1)
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
        alloc_writes.allocate(s, local_actor(s), data.newer, data.po, 1)
    with store.sessions() as s:
        checks: list[tuple[ListTableModel[Any], Sequence[Any]]] = [
            (QueueModel(), alloc_queue.queue(s, data.pdu_id, TODAY)),
            (ReviewModel(), alloc_queue.reviews(s, data.pdu_id)),
            (CandidateModel(), alloc_queue.candidates(s, data.pdu_id, data.oldest, TODAY)),
            (RecentModel(), alloc_views.team_allocations(s, data.pdu_id, TODAY)),
        ]
    for model, rows in checks:
        assert rows
        model.set_rows(rows)
        qtmodeltester.check(model)


# --- how the desk words things (a new user's reading) ------------------------------


def test_the_queue_uses_short_sentence_types_and_plain_status(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    window, screen = _screen(qtbot, store)
    model = screen.desk.queue_model
    row = model.row_of(data.oldest)
    assert row is not None
    sentence = model.index(row, QueueModel.SENTENCE)
    assert sentence.data() == "CO"
    assert sentence.data(Qt.ItemDataRole.ToolTipRole) == "Community Order"
    # Sentenced Monday 16/11/2026: allocate by 23/11, two working days ago on 25/11.
    assert model.index(row, QueueModel.DUE).data() == "2 days overdue"
    first = model.index(row, QueueModel.FIRST)
    assert first.data() == "23/11/2026"
    assert first.data(Qt.ItemDataRole.ToolTipRole) == (
        "First appointment due by 23/11/2026 (within a week of sentence) — overdue"
    )
    newer = model.row_of(data.newer)
    assert newer is not None and model.index(newer, QueueModel.DUE).data() == "3 days left"
    for col in range(model.columnCount()):
        tip = model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert tip and "TOM" not in tip, model.COLUMNS[col]
    screen.desk.queue_view.selectRow(row)
    text = screen.desk.panel.case_label.text()
    assert "First appointment due by 23/11/2026 (within a week of sentence) — overdue" in text
    assert "Allocate by: Overdue by 2 working days (23/11/2026)" in text
    window.close()


def test_the_ranked_practitioners_say_what_each_column_means(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    _data(store)
    window, screen = _screen(qtbot, store)
    desk = screen.desk
    desk.queue_view.selectRow(0)
    model = desk.candidate_model
    header = model.headerData(CandidateModel.MIX, Qt.Orientation.Horizontal)
    assert header.replace("\n", " ") == "High / Med-Low RoSH"
    for col in range(model.columnCount()):
        tip = model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert tip and "TOM" not in tip and "DOMAIN" not in tip, model.COLUMNS[col]
    mix_tip = model.headerData(
        CandidateModel.MIX, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "High or Very High RoSH / of Medium or Low RoSH" in mix_tip
    view = desk.candidate_view
    fits = view.fontMetrics().horizontalAdvance
    for row in range(model.rowCount()):
        for col in (CandidateModel.CAPACITY, CandidateModel.MIX):
            assert fits(model.index(row, col).data()) < view.columnWidth(col), (row, col)
    window.close()


def test_the_tier_says_what_lies_behind_it(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    with store.sessions.begin() as s:  # no valid full assessment: change level 2 by default
        case = f.case(s, data.pdu_id, rosh="LOW", ogrs=36, surname="Partial")
        assessment = s.scalars(select(Assessment).where(Assessment.person_id == case.id)).one()
        assessment.has_full_assessment = False
        s.flush()
        tiers.recompute(s, [case.id], TODAY)
        refresh_cases(s, [case.id], TODAY)
        partial = case.id
    window, screen = _screen(qtbot, store)
    desk = screen.desk
    row = desk.queue_model.row_of(partial)
    assert row is not None
    desk.queue_view.selectRow(row)
    label = desk.panel.case_label
    assert "OGRS 36%" in label.text()
    assert (
        "Tier D2: protect 0 points; no valid full assessment, so change level 2 by default"
        in label.text()
    )
    assert "change 0 points" not in label.text()
    assert label.toolTip().startswith("How tier D2 was worked out:")
    assert "No valid assessment" in label.toolTip()
    assert label.accessibleDescription() == label.toolTip()
    desk.queue_view.selectRow(desk.queue_model.row_of(data.oldest) or 0)
    assert "Tier B1: protect 20 points, change " in label.text()
    window.close()


def test_tier_text_words_each_kind_of_tier() -> None:
    def risk(tier: str | None, protect: int | None, change: int | None) -> RiskSummary:
        return RiskSummary("LOW", None, 36, None, tier, protect, change)

    assert tier_text(risk("B2", 20, 14)) == "Tier B2: protect 20 points, change 14 points"
    assert tier_text(risk("D1", 0, 1)) == "Tier D1: protect 0 points, change 1 point"
    assert tier_text(risk("D2", 0, 0)) == (
        "Tier D2: protect 0 points; no valid full assessment, so change level 2 by default"
    )
    assert tier_text(risk("D0", 2, 0)) == (
        "Tier D0: protect 2 points; no mandate for change, so change level 0"
    )
    assert tier_text(risk("C1", None, None)) == "Tier C1: imported from the extract"
    extract = "Tier taken from the extract (no assessment to compute it from)"
    assert tier_text(risk("C1", None, None), "imported", extract) == (
        "Tier C1: imported from the extract"
    )
    explained = "Protect total 0 points: level D\nNo valid assessment: change level 2 until one"
    assert "no valid full assessment" in tier_text(risk("D2", 0, 0), "computed", explained)
    assert tier_text(risk(None, None, None)) == "Untiered"


def test_review_text_keeps_sources_out(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    _data(store)
    window, screen = _screen(qtbot, store)
    desk = screen.desk
    desk.lists.setCurrentIndex(1)
    detail = desk.review_model.index(0, ReviewModel.DETAIL)
    assert detail.data() == "Tier rose from C1 to B1: review the allocation"
    assert "TOM" not in detail.data(Qt.ItemDataRole.ToolTipRole)
    desk.review_view.selectRow(0)
    text = desk.panel.case_label.text()
    assert "Review: Tier rose from C1 to B1: review the allocation" in text
    assert "TOM" not in text
    window.close()


def _capacity_cases(store, data: Data) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """An over-capacity PSO (106%), a flagged one (115%) and an absent PO, in POD Alpha."""
    with store.sessions.begin() as s:
        po = s.get(Staff, data.po)
        pod = s.get(Pod, po.pod_id) if po is not None else None
        assert pod is not None
        # Medium RoSH community cases are C1, 50 points each: 5 of them are 250 points,
        # 106% of 4 hours' 235 points, 115% of 3.7 hours' 218.
        over = f.staff(s, pod, "PSO", forename="Olive", surname="Over", contracted_hours=4.0)
        flagged = f.staff(s, pod, "PSO", forename="Fay", surname="Flag", contracted_hours=3.7)
        for who in (over, flagged):
            for _ in range(5):
                f.case(s, data.pdu_id, rosh="MEDIUM", staff_id=who.id)
        s.add(
            Reduction(
                staff_id=data.po,
                start_date=date(2026, 11, 1),
                end_date=None,
                hours_per_week=37.0,
                reason="SICKNESS",
                note="",
                is_absence=True,
            )
        )
        return {"over": over.id, "flagged": flagged.id, "absent": data.po}


def _tree_item(tree, column: int, text: str) -> QTreeWidgetItem:  # type: ignore[no-untyped-def]
    found = tree.findItems(text, Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly, column)
    assert len(found) == 1, text
    return found[0]


def test_capacity_looks_the_same_on_every_screen(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    _capacity_cases(store, data)
    window, screen = _screen(qtbot, store)
    red = "#b00020"
    expected = {
        "Olive Over": ("106%", red, False),
        "Fay Flag": ("115% (flagged)", red, True),
        "Priya Shah": ("Absent", "#6b6b6b", False),
    }
    seen: dict[str, dict[str, tuple[str, str, bool]]] = {}

    screen.tabs.setCurrentIndex(2)
    pods = screen.pod_tree
    seen["allocation"] = {}
    for name in expected:
        item = _tree_item(pods, 0, name)
        col = pods.CAPACITY
        look = (item.text(col), item.foreground(col).color().name(), item.font(col).bold())
        seen["allocation"][name] = look
    assert _tree_item(pods, 0, "Priya Shah").toolTip(pods.CAPACITY) == (
        "No available hours this week"
    )

    balance = window.open_screen("Tiering balance")
    assert isinstance(balance, BalanceScreen)
    table = balance.table.model()
    seen["balance"] = {}
    for row in range(table.rowCount()):
        name = table.index(row, NAME).data()
        if name in expected:
            cell = table.index(row, CAPACITY)
            brush = cell.data(Qt.ItemDataRole.ForegroundRole)
            font = cell.data(Qt.ItemDataRole.FontRole)
            seen["balance"][name] = (
                cell.data(),
                brush.color().name(),
                font is not None and font.bold(),
            )
    exceptions = balance.exceptions_model
    capacity_exceptions = {}
    for row in range(exceptions.rowCount()):
        reason = exceptions.index(row, 1)
        if reason.data().startswith("Capacity"):
            font = reason.data(Qt.ItemDataRole.FontRole)
            capacity_exceptions[reason.data()] = (
                reason.data(Qt.ItemDataRole.ForegroundRole).color().name(),
                font is not None and font.bold(),
            )
    assert capacity_exceptions == {
        "Capacity 106%: over 100%": (red, False),  # red, not amber, as on the other screens
        "Capacity 115%: over 110%": (red, True),
    }

    teams = window.open_screen("Teams and PODs")
    seen["teams"] = {}
    for name in expected:
        item = _tree_item(teams.tree, 0, name)
        col = teams_tree.CAPACITY
        look = (item.text(col), item.foreground(col).color().name(), item.font(col).bold())
        seen["teams"][name] = look
    assert seen == {"allocation": expected, "balance": expected, "teams": expected}
    window.close()


def test_a_pod_shows_the_mean_of_its_practitioners_with_hours(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    _capacity_cases(store, data)
    window, screen = _screen(qtbot, store)
    screen.tabs.setCurrentIndex(2)
    pods = screen.pod_tree
    pod = _tree_item(pods, 0, "POD Alpha")
    people = _children(pod)
    shown = [p.text(pods.CAPACITY) for p in people]
    with_hours = [float(t.split("%")[0]) for t in shown if t != "Absent"]
    assert pod.text(pods.CAPACITY).startswith("mean ")
    mean = float(pod.text(pods.CAPACITY).removeprefix("mean ").split("%")[0])
    assert abs(mean - sum(with_hours) / len(with_hours)) <= 1
    tip = pod.toolTip(pods.CAPACITY)
    assert tip.startswith("Mean capacity of the 4 practitioners with hours this week")
    assert "Absent, not counted: Priya Shah" in tip
    assert "All the POD's points held over all its available points:" in tip
    window.close()


def test_tab_goes_from_the_queue_to_the_allocate_button_without_walking_cells(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    _data(store)
    window, screen = _screen(qtbot, store)
    desk = screen.desk
    window.activateWindow()
    desk.queue_view.selectRow(0)
    desk.queue_view.setFocus()
    qtbot.waitUntil(desk.queue_view.hasFocus)
    seen = []
    for _ in range(10):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
        if seen[-1] is desk.allocate_button:
            break
    assert seen[-1] is desk.allocate_button, [w.accessibleName() or type(w).__name__ for w in seen]
    assert desk.candidate_view in seen and desk.queue_view not in seen
    assert len(seen) == len(set(map(id, seen)))  # every Tab moved to another control
    qtbot.keyClick(desk.allocate_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not desk.allocate_button
    window.close()


def test_decisions_to_enter_in_ndelius_are_listed_and_ticked_off(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    from app.db.models import NdeliusEntry, Person

    data = _data(store)
    with store.sessions.begin() as s:
        head = local_actor(s)
        version = s.get(Person, data.oldest).version  # type: ignore[union-attr]
        allocation = alloc_writes.allocate(s, head, data.oldest, data.po, version)
    window, screen = _screen(qtbot, store)
    screen.tabs.setCurrentWidget(screen.ndelius)
    panel = screen.ndelius
    row = _column(panel.model, panel.model.CRN).index(data.oldest_crn)
    assert _column(panel.model, panel.model.WHAT)[row] == "Allocated to Priya Shah (PO)"
    assert set(_column(panel.model, panel.model.ENTERED)) == {"Not yet"}
    listed = panel.model.rowCount()
    panel.view.selectRow(row)
    panel.mark(True)
    assert panel.model.rowCount() == listed - 1  # entered ones are hidden by default
    assert data.oldest_crn not in _column(panel.model, panel.model.CRN)
    panel.hide_entered.setChecked(False)
    row = _column(panel.model, panel.model.CRN).index(data.oldest_crn)
    assert _column(panel.model, panel.model.ENTERED)[row].startswith("Yes, 25/11/2026")
    with store.sessions() as s:
        [entry] = s.scalars(select(NdeliusEntry)).all()
        assert (entry.kind, entry.record_id, entry.entered_on) == ("allocation", allocation, TODAY)
    window.close()


def test_the_status_bar_says_what_was_allocated_and_undo_takes_it_back(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    window, screen = _screen(qtbot, store)
    desk = screen.desk
    desk.queue_view.selectRow(0)
    desk.candidate_view.selectRow(0)
    when_modal(lambda dialog: dialog.accept())  # type: ignore[attr-defined]
    desk.allocate()
    assert window.statusBar().currentMessage() == "Allocated OLDEST, Alex to Priya Shah"
    assert window.undo_button.isVisible() and window.undo_action.isEnabled()
    assert data.oldest_crn not in _column(desk.queue_model, QueueModel.CRN)
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert window.statusBar().currentMessage().startswith("Undone: OLDEST, Alex")
    assert data.oldest_crn in _column(desk.queue_model, QueueModel.CRN)  # back in the queue
    assert not window.undo_button.isVisible()
    with store.sessions() as s:
        [row] = s.scalars(select(Allocation).where(Allocation.person_id == data.oldest)).all()
        assert row.corrected_at is not None and row.end_date == row.start_date
    window.close()
