"""The Overview screen, the first one (SPEC.md 4.1).

This week's figures at a glance, each percentage red, amber or green
(DOMAIN.md 7 bands, or the figure's own target), beside what needs action
today; each action is a link to the screen that deals with it. On the demo
PDU a banner says so.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.core.actor import Actor
from app.services.core.changes import ChangeSet
from app.services.core.reference import PduInfo
from app.services.returns.overview import ActionItem, Glance, OverviewView, overview
from app.ui.context import AppContext
from app.ui.formatting import fmt_date
from app.ui.widgets.deferred import WhenShown

CARDS_PER_ROW = 4


def _refusal(actor: Actor, title: str) -> str | None:
    """Why this user cannot follow a link to that screen (None: they can)."""
    from app.ui.main_window import screen_refusal

    return screen_refusal(actor, title)


class GlanceCard(QFrame):
    """One figure: its label, its value large, a note, coloured by its band."""

    def __init__(self, glance: Glance) -> None:
        super().__init__()
        self.glance = glance
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("glance")
        band = glance.band
        colour = band.colour if band is not None else "#f2f2f2"
        self.setStyleSheet(f"#glance {{ background: {colour}; border-radius: 6px; }}")
        layout = QVBoxLayout(self)
        self.value_label = QLabel(glance.shown)
        self.value_label.setStyleSheet("font-size: 20pt; font-weight: bold;")
        title = QLabel(glance.label)
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(self.value_label)
        self.band_label = QLabel(band.label if band is not None else "")
        layout.addWidget(self.band_label)
        if glance.note:
            note = QLabel(glance.note)
            note.setWordWrap(True)
            layout.addWidget(note)
        rag = f" ({band.label})" if band is not None else ""
        self.setAccessibleName(f"{glance.label}: {glance.shown}{rag}")


class OverviewScreen(QWidget):
    """This week's figures and today's actions for the chosen PDU."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.view: OverviewView | None = None
        self.cards: list[GlanceCard] = []
        self.action_buttons: dict[str, QPushButton] = {}
        self._build()
        self._catch_up = WhenShown(self, self.refresh)  # a hidden screen reads nothing
        self._connect()
        self.refresh()

    def _build(self) -> None:
        self.banner = QLabel(
            self.tr(
                "This is the demo PDU: synthetic people and staff, made up for trying the app. "
                "Nothing here is real."
            )
        )
        self.banner.setAccessibleName(self.tr("Demo banner"))
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff3b0; padding: 8px; font-weight: bold;")
        self.banner.setVisible(self.ctx.demo)
        self.heading = QLabel()
        self.heading.setAccessibleName(self.tr("The week shown"))
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size: 13pt;")
        self.figures_box = QGroupBox(self.tr("This week at a glance"))
        self.figures_box.setAccessibleName(self.tr("This week at a glance"))
        self.grid = QGridLayout(self.figures_box)
        self.actions_box = QGroupBox(self.tr("Needs action today"))
        self.actions_box.setAccessibleName(self.tr("Needs action today"))
        self.actions_layout = QVBoxLayout(self.actions_box)
        body = QHBoxLayout()
        body.addWidget(self.figures_box, 3)
        body.addWidget(self.actions_box, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.heading)
        layout.addLayout(body, 1)
        self.refresh_action = QAction(self.tr("&Refresh"), self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.refresh_action.setStatusTip(self.tr("Read this week's figures again"))
        self.addAction(self.refresh_action)

    def _connect(self) -> None:
        self.refresh_action.triggered.connect(self.refresh)
        self.ctx.broadcast.pdu_changed.connect(self._pdu_changed)
        self.ctx.broadcast.data_changed.connect(self._data_changed)

    @Slot()
    def refresh(self) -> None:
        if self.ctx.pdu is None:
            self.heading.setText(self.tr("Choose a PDU in the toolbar."))
            return
        self.ctx.ops.read(overview, self.ctx.actor, self.ctx.pdu.id, self.ctx.today).then(
            self._show
        )

    def _show(self, view: OverviewView) -> None:
        self.view = view
        stored = (
            self.tr(" (version %1 exported)").replace("%1", str(view.stored_version))
            if view.stored_version
            else self.tr(", as it stands today, %1").replace("%1", fmt_date(view.today))
        )
        self.heading.setText(f"{view.pdu_label} · {self.tr('week')} {view.week.label}{stored}")
        self._show_cards(view)
        self._show_actions(view)

    def _show_cards(self, view: OverviewView) -> None:
        for card in self.cards:
            self.grid.removeWidget(card)
            card.deleteLater()
        self.cards = [GlanceCard(g) for g in view.glances]
        for n, card in enumerate(self.cards):
            self.grid.addWidget(card, n // CARDS_PER_ROW, n % CARDS_PER_ROW)

    def _show_actions(self, view: OverviewView) -> None:
        for button in self.action_buttons.values():
            self.actions_layout.removeWidget(button)
            button.deleteLater()
        self.action_buttons = {}
        for item in view.actions:
            button = self._action_button(item)
            self.actions_layout.addWidget(button)
            self.action_buttons[item.key] = button
        self.actions_layout.addStretch(1)

    def _action_button(self, item: ActionItem) -> QPushButton:
        button = QPushButton(item.text)
        button.setFlat(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        weight = "bold" if item.urgent else "normal"
        colour = "#b00020" if item.urgent else "#0563c1"
        button.setStyleSheet(
            f"text-align: left; color: {colour}; font-weight: {weight}; text-decoration: underline;"
        )
        refused = _refusal(self.ctx.actor, item.screen)
        button.setEnabled(refused is None)
        tip = self.tr("Open the %1 screen").replace("%1", item.screen)
        button.setToolTip(tip if refused is None else refused)
        button.setAccessibleName(item.text)
        button.clicked.connect(lambda _=False, title=item.screen: self.open_screen(title))
        return button

    def open_screen(self, title: str) -> None:
        """Follow an action's link to the screen that deals with it."""
        self.ctx.broadcast.screen_wanted.emit(title)

    @Slot(object)
    def _pdu_changed(self, _pdu: PduInfo) -> None:
        self.refresh()

    @Slot(object)
    def _data_changed(self, changes: ChangeSet) -> None:
        if changes:
            self._catch_up()
