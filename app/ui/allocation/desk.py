"""The allocation desk: the queue and reviews on the left, the chosen case on the right.

For the chosen case the practitioners are ranked with their reasons; the SPO
picks one and allocates (Ctrl+Return) or reallocates (Ctrl+Shift+Return)
with a note, and a reason where the choice is outside the policy (SPEC.md 4.3,
DOMAIN.md 2).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.allocation import queue as alloc_queue
from app.services.allocation import views as alloc_views
from app.services.allocation import writes as alloc_writes
from app.services.allocation.queue import (
    CandidateRow,
    CaseBrief,
    DeskUpdate,
    QueueItem,
    ReviewRow,
)
from app.services.allocation.views import Drilldown
from app.services.caseload.detail import CaseDetail, case_detail
from app.services.caseload.search import FilterOptions
from app.services.core.changes import ChangeSet, Kind
from app.services.core.errors import ConflictError
from app.ui.allocation.case_panel import CasePanel, action_button
from app.ui.allocation.dialogs import AllocateDialog, KeepDialog
from app.ui.allocation.models import QueueModel, ReviewModel
from app.ui.allocation.outcomes import Outcomes
from app.ui.allocation.panels import make_table
from app.ui.allocation.text import (
    appointment_text,
    clock_text,
    drilldown_html,
    risk_html,
    tier_text,
)
from app.ui.context import AppContext
from app.ui.errors import describe, show_error
from app.ui.formatting import without_sources
from app.ui.widgets.keyboard import chain_tab_order


class AllocationDesk(QWidget):
    """Queue, reviews, the chosen case's ranking and a practitioner's drill-down.

    Signals: ``team_changed(team_id | None)`` when the team filter changes (an
    SPO starts on their own team).
    """

    team_changed = Signal(object)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.queue_model = QueueModel()
        self.review_model = ReviewModel()
        self.case: CaseBrief | None = None
        self.review_id: int | None = None
        self.source = ""  # where the chosen case came from: queue, review or found
        self.extra: list[str] = []  # the chosen case's lines under its risk
        self.teams_pdu: int | None = None  # the PDU whose teams the filter lists
        self.open_dialog: QDialog | None = None
        self.outcomes = Outcomes(ctx, self._failed)
        self.proposal_dialog: QDialog | None = None
        self._build_actions()
        self._build()
        self._connect()
        self._update_actions()

    # --- building ---------------------------------------------------------------------
    def _action(self, text: str, shortcut: str, tip: str, slot: Any) -> QAction:
        action = QAction(self.tr(text), self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setStatusTip(self.tr(tip))
        action.setToolTip(f"{self.tr(tip)} ({shortcut})")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.allocate_action = self._action(
            "&Allocate…",
            "Ctrl+Return",
            "Allocate the case to the chosen practitioner",
            self.allocate,
        )
        self.reallocate_action = self._action(
            "Rea&llocate…",
            "Ctrl+Shift+Return",
            "Move the case to the chosen practitioner, with a reason",
            self.reallocate,
        )
        self.keep_action = self._action(
            "&Keep with practitioner…",
            "Ctrl+K",
            "Close the review and keep the case where it is",
            self.keep,
        )
        self.find_action = self._action(
            "&Find case…",
            "Ctrl+F",
            "Find an allocated case by CRN to reallocate it",
            self.focus_find,
        )
        self.propose_action = self._action(
            "&Propose allocations…",
            "Ctrl+Shift+P",
            "Propose a practitioner for every case in the queue at once, then accept the lines",
            self.propose,
        )

    def _build(self) -> None:
        self.queue_view = make_table(
            self.queue_model,
            self.tr("Unallocated cases"),
            {QueueModel.NAME: 150, QueueModel.PREVIOUS: 150},
        )
        self.review_view = make_table(
            self.review_model,
            self.tr("Review items"),
            {ReviewModel.NAME: 150, ReviewModel.HOLDER: 150, ReviewModel.DETAIL: 320},
        )
        self.lists = QTabWidget()
        self.lists.setAccessibleName(self.tr("Cases to allocate or review"))
        self.lists.addTab(self.queue_view, self.tr("&Queue"))
        self.lists.addTab(self.review_view, self.tr("&Reviews"))
        self.find_box = QLineEdit(placeholderText=self.tr("CRN of an allocated case"))
        self.find_box.setAccessibleName(self.tr("Find a case by CRN"))
        self.find_box.setMaxLength(7)
        find_row = QHBoxLayout()
        find_row.addWidget(QLabel(self.tr("Reallocate a case:")))
        find_row.addWidget(self.find_box, 1)
        self.find_button = action_button(self.find_action, self.tr("Find case"))
        find_row.addWidget(self.find_button)
        self.propose_button = action_button(self.propose_action, self.tr("Propose allocations"))
        propose_row = QHBoxLayout()
        propose_row.addWidget(self.propose_button)
        propose_row.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.lists, 1)
        left_layout.addLayout(find_row)
        left_layout.addLayout(propose_row)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        self.panel = CasePanel(
            [
                (self.allocate_action, self.tr("Allocate")),
                (self.reallocate_action, self.tr("Reallocate")),
                (self.keep_action, self.tr("Keep with practitioner")),
            ]
        )
        self.allocate_button, self.reallocate_button, self.keep_button = self.panel.buttons
        self.candidate_model = self.panel.candidate_model
        self.candidate_view = self.panel.candidate_view
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._tab_order()

    def _tab_order(self) -> None:
        """Tab goes the way an SPO works: the case, the practitioners, then the decision."""
        self.panel.drilldown.setTabChangesFocus(True)
        chain_tab_order(
            self.lists,
            self.queue_view,
            self.review_view,
            self.find_box,
            self.find_button,
            self.propose_button,
            self.panel.team_box,
            self.candidate_view,
            *self.panel.buttons,
            self.panel.drilldown,
        )

    def _connect(self) -> None:
        self.queue_view.selectionModel().selectionChanged.connect(self._queue_selected)
        self.review_view.selectionModel().selectionChanged.connect(self._review_selected)
        self.candidate_view.selectionModel().selectionChanged.connect(self._candidate_selected)
        self.candidate_view.doubleClicked.connect(self._candidate_activated)
        self.find_box.returnPressed.connect(self.find_case)
        self.panel.team_box.currentIndexChanged.connect(self._team_chosen)

    # --- loading ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the queue and the reviews (and the chosen case's ranking)."""
        pdu = self.ctx.pdu
        if pdu is None:
            return
        self.ctx.ops.read(alloc_queue.queue, pdu.id, self.ctx.today).then(self._show_queue)
        self.ctx.ops.read(alloc_queue.reviews, pdu.id).then(self._show_reviews)
        self.ctx.ops.read(alloc_views.team_choices, pdu.id, self.ctx.today, self.ctx.actor).then(
            partial(self._show_teams, pdu.id)
        )

    def team_id(self) -> int | None:
        """The team chosen in the team filter; None for all teams."""
        team: int | None = self.panel.team_box.currentData()
        return team

    def team_name(self) -> str:
        return self.panel.team_box.currentText()

    def _show_teams(self, pdu_id: int, choices: tuple[FilterOptions, int | None]) -> None:
        """Fill the team filter; on a PDU's first showing, start on the SPO's own team."""
        options, home = choices
        before = self.team_id()
        first = pdu_id != self.teams_pdu
        self.teams_pdu = pdu_id
        self.panel.show_teams(options, home if first else None)
        if self.team_id() != before:
            self._team_chosen()

    @Slot()
    def _team_chosen(self, *_: Any) -> None:
        self._load_candidates()
        self.team_changed.emit(self.team_id())

    def clear(self) -> None:
        self.case, self.review_id, self.source = None, None, ""
        self.panel.clear()
        self._update_actions()

    def _show_queue(self, items: list[QueueItem]) -> None:
        from_queue = self.case is not None and self.source == "queue"
        self.queue_model.set_rows(items)
        self.lists.setTabText(0, self.tr("&Queue (%d)") % len(items))
        row = self.queue_model.row_of(self.case.person_id) if from_queue and self.case else None
        showing_queue = self.lists.currentIndex() == 0
        if row is None and items and (from_queue or (self.case is None and showing_queue)):
            row = 0  # the case just allocated has left the queue: go on to the next
        if row is not None:
            self.queue_view.selectRow(row)
        elif from_queue:
            self.clear()

    def _show_reviews(self, rows: list[ReviewRow]) -> None:
        keep = self.review_id if self.source == "review" else None
        self.review_model.set_rows(rows)
        self.lists.setTabText(1, self.tr("&Reviews (%d)") % len(rows))
        row = self.review_model.row_of(keep) if keep is not None else None
        if row is not None:
            self.review_view.selectRow(row)
        elif keep is not None:
            self.clear()

    # --- choosing ------------------------------------------------------------------------
    @Slot()
    def _queue_selected(self, *_: Any) -> None:
        rows = self.queue_view.selectionModel().selectedRows()
        item = self.queue_model.row_at(rows[0].row()) if rows else None
        if item is not None:
            extra = [
                f"Allocate by: {clock_text(item.clock)}",
                appointment_text(item.first_appointment),
            ]
            self._choose(item.case, "queue", None, extra)

    @Slot()
    def _review_selected(self, *_: Any) -> None:
        rows = self.review_view.selectionModel().selectedRows()
        row = self.review_model.row_at(rows[0].row()) if rows else None
        if row is not None:
            detail = without_sources(row.detail)
            said = detail.casefold().startswith(row.kind_label.casefold())
            review = f"Review: {detail}" if said else f"Review ({row.kind_label}): {detail}"
            self._choose(row.case, "review", row.review_id, [review])

    def _choose(
        self, case: CaseBrief, source: str, review_id: int | None, extra: list[str]
    ) -> None:
        same = self.case is not None and self.case.person_id == case.person_id
        self.case, self.source, self.review_id, self.extra = case, source, review_id, extra
        self.panel.show_case(risk_html(case, extra), keep_candidates=same)
        self.ctx.ops.read(case_detail, case.person_id).then(
            partial(self._show_tier, case.person_id), on_failure=self._tier_unknown
        )
        self._load_candidates()
        self._update_actions()

    def _show_tier(self, person_id: int, detail: CaseDetail) -> None:
        """Word the tier from its record: imported, or computed with or without a valid
        assessment; the points behind it go in the tooltip.
        """
        case = self.case
        if case is None or case.person_id != person_id or not detail.tiers:
            return
        record = detail.tiers[0]
        tier = tier_text(case.risk, record.source, record.explanation)
        how = without_sources(record.explanation)
        tip = self.tr("How tier %1 was worked out:\n%2").replace("%1", record.tier or "")
        self.panel.show_case(risk_html(case, self.extra, tier), keep_candidates=True)
        self.panel.set_case_tip(tip.replace("%2", how) if how else "")

    def _tier_unknown(self, _error: BaseException) -> None:
        """The tier's record could not be read (the case went meanwhile): the tier stays
        as worded from its points, and the next refresh says what happened to the case.
        """

    @Slot()
    def _load_candidates(self, *_: Any) -> None:
        pdu = self.ctx.pdu
        if self.case is None or pdu is None:
            return
        pid = self.case.person_id
        self.ctx.ops.read(alloc_queue.candidates, pdu.id, pid, self.ctx.today, self.team_id()).then(
            partial(self._show_candidates, pid)
        )

    def _show_candidates(self, person_id: int, rows: list[CandidateRow]) -> None:
        if self.case is None or self.case.person_id != person_id:
            return  # an answer for a case no longer chosen
        self.panel.set_candidates(rows)
        self._update_actions()

    def chosen(self) -> CandidateRow | None:
        return self.panel.chosen()

    @Slot()
    def _candidate_selected(self, *_: Any) -> None:
        self._update_actions()
        choice = self.chosen()
        if choice is None:
            return
        staff_id = choice.ranked.staff_id
        self.ctx.ops.read(alloc_views.practitioner_drilldown, staff_id, self.ctx.today).then(
            partial(self._show_drilldown, staff_id)
        )

    def _show_drilldown(self, staff_id: int, d: Drilldown) -> None:
        choice = self.chosen()
        if choice is not None and choice.ranked.staff_id == staff_id:
            self.panel.drilldown.setHtml(drilldown_html(d, choice.ranked))

    @Slot()
    def _candidate_activated(self, *_: Any) -> None:
        if self.allocate_action.isEnabled():
            self.allocate()
        elif self.reallocate_action.isEnabled():
            self.reallocate()

    def _update_actions(self) -> None:
        chosen = self.chosen() is not None and self.case is not None
        allocated = self.case is not None and self.case.holder is not None
        self.allocate_action.setEnabled(chosen and not allocated)
        self.reallocate_action.setEnabled(chosen and allocated)
        self.keep_action.setEnabled(self.review_id is not None)

    @Slot()
    def focus_find(self) -> None:
        if self.find_box.hasFocus() and self.find_box.text().strip():
            self.find_case()
        self.find_box.setFocus()
        self.find_box.selectAll()

    @Slot()
    def find_case(self) -> None:
        pdu = self.ctx.pdu
        text = self.find_box.text().strip()
        if pdu is None or not text:
            return
        self.ctx.ops.read(alloc_queue.find_case, pdu.id, text).then(self._found)

    def _found(self, case: CaseBrief) -> None:
        self.queue_view.clearSelection()
        self.review_view.clearSelection()
        self._choose(case, "found", None, [])

    # --- writing --------------------------------------------------------------------------
    def run_dialog(self, dialog: QDialog) -> bool:
        """Show a dialog modally; tests reach it through ``open_dialog`` while it is open."""
        self.open_dialog = dialog
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            self.open_dialog = None
            dialog.deleteLater()

    @Slot()
    def propose(self) -> None:
        """Open the batch proposal for the queue (issue 23: :mod:`.proposal_dialog`)."""
        from app.ui.allocation.proposal_dialog import ProposalDialog

        self.proposal_dialog = ProposalDialog(self.ctx, self.team_id(), self)
        self.proposal_dialog.show()
        self.proposal_dialog.start()

    @Slot()
    def allocate(self) -> None:
        self._allocate_or_reallocate(reallocating=False)

    @Slot()
    def reallocate(self) -> None:
        self._allocate_or_reallocate(reallocating=True)

    def _allocate_or_reallocate(self, reallocating: bool) -> None:
        """Give the chosen case to the chosen practitioner: allocate a new case, or
        reallocate (with a reason) one already held, after the dialog (SPEC.md 4.3).
        """
        case, choice = self.case, self.chosen()
        if case is None or choice is None or (case.holder is not None) != reallocating:
            return
        dialog = AllocateDialog(case, choice, reallocating, self)
        if not self.run_dialog(dialog):
            return
        if reallocating:
            job = self.ctx.ops.write(
                alloc_writes.reallocate,
                case.person_id,
                choice.ranked.staff_id,
                case.version,
                dialog.reason() or "",
                note=dialog.note(),
                policy_reason=dialog.policy_reason(),
                confirmed=dialog.confirmed(),
                safeguard_reason=dialog.safeguard_reason(),
            )
        else:
            job = self.ctx.ops.write(
                alloc_writes.allocate,
                case.person_id,
                choice.ranked.staff_id,
                case.version,
                note=dialog.note(),
                policy_reason=dialog.policy_reason(),
                confirmed=dialog.confirmed(),
                safeguard_reason=dialog.safeguard_reason(),
            )
        job.then(
            partial(self.outcomes.allocated, case, choice.ranked.name, reallocating),
            on_failure=self._failed,
        )

    @Slot()
    def keep(self) -> None:
        if self.case is None or self.review_id is None:
            return
        dialog = KeepDialog(self.case, self)
        if self.run_dialog(dialog):
            resolution = dialog.resolution()
            self.ctx.ops.write(alloc_writes.resolve_review, self.review_id, resolution).then(
                partial(self.outcomes.kept, self.case, resolution), on_failure=self._failed
            )

    def apply_changes(self, changes: ChangeSet) -> None:
        """Bring the desk up to date with a committed change: only the cases it names.

        A change without case ids (an import's bulk write, a new setting) reloads
        the desk; the practitioners' loads follow with the chosen case's ranking.
        """
        pdu, cases = self.ctx.pdu, changes.get(Kind.CASE)
        if pdu is None:
            return
        if not cases or changes.is_bulk(Kind.CASE) or changes.touches(Kind.SETTING):
            self.refresh()
        else:
            self.ctx.ops.read(alloc_queue.desk_update, pdu.id, self.ctx.today, sorted(cases)).then(
                self._show_update
            )
        chosen = self.case
        if chosen is not None and chosen.person_id in cases and self.source == "found":
            self.ctx.ops.read(alloc_queue.case_brief, chosen.person_id).then(self._found)
        elif chosen is not None and changes.touches(Kind.STAFF, Kind.REDUCTION, Kind.TEAM):
            self._load_candidates()

    def _show_update(self, update: DeskUpdate) -> None:
        """Put the touched cases' rows in place; the next case is chosen when one left."""
        from_queue = self.case is not None and self.source == "queue"
        at = self.queue_model.row_of(self.case.person_id) if from_queue and self.case else None
        self.queue_model.update_rows(
            lambda item: item.case.person_id in update.person_ids,
            update.queue,
            key=lambda item: (item.case.clock_start, item.case.crn),
        )
        self.review_model.update_rows(
            lambda row: row.case.person_id in update.person_ids,
            update.reviews,
            key=lambda row: (row.raised_on, row.review_id),
        )
        self.lists.setTabText(0, self.tr("&Queue (%d)") % self.queue_model.rowCount())
        self.lists.setTabText(1, self.tr("&Reviews (%d)") % self.review_model.rowCount())
        if self.source == "review" and self.review_id is not None:
            if self.review_model.row_of(self.review_id) is None:
                self.clear()  # the review was answered
            return
        if not from_queue or self.case is None:
            return
        if self.queue_model.row_of(self.case.person_id) is not None:
            return
        rows = self.queue_model.rowCount()
        if rows and at is not None:
            self.queue_view.selectRow(min(at, rows - 1))  # the case has gone: on to the next
        else:
            self.clear()

    def _failed(self, error: BaseException) -> None:
        """Someone else was first: say what changed, then show the desk as it now is."""
        if isinstance(error, ConflictError):
            title, message = describe(error)
            QMessageBox.warning(self, title, message)
            self.refresh()
            self._load_candidates()
        else:
            show_error(self, error)
