"""The right side of the allocation desk: the chosen case, the ranked practitioners and a
practitioner's drill-down (SPEC.md 4.3).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.services.allocation.queue import CandidateRow
from app.services.caseload.search import FilterOptions
from app.ui.allocation.models import CandidateModel
from app.ui.allocation.panels import make_table
from app.ui.widgets.columns import WithSecondLine, wrap_column


def action_button(action: QAction, name: str) -> QToolButton:
    """A text button that triggers ``action`` (and follows its enabled state)."""
    button = QToolButton()
    button.setDefaultAction(action)
    button.setAccessibleName(name)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


class CasePanel(QWidget):
    """The chosen case's risk, the practitioners ranked for it and the drill-down."""

    def __init__(self, actions: list[tuple[QAction, str]]) -> None:
        super().__init__()
        self.candidate_model = CandidateModel()
        self.buttons = [action_button(action, name) for action, name in actions]
        self._build()

    def _build(self) -> None:
        self.case_label = QLabel()
        self.case_label.setAccessibleName(self.tr("Chosen case and its risk"))
        self.case_label.setTextFormat(Qt.TextFormat.RichText)
        self.case_label.setWordWrap(True)
        self.case_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.case_label.setMinimumHeight(90)
        self.case_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.team_box = QComboBox()
        self.team_box.setAccessibleName(self.tr("Practitioners of which team"))
        self.team_box.addItem(self.tr("All teams"), None)
        self.candidate_view = make_table(
            self.candidate_model,
            self.tr("Practitioners ranked for this case"),
            {CandidateModel.POD: 110},
        )
        # Each practitioner's reasons sit under their name, so none needs scrolling to.
        self.candidate_view.setItemDelegateForColumn(
            CandidateModel.NAME, WithSecondLine(CandidateModel.REASONS, self.candidate_view)
        )
        self.candidate_view.setColumnHidden(CandidateModel.REASONS, True)
        self.candidate_view.setColumnHidden(CandidateModel.POD, True)  # in the drill-down
        self.candidate_view.horizontalHeader().setStretchLastSection(False)
        wrap_column(self.candidate_view, CandidateModel.NAME)
        title = QLabel(self.tr("&Practitioners ranked for this case"))
        title.setBuddy(self.candidate_view)
        heading = QHBoxLayout()
        heading.addWidget(title, 1)
        heading.addWidget(self.team_box)
        self.drilldown = QTextBrowser()
        self.drilldown.setAccessibleName(self.tr("Practitioner drill-down"))
        buttons = QHBoxLayout()
        for button in self.buttons:
            buttons.addWidget(button)
        buttons.addStretch(1)
        table_part = QWidget()
        table_layout = QVBoxLayout(table_part)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addLayout(heading)
        table_layout.addWidget(self.candidate_view, 1)
        table_layout.addLayout(buttons)
        parts = QSplitter(Qt.Orientation.Vertical)
        parts.addWidget(table_part)
        parts.addWidget(self.drilldown)
        parts.setStretchFactor(0, 3)
        parts.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.case_label)
        layout.addWidget(parts, 1)

    def clear(self) -> None:
        self.case_label.setText(self.tr("<i>Choose a case from the queue or the reviews.</i>"))
        self.set_case_tip("")
        self.candidate_model.set_rows([])
        self.drilldown.clear()

    def show_case(self, html: str, keep_candidates: bool) -> None:
        self.case_label.setText(html)
        self.set_case_tip("")
        if not keep_candidates:
            self.candidate_model.set_rows([])
            self.drilldown.clear()

    def set_case_tip(self, tip: str) -> None:
        """How the tier was worked out: a tooltip, and the description screen readers give."""
        self.case_label.setToolTip(tip)
        self.case_label.setAccessibleDescription(tip)

    def set_candidates(self, rows: list[CandidateRow]) -> None:
        """Show the ranking, keeping the chosen practitioner chosen (else the top one)."""
        keep = self.chosen()
        self.candidate_model.set_rows(rows)
        row = self.candidate_model.row_of(keep.ranked.staff_id) if keep else None
        if rows:
            self.candidate_view.selectRow(row or 0)

    def chosen(self) -> CandidateRow | None:
        rows = self.candidate_view.selectionModel().selectedRows()
        return self.candidate_model.row_at(rows[0].row()) if rows else None

    def show_teams(self, options: FilterOptions, choose: int | None = None) -> None:
        """List the teams, keeping the chosen one (or choosing ``choose`` when given)."""
        current = self.team_box.currentData() if choose is None else choose
        self.team_box.blockSignals(True)
        while self.team_box.count() > 1:
            self.team_box.removeItem(1)
        for team in options.teams:
            self.team_box.addItem(team.label, team.id)
        self.team_box.setCurrentIndex(max(self.team_box.findData(current), 0))
        self.team_box.blockSignals(False)
