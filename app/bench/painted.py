"""What the bench's window children share: wait for a painted, idle window, then report.

A child prints one line once its window is exposed, repainted and its own
readiness test passes, then leaves at once (``os._exit``: tearing Qt down is
not part of any figure). The parent times it from spawning the process to
that line. Only PySide6 is imported here, so the bare-window floor pays the
same interpreter start as the app's own window and nothing more.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

DEADLINE_SECONDS = 300
"""A child that is not ready by then prints ``timeout`` and fails."""


def application() -> QApplication:
    """The child's QApplication, named as the app names itself (its settings stay apart)."""
    QApplication.setOrganizationName("PDU Manager")
    QApplication.setApplicationName("PDU Manager")
    return QApplication(sys.argv[:1])


def when_ready(
    app: QApplication, window: QWidget, ready: Callable[[], bool], then: Callable[[], None]
) -> None:
    """Run the event loop until ``window`` is painted and ``ready()``; then ``then()`` and exit."""
    deadline = time.monotonic() + DEADLINE_SECONDS

    def check() -> None:
        handle = window.windowHandle()
        if handle is not None and handle.isExposed() and ready():
            timer.stop()
            window.repaint()
            app.processEvents()
            then()
            sys.stdout.flush()
            os._exit(0)
        if time.monotonic() > deadline:
            print("timeout", flush=True)
            os._exit(1)

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(2)
    app.exec()
