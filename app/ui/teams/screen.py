"""The Teams and PODs screen: teams, PODs, who sits where, hours and reductions.

SPEC.md 1 and 3 (an SPO edits their team's PODs; staff hours, reductions and
absences), DOMAIN.md 1 and 4a. The services check permission and values;
this screen collects them in small dialogs and shows the result.

Each change passes the version of the team, POD or person the screen showed;
when someone else changed it first, the screen says what changed and reloads
(SPEC.md 9).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import Grade
from app.domain.workload import ReductionReason
from app.services.core.changes import ChangeSet, Kind
from app.services.core.errors import ConflictError, NotFound
from app.services.core.reference import PduInfo
from app.services.core.settings import workload_settings
from app.services.teams import organisation as teams
from app.services.teams import reductions
from app.services.teams.organisation import PodView, StaffOption, TeamsView, TeamView
from app.services.teams.reductions import ABSENCE_REASONS, ReductionView
from app.ui.context import AppContext
from app.ui.errors import describe, show_error
from app.ui.teams.dialogs import (
    ChoiceDialog,
    EndDateDialog,
    HoursDialog,
    NameDialog,
    ReductionDialog,
)
from app.ui.teams.reductions_model import ID_ROLE, ReductionsModel
from app.ui.teams.tree import TeamsTree
from app.ui.widgets.deferred import WhenShown

if TYPE_CHECKING:
    from app.services.core.actor import Actor
    from app.services.core.store import Session

P = ParamSpec("P")

_WATCHED = (
    Kind.STAFF,
    Kind.TEAM,
    Kind.POD,
    Kind.REDUCTION,
    Kind.CASE,
    Kind.ALLOCATION,
    Kind.TIER,
    Kind.SETTING,
)

# (attribute, label, shortcut, status tip, handler name)
ACTIONS = (
    ("new_team_action", "New &team…", "Ctrl+Shift+N", "Create a team led by an SPO", "new_team"),
    ("new_pod_action", "New &POD…", "Ctrl+N", "Create a POD in the chosen team", "new_pod"),
    ("rename_action", "&Rename…", "F2", "Rename the chosen team or POD", "rename_selected"),
    ("spo_action", "Team &SPO…", "Ctrl+Shift+L", "Choose who leads the team", "choose_spo"),
    ("move_action", "&Move to POD…", "Ctrl+M", "Move the chosen person to a POD", "move_selected"),
    ("hours_action", "Set &hours…", "Ctrl+H", "Change contracted hours", "set_hours_selected"),
    ("reduction_action", "Add re&duction…", "Ctrl+R", "Take hours off capacity", "add_reduction"),
    ("absence_action", "Add &absence…", "Ctrl+Shift+A", "Record an absence", "add_absence"),
    ("end_action", "&End reduction…", "Ctrl+E", "End the chosen reduction", "end_selected"),
    (
        "delete_action",
        "&Delete reduction…",
        "Del",
        "Delete the chosen reduction",
        "delete_selected",
    ),
    ("refresh_action", "Re&fresh", "F5", "Read teams again from the database", "refresh"),
)


class TeamsScreen(QWidget):
    """A tree of teams, PODs and people, with the chosen person's reductions."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.view = TeamsView((), ())
        self.spos: list[StaffOption] = []
        self.reductions_model = ReductionsModel()
        self._build()
        self._catch_up = WhenShown(self, self.refresh)
        self._build_actions()
        self._connect()
        self.refresh()

    # --- building -------------------------------------------------------------
    def _build(self) -> None:
        self.tree = TeamsTree()
        self.toolbar = QToolBar(self.tr("Teams and PODs"))
        self.toolbar.setAccessibleName(self.tr("Teams and PODs actions"))
        self.reductions_label = QLabel()
        self.reductions_label.setWordWrap(True)
        self.reductions_table = QTableView()
        self.reductions_table.setAccessibleName(self.tr("Reductions and absences"))
        self.reductions_table.setModel(self.reductions_model)
        self.reductions_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.reductions_table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.reductions_table.verticalHeader().setVisible(False)
        header = self.reductions_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.reductions_label)
        lower_layout.addWidget(self.reductions_table)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(lower)
        splitter.setSizes([640, 450])
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)

    def _build_actions(self) -> None:
        for attribute, label, shortcut, tip, handler in ACTIONS:
            action = QAction(self.tr(label), self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setStatusTip(self.tr(tip))
            action.setToolTip(f"{self.tr(tip)} ({shortcut})")
            action.triggered.connect(getattr(self, handler))
            setattr(self, attribute, action)
            self.addAction(action)
            if attribute != "refresh_action":
                self.toolbar.addAction(action)

    def _connect(self) -> None:
        self.tree.currentItemChanged.connect(self._selection_changed)
        selection = self.reductions_table.selectionModel()
        selection.selectionChanged.connect(lambda *_: self._update_actions())
        self.ctx.broadcast.pdu_changed.connect(self._pdu_changed)
        self.ctx.broadcast.data_changed.connect(self._data_changed)

    # --- reading ----------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        if self.ctx.pdu is None:
            return
        pdu_id = self.ctx.pdu.id
        self.ctx.ops.read(teams.spo_options, pdu_id).then(self._set_spos)
        self.ctx.ops.read(workload_settings, self.ctx.today, pdu_id).then(self.tree.set_settings)
        self.ctx.ops.read(teams.list_teams, pdu_id, self.ctx.today).then(self._show)

    def _set_spos(self, spos: list[StaffOption]) -> None:
        self.spos = spos

    def _show(self, view: TeamsView) -> None:
        self.view = view
        self.tree.show_teams(view)
        self._selection_changed()

    @Slot()
    def _selection_changed(self, *_: Any) -> None:
        member = self.tree.current_member()
        if member is None or not Grade(member.grade).is_practitioner:
            self.reductions_model.set_rows([])
            self.reductions_label.setText(
                self.tr("Choose a practitioner to see their reductions and absences.")
            )
        else:
            self.reductions_label.setText(self.tr("Reductions and absences of %s") % member.name)
            self.ctx.ops.read(reductions.reductions, member.staff_id, self.ctx.today).then(
                self._show_reductions
            )
        self._update_actions()

    def _show_reductions(self, rows: list[ReductionView]) -> None:
        self.reductions_model.set_rows(rows)
        self._update_actions()

    def _update_actions(self) -> None:
        key = self.tree.current_key()
        member = self.tree.current_member()
        practitioner = member is not None and Grade(member.grade).is_practitioner
        self.new_pod_action.setEnabled(bool(self.view.teams))
        self.rename_action.setEnabled(key is not None and key[0] in ("team", "pod"))
        self.spo_action.setEnabled(key is not None and key[0] == "team")
        self.move_action.setEnabled(member is not None and Grade(member.grade) in teams.POD_GRADES)
        self.hours_action.setEnabled(member is not None)
        self.reduction_action.setEnabled(practitioner)
        self.absence_action.setEnabled(practitioner)
        chosen = self.selected_reduction() is not None
        self.end_action.setEnabled(chosen)
        self.delete_action.setEnabled(chosen)

    def selected_reduction(self) -> int | None:
        rows = self.reductions_table.selectionModel().selectedRows()
        return None if not rows else int(rows[0].data(ID_ROLE))

    # --- asking -------------------------------------------------------------------
    def ask(self, dialog: QDialog) -> bool:
        """Show a dialog; True when the user pressed OK (tests replace this)."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def confirm(self, title: str, text: str) -> bool:
        """Ask yes or no before something that cannot be undone (tests replace this)."""
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def tell(self, title: str, text: str) -> None:
        """Tell the user something went otherwise than asked (tests replace this)."""
        QMessageBox.warning(self, title, text)

    def _team(self, team_id: int | None) -> TeamView | None:
        return next((t for t in self.view.teams if t.id == team_id), None)

    def _pod(self, pod_id: int) -> PodView | None:
        return next((p for t in self.view.teams for p in t.pods if p.id == pod_id), None)

    def _pod_choices(self) -> list[tuple[str, Any]]:
        return [(f"{t.name} / {p.name}", p.id) for t in self.view.teams for p in t.pods]

    def _spo_choices(self) -> list[tuple[str, Any]]:
        return [(self.tr("No SPO yet"), None)] + [(s.label, s.id) for s in self.spos]

    # --- dialogs --------------------------------------------------------------------
    @Slot()
    def new_team(self) -> None:
        dialog = NameDialog(
            self.tr("New team"), "", self._spo_choices(), self.tr("&Led by:"), None, self
        )
        if self.ask(dialog) and self.ctx.pdu is not None:
            self.write(teams.create_team, self.ctx.pdu.id, dialog.name(), dialog.choice())

    @Slot()
    def new_pod(self) -> None:
        choices = [(t.name, t.id) for t in self.view.teams]
        current = self.tree.team_of_current()
        dialog = NameDialog(self.tr("New POD"), "", choices, self.tr("&Team:"), current, self)
        if self.ask(dialog):
            self.write(teams.create_pod, dialog.choice(), dialog.name())

    @Slot()
    def rename_selected(self) -> None:
        key = self.tree.current_key()
        if key is None or key[0] not in ("team", "pod"):
            return
        shown = self._team(key[1]) if key[0] == "team" else self._pod(key[1])
        if shown is None:
            return
        dialog = NameDialog(self.tr("Rename %s") % shown.name, shown.name, parent=self)
        if self.ask(dialog):
            fn = teams.rename_team if key[0] == "team" else teams.rename_pod
            self.write(fn, shown.id, dialog.name(), shown.version)

    @Slot()
    def choose_spo(self) -> None:
        team = self._team(self.tree.team_of_current())
        if team is None:
            return
        title = self.tr("SPO of %s") % team.name
        choices = self._spo_choices()
        dialog = ChoiceDialog(title, self.tr("&Led by:"), choices, team.spo_id, self)
        if self.ask(dialog):
            self.write(teams.set_team_spo, team.id, dialog.choice(), team.version)

    @Slot()
    def move_selected(self) -> None:
        member = self.tree.current_member()
        if member is None:
            return
        title = self.tr("Move %s") % member.name
        dialog = ChoiceDialog(title, self.tr("&To POD:"), self._pod_choices(), member.pod_id, self)
        if self.ask(dialog):
            self.write(teams.move_practitioner, member.staff_id, dialog.choice(), member.version)

    @Slot()
    def set_hours_selected(self) -> None:
        member = self.tree.current_member()
        if member is None:
            return
        title = self.tr("Hours of %s") % member.name
        dialog = HoursDialog(title, member.contracted_hours, self)
        if self.ask(dialog):
            self.write(teams.set_hours, member.staff_id, dialog.hours(), member.version)

    @Slot()
    def add_reduction(self) -> None:
        self._reduction_dialog(absence=False)

    @Slot()
    def add_absence(self) -> None:
        self._reduction_dialog(absence=True)

    def _reduction_dialog(self, absence: bool) -> None:
        member = self.tree.current_member()
        if member is None:
            return
        reasons = ABSENCE_REASONS if absence else tuple(ReductionReason)
        what = self.tr("Absence of %s") if absence else self.tr("Reduction for %s")
        dialog = ReductionDialog(
            what % member.name, reasons, member.contracted_hours, self.ctx.today, absence, self
        )
        if not self.ask(dialog):
            return
        dates = (member.staff_id, dialog.start(), dialog.end())
        version = member.version
        if absence:
            self.write(
                reductions.add_absence,
                *dates,
                dialog.reason(),
                dialog.note(),
                expected_version=version,
            )
        else:
            self.write(
                reductions.add_reduction,
                *dates,
                dialog.hours(),
                dialog.reason(),
                dialog.note(),
                expected_version=version,
            )

    @Slot()
    def end_selected(self) -> None:
        reduction_id = self.selected_reduction()
        member = self.tree.current_member()
        if reduction_id is None or member is None:
            return
        dialog = EndDateDialog(self.tr("End reduction"), self.ctx.today, self)
        if self.ask(dialog):
            self.write(reductions.end_reduction, reduction_id, dialog.day(), member.version)

    @Slot()
    def delete_selected(self) -> None:
        reduction_id = self.selected_reduction()
        member = self.tree.current_member()
        if reduction_id is None or member is None:
            return
        text = self.tr(
            "Delete this reduction? Use this only for one recorded in error: to stop one "
            "that has run its course, end it instead. The audit log keeps what it was."
        )
        if self.confirm(self.tr("Delete reduction"), text):
            self.write(reductions.delete_reduction, reduction_id, member.version)

    # --- writing --------------------------------------------------------------------
    def write(
        self,
        fn: Callable[Concatenate[Session, Actor, P], object],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> None:
        """Run a change in one transaction; every screen then refreshes from its change-set."""
        self.ctx.ops.write(fn, *args, **kwargs).then(on_failure=self._failed)

    def _failed(self, error: BaseException) -> None:
        """Someone else changed or removed it first: say what, then show it as it now is."""
        if isinstance(error, ConflictError | NotFound):
            self.tell(*describe(error))
            self.refresh()
        else:
            show_error(self, error)

    @Slot(object)
    def _pdu_changed(self, _pdu: PduInfo) -> None:
        self.refresh()

    @Slot(object)
    def _data_changed(self, changes: ChangeSet) -> None:
        if changes.touches(*_WATCHED):
            self._catch_up()

    # Named for mypy: these are set by _build_actions from ACTIONS.
    new_team_action: QAction
    new_pod_action: QAction
    rename_action: QAction
    spo_action: QAction
    move_action: QAction
    hours_action: QAction
    reduction_action: QAction
    absence_action: QAction
    end_action: QAction
    delete_action: QAction
    refresh_action: QAction
