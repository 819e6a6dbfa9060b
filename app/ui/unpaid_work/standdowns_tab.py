"""The stand-downs view: this week's and the coming weeks', and the people to rebook.

The stand-down rate and the hours lost to stand-downs are two numbers with
two names, shown side by side (DOMAIN.md 5). Rebooking someone onto another
suitable session is one step: choose the person, Rebook, choose the session.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.unpaid_work import Notice, StandDownReason
from app.domain.unpaid_work_standdowns import StandDownFigures
from app.services.unpaid_work import booking, schedule, standdowns
from app.services.unpaid_work.standdown_view import StandDownsView, stand_downs_view
from app.services.unpaid_work.standdowns import SessionChoice, ToRebook
from app.ui.context import AppContext
from app.ui.formatting import fmt_date
from app.ui.permissions import allowed
from app.ui.unpaid_work.dialogs import RangeDialog, RebookDialog

WEEKS = 4
FIGURE_COLUMNS = (
    "Week from",
    "Sessions scheduled",
    "Stood down",
    "On the day",
    "Stand-down rate",
    "Person-hours offered",
    "Person-hours lost",
    "Hours lost to stand-downs",
)
ROW_COLUMNS = ("Date", "Project", "Reason", "Notice", "Planned", "People affected", "Hours lost")
REBOOK_COLUMNS = ("Person", "Stood down from", "Date", "Outcome", "Reason")


def percent_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def read_only_table(
    columns: tuple[str, ...], name: str, stretch_last: bool = False
) -> QTableWidget:
    """A table of whole rows to choose, not to edit, its columns fitted to their contents."""
    table = QTableWidget(0, len(columns))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(stretch_last)
    return table


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    return read_only_table(columns, name, stretch_last=True)


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


def figure_row(week: date, f: StandDownFigures) -> list[str]:
    return [
        fmt_date(week),
        str(f.sessions_scheduled),
        str(f.sessions_stood_down),
        str(f.sessions_stood_down_on_the_day),
        percent_text(f.stand_down_rate_percent),
        f"{f.person_minutes_offered / 60:g}",
        f"{f.person_minutes_lost / 60:g}",
        percent_text(f.hours_lost_percent),
    ]


class StandDownsTab(QWidget):
    """Stand-downs of this and the coming weeks by reason and notice; the people to rebook."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.week = schedule.week_of(ctx.today)
        self.view: StandDownsView | None = None
        self.people: list[ToRebook] = []
        self.pending_choice: int | None = None
        self.last_message = ""
        self._build()

    def _build(self) -> None:
        self.headline = QLabel()
        self.headline.setAccessibleName(self.tr("Stand-down figures"))
        self.headline.setWordWrap(True)
        self.figures = _table(FIGURE_COLUMNS, self.tr("Stand-down figures by week"))
        self.by_reason = _table(("Reason", "Sessions"), self.tr("Stand-downs by reason"))
        self.by_notice = _table(("Notice", "Sessions"), self.tr("Stand-downs by notice"))
        self.rows = _table(ROW_COLUMNS, self.tr("Stand-downs of these weeks"))
        self.rebook_table = _table(REBOOK_COLUMNS, self.tr("People to rebook"))
        self.rebook_button = QPushButton(self.tr("Re&book the chosen person…"))
        self.rebook_button.clicked.connect(self.rebook_chosen)
        self.closure_button = QPushButton(self.tr("&Plan a closure…"))
        self.closure_button.clicked.connect(self.plan_closure)
        allowed(self.rebook_button, self.ctx.actor, booking.rebook)
        allowed(self.closure_button, self.ctx.actor, standdowns.plan_closure)
        counts = QSplitter(Qt.Orientation.Horizontal)
        counts.addWidget(self.by_reason)
        counts.addWidget(self.by_notice)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rebook_button)
        buttons.addWidget(self.closure_button)
        buttons.addStretch(1)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.rows)
        rebook = QWidget()
        box = QVBoxLayout(rebook)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel(self.tr("To rebook")))
        box.addWidget(self.rebook_table)
        box.addLayout(buttons)
        lower.addWidget(rebook)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.figures)
        layout.addWidget(counts)
        layout.addWidget(lower, 1)

    def refresh(self) -> None:
        pdu = self.ctx.pdu
        if pdu is None:
            return
        self.ctx.ops.read(stand_downs_view, self.ctx.actor, pdu.id, self.week, WEEKS).then(
            self._show
        )
        self.ctx.ops.read(standdowns.to_rebook, self.ctx.actor, pdu.id, None).then(
            self._show_people
        )

    def _show(self, view: StandDownsView) -> None:
        self.view = view
        total = view.total
        self.headline.setText(
            self.tr(
                "From %s to %s: stand-down rate %s (%d of %d sessions stood down, %d on the day)"
                " · hours lost to stand-downs %s (%s of %s person-hours offered)"
            )
            % (
                fmt_date(view.first_day),
                fmt_date(view.last_day),
                percent_text(total.stand_down_rate_percent),
                total.sessions_stood_down,
                total.sessions_scheduled,
                total.sessions_stood_down_on_the_day,
                percent_text(total.hours_lost_percent),
                f"{total.person_minutes_lost / 60:g}",
                f"{total.person_minutes_offered / 60:g}",
            )
        )
        _fill(self.figures, [figure_row(w.week_start, w.figures) for w in view.weeks])
        _fill(
            self.by_reason,
            [[r.label, str(total.by_reason[r.value])] for r in StandDownReason],
        )
        _fill(self.by_notice, [[n.label, str(total.by_notice[n.value])] for n in Notice])
        _fill(
            self.rows,
            [
                [
                    fmt_date(r.day),
                    r.project,
                    r.reason_label + (f" ({r.note})" if r.note else ""),
                    r.notice_label,
                    "Planned" if r.planned else "",
                    "; ".join(r.people) or "nobody booked",
                    f"{r.person_minutes_lost / 60:g}",
                ]
                for r in view.rows
            ],
        )

    def _show_people(self, people: list[ToRebook]) -> None:
        self.people = people
        _fill(
            self.rebook_table,
            [
                [f"{p.name} ({p.crn})", p.project, fmt_date(p.day), p.outcome, p.reason]
                for p in people
            ],
        )
        if people:
            self.rebook_table.selectRow(0)
        if self.pending_choice is not None:
            self.choose_person(self.pending_choice)

    def choose_person(self, placement_id: int) -> None:
        """Select this person to rebook (once the list has them, if it is still loading)."""
        self.pending_choice = placement_id
        for row, p in enumerate(self.people):
            if p.placement_id == placement_id:
                self.rebook_table.selectRow(row)
                self.pending_choice = None

    def rebook_chosen(self) -> None:
        row = self.rebook_table.currentRow()
        if not 0 <= row < len(self.people):
            self.last_message = self.tr("Choose a person to rebook.")
            return
        person = self.people[row]
        self.ctx.ops.read(
            standdowns.suitable_sessions, self.ctx.actor, person.placement_id, WEEKS
        ).then(lambda choices: self._ask_session(person, choices))

    def _ask_session(self, person: ToRebook, choices: list[SessionChoice]) -> None:
        dialog = RebookDialog(person.name, choices, self)
        if not dialog.exec():
            return
        chosen = dialog.chosen()
        if chosen is None:
            return
        self.ctx.ops.write(
            booking.rebook,
            person.placement_id,
            chosen.session_id,
            chosen.version,
            dialog.reason.text(),
        ).then(lambda _id: self._rebooked(person, chosen))

    def _rebooked(self, person: ToRebook, chosen: SessionChoice) -> None:
        self.last_message = self.tr("%s rebooked onto %s on %s.") % (
            person.name,
            chosen.project,
            fmt_date(chosen.day),
        )

    def plan_closure(self) -> None:
        pdu = self.ctx.pdu
        if pdu is None:
            return
        tomorrow = self.ctx.today + timedelta(days=1)
        dialog = RangeDialog(self.tr("Plan a closure"), tomorrow, tomorrow, self, closure=True)
        if not dialog.exec():
            return
        first, last = dialog.days()
        self.ctx.ops.write(
            standdowns.plan_closure,
            pdu.id,
            first,
            last,
            dialog.chosen_reason(),
            dialog.note.text(),
        ).start()
