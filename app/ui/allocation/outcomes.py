"""What the desk tells the status bar after a decision, and the Undo it offers (issue 16).

"Allocated OLIVER, Kerry to Kayleigh Wall" with Undo; undoing is itself an
audited change, refused when someone else has changed the case since.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject

from app.services.allocation import undo
from app.services.allocation.queue import CaseBrief
from app.ui.context import AppContext


class Outcomes(QObject):
    """Says what the desk did and takes it back on request."""

    def __init__(self, ctx: AppContext, failed: Callable[[BaseException], None]) -> None:
        super().__init__()
        self.ctx, self.failed = ctx, failed

    def allocated(self, case: CaseBrief, name: str, reallocating: bool, allocation_id: int) -> None:
        verb = self.tr("Reallocated") if reallocating else self.tr("Allocated")
        self.ctx.tell(
            f"{verb} {case.name} to {name}",
            undo=partial(self._undo_allocation, case, name, allocation_id, case.version + 1),
        )

    def kept(self, case: CaseBrief, resolution: str, review_id: int) -> None:
        self.ctx.tell(
            self.tr("Review of %s closed: %s") % (case.name, resolution),
            undo=partial(self._undo_review, case, review_id, resolution),
        )

    def _undo_allocation(
        self, case: CaseBrief, name: str, allocation_id: int, version: int
    ) -> None:
        self.ctx.ops.write(undo.undo_allocation, allocation_id, version).then(
            lambda _back: self.ctx.tell(
                self.tr("Undone: %s is no longer allocated to %s") % (case.name, name)
            ),
            on_failure=self.failed,
        )

    def _undo_review(self, case: CaseBrief, review_id: int, resolution: str) -> None:
        self.ctx.ops.write(undo.undo_review, review_id, resolution).then(
            lambda _id: self.ctx.tell(
                self.tr("Undone: the review of %s is open again") % case.name
            ),
            on_failure=self.failed,
        )
