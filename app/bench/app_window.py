"""The app's start-up: its main window over a database, on the first screen, first reads done.

``python -m app.bench.app_window URL`` prints ``painted`` once the window is
painted and no background read is pending.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from app.bench.painted import application, when_ready

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow


def show_main_window(url: str) -> tuple[QApplication, MainWindow]:
    """The application, then the main window over the store at ``url``, shown.

    The app's own modules are imported after the QApplication exists, as the
    app itself starts.
    """
    app = application()
    from app.services.core import startup
    from app.services.core.store import open_store
    from app.ui.app import build_window

    store = open_store(url)
    # Timed from the signed-in window: the bench's synthetic store has no accounts, so it
    # opens as the system account (which covers every PDU); the sign-in dialog is not timed.
    window = build_window(store, startup.system_account(store))
    window.show()
    return app, window


def main(url: str) -> None:
    app, window = show_main_window(url)
    when_ready(app, window, lambda: window.ctx.ops.pending == 0, lambda: print("painted"))


if __name__ == "__main__":
    main(sys.argv[1])
