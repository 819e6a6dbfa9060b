"""Progress of long work, free of Qt so the window, the command line and tests share it."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Cancelled(Exception):
    """The user cancelled the work; not an error."""


class Progress:
    """Counts work done out of a total and carries the user's request to cancel.

    Long functions call :meth:`advance` between batches and :meth:`check`
    (or read :attr:`cancelled`) to stop early. ``listener`` receives
    ``(done, total, message)`` and may come from a worker thread.
    """

    def __init__(
        self,
        total: int = 0,
        listener: Callable[[int, int, str], None] | None = None,
    ) -> None:
        self.total = total
        self.done = 0
        self.message = ""
        self._listener = listener
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        """Raise :class:`Cancelled` once the user has asked to stop."""
        if self._cancel.is_set():
            raise Cancelled

    def start(self, total: int, message: str = "") -> None:
        self.total = total
        self.done = 0
        self._emit(message)

    def advance(self, n: int = 1, message: str = "") -> None:
        self.done += n
        self._emit(message)

    def _emit(self, message: str) -> None:
        if message:
            self.message = message
        if self._listener is not None:
            self._listener(self.done, self.total, self.message)


def silent() -> Progress:
    """A progress that reports to no one (tests, nested calls)."""
    return Progress()
