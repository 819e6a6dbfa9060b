"""The lines of a batch proposal as a table (issue 23)."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import Qt

from app.domain.batch_proposal import ProposalLine
from app.services.allocation.proposal import ProposalView
from app.ui.allocation.models import GREYED, OUTSIDE_POLICY, ListTableModel
from app.ui.formatting import ABSENT_TEXT


def _percent(value: float | None, line: ProposalLine) -> str:
    if line.staff_id is None:
        return ""
    return ABSENT_TEXT if value is None else f"{value:.0f}%"


def needs_text(line: ProposalLine) -> str:
    """What accepting the line needs, in words ("" when nothing)."""
    needs = []
    if line.outside_policy:
        needs.append(f"a reason: outside the policy ({line.outside_policy})")
    if line.safeguard:
        needs.append(f"a reason: cannot take it now ({line.safeguard})")
    if line.needs_confirmation:
        needs.append("your confirmation: a PQiP with High RoSH")
    return "; ".join(needs)


class ProposalModel(ListTableModel[ProposalLine]):
    """One row per case: who, capacity now, after the case and after the batch, why."""

    COLUMNS = (
        "Locked",
        "CRN",
        "Name",
        "Proposed practitioner",
        "Now",
        "After case",
        "After batch",
        "Reason",
        "Accepting needs",
    )
    LOCKED, CRN, NAME, PRACTITIONER, NOW, AFTER_CASE, AFTER_BATCH, REASON, NEEDS = range(9)
    HEADER_TIPS: ClassVar[dict[int, str]] = {
        LOCKED: "Locked lines stay as they are when the rest is solved again",
        CRN: "Case reference number, as in NDelius",
        NAME: "The person on probation",
        PRACTITIONER: "Who the proposal gives the case to; blank when no one can take it",
        NOW: "The practitioner's capacity now",
        AFTER_CASE: "Their capacity after this case alone",
        AFTER_BATCH: "Their capacity after every case the proposal gives them",
        REASON: "Why this practitioner",
        NEEDS: "What accepting the line needs: a recorded reason or your confirmation",
    }

    def __init__(self) -> None:
        super().__init__()
        self.view: ProposalView | None = None

    def set_view(self, view: ProposalView, hidden: set[int]) -> None:
        self.view = view
        self.set_rows([line for line in view.proposal.lines if line.case_id not in hidden])

    def display(self, row: ProposalLine, col: int) -> str:
        case = self.view.cases.get(row.case_id) if self.view else None
        values = {
            self.LOCKED: "Locked" if row.locked else "",
            self.CRN: case.crn if case else "",
            self.NAME: case.name if case else "",
            self.PRACTITIONER: row.name or "Left unallocated",
            self.NOW: _percent(row.capacity_now, row),
            self.AFTER_CASE: _percent(row.capacity_after_case, row),
            self.AFTER_BATCH: _percent(row.capacity_after_batch, row),
            self.REASON: row.reason[:1].upper() + row.reason[1:],
            self.NEEDS: needs_text(row),
        }
        return values[col]

    def decorate(self, row: ProposalLine, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and row.staff_id is None:
            return GREYED
        if role == Qt.ItemDataRole.ForegroundRole and col == self.NEEDS and needs_text(row):
            return OUTSIDE_POLICY
        if role == Qt.ItemDataRole.ToolTipRole and col in (self.REASON, self.NEEDS):
            return self.display(row, col) or None
        return None

    def row_of(self, case_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.case_id == case_id), None)
