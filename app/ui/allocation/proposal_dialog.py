"""Propose allocations for the whole queue, edit the lines, accept them (issue 23).

Opened from the allocation desk's queue. The proposal is built off the GUI
thread with a progress bar and Cancel; nothing is written until lines are
accepted, and each accepted line is an ordinary allocation (the desk's own
service: permission, optimistic locking, a recorded reason where one is
needed). While the window is open its cases are held, so another SPO's
proposal leaves them out.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.batch_proposal import ProposalLine, why_not_in
from app.services.allocation import proposal as batch
from app.services.allocation.proposal import Acceptance, ProposalView
from app.services.allocation.views import team_choices
from app.services.caseload.search import FilterOptions
from app.services.core.errors import ConflictError
from app.ui.allocation.case_panel import action_button
from app.ui.allocation.panels import make_table
from app.ui.allocation.proposal_model import ProposalModel, needs_text
from app.ui.context import AppContext
from app.ui.errors import describe, show_error
from app.ui.formatting import grade_short


class ProposalDialog(QDialog):
    """The proposal's lines with lock, change, remove, re-solve, why not and accept."""

    help_page = "allocation.html#proposal"  # F1 opens the guide here

    def __init__(self, ctx: AppContext, team_id: int | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Propose allocations"))
        self.setAccessibleName(self.windowTitle())
        self.resize(1100, 600)
        self.model = ProposalModel()
        self.view: ProposalView | None = None
        self.cases: list[int] = []  # the batch: held for this proposal
        self.locked: dict[int, int] = {}
        self.removed: set[int] = set()
        self.accepted_cases: list[int] = []
        self._team_id = team_id
        self._build()
        self._update_actions()

    # --- building ----------------------------------------------------------------------
    def _action(self, text: str, shortcut: str, tip: str, slot: Any) -> QAction:
        action = QAction(self.tr(text), self)
        action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(self.tr(tip))
        action.setToolTip(f"{self.tr(tip)} ({shortcut})")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build(self) -> None:
        self.resolve_action = self._action(
            "&Re-solve", "Ctrl+R", "Propose again around the locked lines", self.resolve
        )
        self.lock_action = self._action(
            "&Lock line",
            "Ctrl+L",
            "Keep this line as it is when the rest is solved again",
            self.lock,
        )
        self.change_action = self._action(
            "&Change practitioner…", "Ctrl+H", "Give this case to someone else", self.change
        )
        self.remove_action = self._action(
            "Re&move line", "Ctrl+Delete", "Leave this case out of the proposal", self.remove
        )
        self.why_action = self._action(
            "&Why not…", "Ctrl+W", "What giving this case to someone else would cost", self.why_not
        )
        self.accept_action = self._action(
            "&Accept selected", "Ctrl+Return", "Allocate the selected lines", self.accept_selected
        )
        self.accept_all_action = self._action(
            "Accept a&ll", "Ctrl+Shift+Return", "Allocate every line", self.accept_all
        )
        self.header = QLabel(self.tr("Choose the teams, then Re-solve."))
        self.header.setWordWrap(True)
        self.header.setAccessibleName(self.tr("Proposal header"))
        self.teams = QListWidget()
        self.teams.setAccessibleName(self.tr("Teams to propose over"))
        self.teams.setMaximumHeight(80)
        self.table = make_table(
            self.model,
            self.tr("Proposed allocations"),
            {ProposalModel.NAME: 160, ProposalModel.REASON: 320, ProposalModel.NEEDS: 260},
        )
        self.table.setSelectionMode(self.table.SelectionMode.ExtendedSelection)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        buttons = QHBoxLayout()
        for action, name in (
            (self.resolve_action, "Re-solve"),
            (self.lock_action, "Lock line"),
            (self.change_action, "Change practitioner"),
            (self.remove_action, "Remove line"),
            (self.why_action, "Why not"),
            (self.accept_action, "Accept selected"),
            (self.accept_all_action, "Accept all"),
        ):
            buttons.addWidget(action_button(action, self.tr(name)))
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Practitioners of:")))
        layout.addWidget(self.teams)
        layout.addWidget(self.header)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    # --- starting ----------------------------------------------------------------------
    def start(self) -> None:
        """List the teams, hold the default cases, then propose."""
        pdu = self.ctx.pdu
        if pdu is None:
            return
        self.ctx.ops.read(team_choices, pdu.id, self.ctx.today, self.ctx.actor).then(
            self._show_teams
        )
        self.ctx.ops.read(batch.proposable_cases, self.ctx.actor, pdu.id, self.ctx.today).then(
            self._hold
        )

    def _show_teams(self, choices: tuple[FilterOptions, int | None]) -> None:
        options, home = choices
        chosen = self._team_id if self._team_id is not None else home
        self.teams.clear()
        for option in options.teams:
            team_id = option.id
            item = QListWidgetItem(option.label)
            item.setData(Qt.ItemDataRole.UserRole, team_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = chosen is None or team_id == chosen
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.teams.addItem(item)

    def team_ids(self) -> list[int]:
        items = (self.teams.item(i) for i in range(self.teams.count()))
        return [
            int(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item is not None and item.checkState() == Qt.CheckState.Checked
        ]

    def _hold(self, cases: list[int]) -> None:
        pdu = self.ctx.pdu
        if pdu is None:
            return
        self.ctx.ops.write(batch.open_proposal, pdu.id, cases, as_at=self.ctx.today).then(
            self._held
        )

    def _held(self, held: tuple[int, ...]) -> None:
        self.cases = list(held)
        if not held:
            self.header.setText(self.tr("No unallocated case is free to propose."))
            return
        self.resolve()

    # --- solving -----------------------------------------------------------------------
    @Slot()
    def resolve(self) -> None:
        """Propose (again) around the locked lines; the last choices are kept where they can be."""
        pdu = self.ctx.pdu
        cases = [c for c in self.cases if c not in self.removed and c not in self.accepted_cases]
        if pdu is None or not cases:
            return
        previous = self.view.proposal.choices if self.view else {}
        self.ctx.ops.long_read(
            self,
            self.tr("Proposing allocations"),
            batch.propose,
            pdu.id,
            cases,
            self.ctx.today,
            self.team_ids(),
            locked=dict(self.locked),
            previous=previous,
        ).then(self._show, on_failure=self._failed, on_cancel=self._cancelled)

    def _show(self, view: ProposalView) -> None:
        self.view = view
        self.model.set_view(view, self.removed | set(self.accepted_cases))
        self.header.setText(view.proposal.header())
        self._update_actions()

    def _cancelled(self) -> None:
        self.header.setText(
            self.tr("Proposal cancelled: nothing was changed. Re-solve to try again.")
        )

    # --- editing -----------------------------------------------------------------------
    def chosen_lines(self) -> list[ProposalLine]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [line for r in rows if (line := self.model.row_at(r)) is not None]

    def _update_actions(self, *_: Any) -> None:
        lines = self.chosen_lines()
        one = len(lines) == 1
        self.lock_action.setEnabled(one and lines[0].staff_id is not None)
        self.change_action.setEnabled(one and self.view is not None)
        self.why_action.setEnabled(one and not lines[0].locked and lines[0].staff_id is not None)
        self.remove_action.setEnabled(bool(lines))
        self.accept_action.setEnabled(any(line.staff_id is not None for line in lines))
        self.accept_all_action.setEnabled(self.model.rowCount() > 0)
        self.resolve_action.setEnabled(bool(self.cases))

    @Slot()
    def lock(self) -> None:
        """Lock the chosen line to its practitioner (or unlock it), then solve the rest again."""
        [line] = self.chosen_lines()
        if line.locked:
            self.locked.pop(line.case_id, None)
        elif line.staff_id is not None:
            self.locked[line.case_id] = line.staff_id
        self.resolve()

    def practitioner_choices(self) -> list[tuple[str, int]]:
        view = self.view
        if view is None:
            return []
        ordered = sorted(view.practitioners.values(), key=lambda p: (p.surname, p.forename))
        return [
            (f"{p.name} ({grade_short(p.grade)}, {p.load.capacity_percent or 0:.0f}%)", p.staff_id)
            for p in ordered
        ]

    def _ask_practitioner(self, title: str) -> int | None:
        choices = self.practitioner_choices()
        labels = [label for label, _ in choices]
        label, ok = QInputDialog.getItem(self, title, self.tr("Practitioner:"), labels, 0, False)
        return dict(choices).get(label) if ok else None

    @Slot()
    def change(self) -> None:
        [line] = self.chosen_lines()
        staff = self._ask_practitioner(self.tr("Give the case to"))
        if staff is not None:
            self.change_line(line.case_id, staff)

    def change_line(self, case_id: int, staff_id: int) -> None:
        """Give a case to a practitioner of the SPO's choosing, locked, and solve the rest."""
        self.locked[case_id] = staff_id
        self.resolve()

    @Slot()
    def remove(self) -> None:
        for line in self.chosen_lines():
            self.removed.add(line.case_id)
            self.locked.pop(line.case_id, None)
        self.resolve()

    def why_not_text(self, case_id: int, staff_id: int) -> str:
        """The exact cost of moving one line's case to another practitioner, in words."""
        assert self.view is not None
        return why_not_in(self.view.proposal, case_id, staff_id).text

    @Slot()
    def why_not(self) -> None:
        [line] = self.chosen_lines()
        staff = self._ask_practitioner(self.tr("Why not…"))
        if staff is not None:
            QMessageBox.information(
                self, self.tr("Why not"), self.why_not_text(line.case_id, staff)
            )

    # --- accepting -------------------------------------------------------------------
    @Slot()
    def accept_selected(self) -> None:
        self.accept_lines(self.chosen_lines())

    @Slot()
    def accept_all(self) -> None:
        self.accept_lines(self.model.rows())

    def accept_lines(self, lines: list[ProposalLine]) -> None:
        """Allocate these lines; a line needing a reason or a confirmation asks for it first."""
        view = self.view
        if view is None:
            return
        acceptances = []
        for line in lines:
            if line.staff_id is None:
                continue
            reason = ""
            if line.outside_policy or line.safeguard:
                reason, ok = QInputDialog.getText(
                    self,
                    self.tr("A reason is needed"),
                    needs_text(line)[:1].upper() + needs_text(line)[1:],
                )
                if not ok or not reason.strip():
                    return
            acceptances.append(
                Acceptance(
                    line.case_id,
                    line.staff_id,
                    view.cases[line.case_id].version,
                    note=self.tr("From a batch proposal: %s") % line.reason,
                    policy_reason=reason if line.outside_policy else "",
                    confirmed=line.needs_confirmation,
                    safeguard_reason=reason if line.safeguard else "",
                )
            )
        if acceptances:
            ids = [a.person_id for a in acceptances]
            self.ctx.ops.write(batch.accept, acceptances, as_at=self.ctx.today).then(
                lambda _allocations: self._accepted(ids), on_failure=self._failed
            )

    def _accepted(self, case_ids: list[int]) -> None:
        self.accepted_cases.extend(case_ids)
        if self.view is not None:
            self.model.set_view(self.view, self.removed | set(self.accepted_cases))
        self.header.setText(
            self.tr("%d allocated. %s")
            % (len(case_ids), self.view.proposal.header() if self.view else "")
        )
        self._update_actions()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ConflictError):
            title, message = describe(error)
            QMessageBox.warning(self, title, message)
        else:
            show_error(self, error)

    def done(self, result: int) -> None:
        """Closing lets the held cases go for other SPOs' proposals."""
        pdu = self.ctx.pdu
        if pdu is not None and self.cases:
            self.ctx.ops.write(batch.close_proposal, pdu.id).start()
            self.cases = []
        super().done(result)
