"""An SPO meets an absent practitioner on the desk: ranked last, a reason asked (issue 16)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.db.models import Allocation, Reduction
from app.ui.allocation.dialogs import AllocateDialog
from app.ui.allocation.models import CandidateModel
from app.ui.balance.screen import BalanceScreen
from tests.ui.helpers import when_modal
from tests.ui.test_allocation_screen import _column, _data, _screen, _spo


def test_an_absent_po_is_ranked_last_and_choosing_them_records_why(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    data = _data(store)
    with store.sessions.begin() as s:
        s.add(
            Reduction(
                staff_id=data.po,
                start_date=date(2026, 11, 23),
                end_date=date(2026, 12, 11),
                hours_per_week=37.0,
                reason="SICKNESS",
                is_absence=True,
            )
        )
    spo = _spo(store, data)
    window, screen = _screen(qtbot, store, spo)
    desk = screen.desk
    desk.queue_view.selectRow(0)  # the oldest case, High RoSH and overdue
    assert desk.case is not None and desk.case.person_id == data.oldest
    model = desk.candidate_model
    # Tom Reid (PO), then the PSO outside the policy, then Priya Shah, absent.
    assert _column(model, CandidateModel.NAME) == ["Tom Reid", "Sid Patel", "Priya Shah"]
    reasons = model.index(2, CandidateModel.REASONS).data()
    assert reasons.startswith("Not available: absent until 11/12/2026")
    assert model.index(2, CandidateModel.NAME).data(Qt.ItemDataRole.ForegroundRole) is not None
    desk.candidate_view.selectRow(2)
    seen: list[tuple[bool, str]] = []

    def give_reason(dialog: object) -> None:
        assert isinstance(dialog, AllocateDialog)
        assert "Cannot take the case now: absent until 11/12/2026" in dialog.safeguard_label.text()
        seen.append((dialog.ok_button.isEnabled(), dialog.ok_button.toolTip()))
        qtbot.keyClicks(dialog.safeguard_box, "Back on Monday; the only one who knows him")
        seen.append((dialog.ok_button.isEnabled(), dialog.ok_button.toolTip()))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_modal(give_reason)
    qtbot.mouseClick(desk.allocate_button, Qt.MouseButton.LeftButton)
    assert seen == [
        (False, "Record why you choose someone who cannot take the case now."),
        (True, ""),
    ]
    with store.sessions() as s:
        row = s.scalars(select(Allocation).where(Allocation.person_id == data.oldest)).one()
        assert row.staff_id == data.po and row.allocated_by == spo.user_id
        assert row.safeguard_warning == "absent until 11/12/2026"
        assert row.safeguard_reason == "Back on Monday; the only one who knows him"
        assert not row.outside_policy
    balance = window.open_screen("Tiering balance")
    assert isinstance(balance, BalanceScreen)
    summary = balance.summary.text()
    assert "cases held outside the PO allocation policy: 0" in summary
    assert "over capacity), with a reason: 1" in summary
    window.close()
