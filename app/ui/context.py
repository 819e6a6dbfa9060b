"""The small context every screen is built with: no global service locator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject, Signal

from app import clock
from app.services.core.actor import Actor
from app.services.core.reference import PduInfo
from app.ui.ops import Ops


class Broadcast(QObject):
    """Signals shared by every screen.

    ``data_changed(changes: ChangeSet)``: a write committed; the runner sends its change-set.
    ``pdu_changed(pdu: PduInfo)``: the user chose another PDU.
    ``screen_wanted(title: str)``: a screen asks the window to show another (a link).
    """

    data_changed = Signal(object)
    pdu_changed = Signal(object)
    screen_wanted = Signal(str)


@dataclass
class AppContext:
    """What every screen is built with. Screens reach the store only through ``ops``."""

    store_label: str
    actor: Actor
    ops: Ops
    broadcast: Broadcast
    pdu: PduInfo | None = None
    demo: bool = False

    @property
    def today(self) -> date:
        return clock.today()
