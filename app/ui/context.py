"""The small context every screen is built with: no global service locator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QObject, Signal

from app import clock
from app.services.core.actor import Actor
from app.services.core.reference import PduInfo
from app.ui.ops import Ops
from app.ui.signin.lock import SecretKeeper


@dataclass(frozen=True)
class Notice:
    """What just happened, for the status bar ("Allocated OLIVER, Kerry to Kayleigh Wall").

    ``undo``, when given, takes it back (the status bar offers Undo and Ctrl+Z).
    """

    message: str
    undo: Callable[[], None] | None = None


class Broadcast(QObject):
    """Signals shared by every screen.

    ``data_changed(changes: ChangeSet)``: a write committed; the runner sends its change-set.
    ``pdu_changed(pdu: PduInfo)``: the user chose another PDU.
    ``told(notice: Notice)``: a screen says what it did, perhaps with an undo.
    ``screen_wanted(title: str)``: a screen asks the window to show another (a link).
    """

    data_changed = Signal(object)
    pdu_changed = Signal(object)
    told = Signal(object)
    screen_wanted = Signal(str)


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
    demo: bool = False

    @property
    def today(self) -> date:
        return clock.today()

    def tell(self, message: str, undo: Callable[[], None] | None = None) -> None:
        """Say in the status bar what was done, offering Undo when ``undo`` is given."""
        self.broadcast.told.emit(Notice(message, undo))
