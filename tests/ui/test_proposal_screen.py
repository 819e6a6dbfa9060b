"""An SPO proposes the whole queue from the desk, locks a line, re-solves, accepts (issue 23)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolButton, QWidget
from sqlalchemy import func, select

from app.db.models import Allocation, ProposalHold
from app.ui.allocation.proposal_dialog import ProposalDialog
from app.ui.allocation.proposal_model import ProposalModel
from tests import factories as f
from tests.ui.test_allocation_screen import _column, _data, _screen, _spo


def _button(parent: QWidget, action: QAction) -> QToolButton:
    return next(b for b in parent.findChildren(QToolButton) if b.defaultAction() is action)


def test_an_spo_proposes_locks_a_line_resolves_and_accepts(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    with store.sessions.begin() as s:
        extra = [
            f.case(s, data.pdu_id, rosh="MEDIUM", sentence_date=date(2026, 11, 18 + i)).id
            for i in range(3)
        ]
        allocations_before = s.scalar(select(func.count()).select_from(Allocation))
    spo = _spo(store, data)
    window, screen = _screen(qtbot, store, spo)
    desk = screen.desk
    qtbot.mouseClick(_button(desk, desk.propose_action), Qt.MouseButton.LeftButton)
    dialog = desk.proposal_dialog
    assert isinstance(dialog, ProposalDialog) and dialog.isVisible()
    model = dialog.model
    cases = {data.oldest, data.newer, *extra}
    assert {line.case_id for line in model.rows()} == cases
    assert dialog.header.text().startswith("Nobody who receives a case ends above")
    with store.sessions() as s:  # the cases are held for this proposal; nothing allocated
        assert set(s.scalars(select(ProposalHold.person_id))) == cases
        assert s.scalar(select(func.count()).select_from(Allocation)) == allocations_before
    # The High RoSH case goes to a PO, never to the PSO.
    oldest = model.rows()[model.row_of(data.oldest) or 0]
    assert oldest.staff_id in (data.po, data.busy_po)
    # Lock a Medium case to Tom Reid, then solve the rest again around it.
    row = model.row_of(extra[0])
    assert row is not None
    dialog.change_line(extra[0], data.busy_po)
    row = model.row_of(extra[0])
    assert row is not None
    assert model.index(row, ProposalModel.LOCKED).data() == "Locked"
    assert model.index(row, ProposalModel.PRACTITIONER).data() == "Tom Reid"
    dialog.table.selectRow(row)
    assert dialog.lock_action.isEnabled()
    qtbot.mouseClick(_button(dialog, dialog.lock_action), Qt.MouseButton.LeftButton)
    assert model.index(model.row_of(extra[0]) or 0, ProposalModel.LOCKED).data() == ""  # unlocked
    dialog.change_line(extra[0], data.busy_po)  # and locked again
    why = dialog.why_not_text(data.newer, data.pso)
    assert "instead would cost" in why
    assert all(model.index(r, ProposalModel.REASON).data() for r in range(model.rowCount()))
    chosen = {line.case_id: line.staff_id for line in model.rows()}
    qtbot.mouseClick(_button(dialog, dialog.accept_all_action), Qt.MouseButton.LeftButton)
    assert model.rowCount() == 0 and dialog.header.text().startswith("5 allocated.")
    with store.sessions() as s:
        rows = s.scalars(
            select(Allocation).where(Allocation.person_id.in_(cases), Allocation.end_date.is_(None))
        ).all()
        assert {r.person_id: r.staff_id for r in rows} == chosen
        assert chosen[extra[0]] == data.busy_po
        assert all(r.allocated_by == spo.user_id for r in rows)
        assert s.scalar(select(func.count()).select_from(ProposalHold)) == 0
    dialog.close()
    assert _column(desk.queue_model, 0) == []
    window.close()
