"""Starting the window: the store, the acting user, the demo on first use."""

from __future__ import annotations

import logging
import sys
import threading

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services import maintenance
from app.services.caseload.upkeep import run_daily
from app.services.core import startup
from app.services.core.actor import Actor
from app.services.core.store import (
    SchemaError,
    Store,
    data_dir,
    default_database_url,
    demo_database_url,
    normalise_url,
    open_store,
)
from app.ui.context import AppContext, Broadcast
from app.ui.errors import ask_retry, install_excepthook, setup_logging, show_error
from app.ui.help.icon import app_icon
from app.ui.main_window import MainWindow
from app.ui.ops import Ops

DEMO_CASES = 1500


def build_window(store: Store, inline_ops: bool = False, actor: Actor | None = None) -> MainWindow:
    """The main window over an open store (tests build it the same way).

    ``actor``: who is signed in; the local Head of PDU account when not given.
    """
    if actor is None:
        actor = startup.local_account(store)
    holder: list[MainWindow] = []
    ops = Ops(
        store,
        actor,
        show_error=lambda e: show_error(holder[0] if holder else None, e),
        ask_retry=lambda e: ask_retry(holder[0] if holder else None, e),
        inline=inline_ops,
    )
    ctx = AppContext(store_label=store.label, actor=actor, ops=ops, broadcast=Broadcast())
    ops.on_changed = ctx.broadcast.data_changed.emit
    window = MainWindow(ctx)
    holder.append(window)
    return window


def _create_demo_if_empty(store: Store, app: QCoreApplication) -> None:
    """The demo PDU is created on first use, with a progress bar (one transaction)."""
    from app.services.demo import generate_demo

    if startup.has_cases(store):
        return
    ops = Ops(store, startup.local_account(store), show_error=lambda e: show_error(None, e))
    ops.job_finished.connect(app.quit)
    ops.long_write(None, "Creating the demo PDU…", generate_demo, DEMO_CASES, 1).start()
    app.exec()
    ops.shutdown()


def _start_upkeep(window: MainWindow) -> None:
    """Work the passing days have made due, in the background once the window shows."""
    ctx = window.ctx
    ctx.ops.write(run_daily, ctx.today).start()


def start_daily_backup(url: str) -> threading.Thread:
    """The day's backup on its first start, in the background (SPEC.md 9)."""

    def take() -> None:
        try:
            maintenance.daily_backup(url)
        except Exception:  # a failed backup must not stop the day's work; the log says why
            logging.getLogger("pdu_manager").exception("The daily backup failed")

    thread = threading.Thread(target=take, name="daily-backup")
    thread.start()
    return thread


def run_gui(database: str | None = None, demo: bool = False) -> int:
    QCoreApplication.setOrganizationName("PDU Manager")
    QCoreApplication.setApplicationName("PDU Manager demo" if demo else "PDU Manager")
    app = QApplication.instance() or QApplication(sys.argv)
    if isinstance(app, QApplication):
        app.setWindowIcon(app_icon())  # every window and dialog, and the taskbar
    setup_logging(data_dir() / "logs")
    install_excepthook()
    if demo:
        url = normalise_url(database) if database else demo_database_url()
    else:
        url = normalise_url(database) if database else default_database_url()
    try:
        store = open_store(url)
    except SchemaError as exc:
        QMessageBox.critical(None, "PDU Manager", str(exc))
        return 1
    if demo:
        _create_demo_if_empty(store, app)
    window = build_window(store)
    window.show()
    backup = start_daily_backup(store.url)
    _start_upkeep(window)
    code = app.exec()
    window.ctx.ops.shutdown()
    backup.join()
    store.close()
    return int(code)
