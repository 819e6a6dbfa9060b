"""The small context every screen is built with: no global service locator."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QObject, Signal

from app import clock
from app.services.core.actor import Actor
from app.services.core.reference import PduInfo
from app.ui.ops import Ops
from app.ui.signin.lock import SecretKeeper


class Broadcast(QObject):
    """Signals shared by every screen.

    ``data_changed(changes: ChangeSet)``: a write committed; the runner sends its change-set.
    ``pdu_changed(pdu: PduInfo)``: the user chose another PDU.
    """

    data_changed = Signal(object)
    pdu_changed = Signal(object)


@dataclass
class AppContext:
    """What every screen is built with. Screens reach the store only through ``ops``."""

    store_label: str
    actor: Actor
    ops: Ops
    broadcast: Broadcast
    pdu: PduInfo | None = None
    # Secrets held in memory, dropped when the window locks (victims' data key).
    secrets: SecretKeeper = field(default_factory=SecretKeeper)

    @property
    def today(self) -> date:
        return clock.today()
