"""The idle lock: after a while without input the window locks (SPEC.md 9).

Locking hides the window's content, drops every secret held in memory
(each feature that holds one registers how to drop it with the
:class:`SecretKeeper`; the victims feature's data key will), and asks for
the password again. The screens stay as they were underneath, so nothing the
user was doing is lost.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class SecretKeeper:
    """What the window holds that must not outlive a lock: each holder's way to drop it.

    ``register(drop)``: ``drop()`` forgets the secret (a key, a decrypted
    value); it is called at every lock and sign-out, and the holder asks
    again (with the password) when it next needs it.
    """

    def __init__(self) -> None:
        self._drops: list[Callable[[], None]] = []

    def register(self, drop: Callable[[], None]) -> None:
        self._drops.append(drop)

    def unregister(self, drop: Callable[[], None]) -> None:
        if drop in self._drops:
            self._drops.remove(drop)

    def drop_all(self) -> None:
        for drop in list(self._drops):
            drop()


class IdleLock(QObject):
    """Watches the application's input; ``idle_reached`` when none came for the interval.

    Signals: ``idle_reached()``, no arguments.
    """

    idle_reached = Signal()

    def __init__(self, seconds: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, seconds) * 1000)
        self.timer.timeout.connect(self.idle_reached)
        self.paused = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer.start()

    def set_interval_ms(self, ms: int) -> None:
        """A shorter wait (tests), counted from now."""
        self.timer.setInterval(ms)
        self.timer.start()

    def pause(self) -> None:
        self.paused = True
        self.timer.stop()

    def resume(self) -> None:
        self.paused = False
        self.timer.start()

    def stop(self) -> None:
        self.pause()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.paused and event.type() in INPUT_EVENTS:
            self.timer.start()
        return False
