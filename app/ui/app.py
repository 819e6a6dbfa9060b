"""Starting the window: the store, signing in, the demo on first use.

Nothing shows before someone signs in: an empty SQLite database first asks
for its Head of PDU's account; a shared store nobody can sign in to yet is
refused (its administrator runs ``pdu-manager users create-head``). A
password set by someone else is changed before the window opens.
``--demo`` starts signed in as the demo's Head of PDU.
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from app.services import maintenance
from app.services.caseload.upkeep import run_daily
from app.services.core import startup
from app.services.core.actor import Actor
from app.services.core.keyring import Keyring
from app.services.core.store import (
    SchemaError,
    Store,
    data_dir,
    default_database_url,
    demo_database_url,
    normalise_url,
    open_store,
)
from app.services.users.gate import Gate
from app.ui.context import AppContext, Broadcast
from app.ui.errors import ask_retry, install_excepthook, setup_logging, show_error
from app.ui.help.icon import app_icon
from app.ui.main_window import MainWindow
from app.ui.ops import Ops
from app.ui.signin.dialogs import ChangePasswordDialog, FirstHeadDialog, SignInDialog

DEMO_CASES = 1500
SHARED_EMPTY = (
    "Nobody can sign in to this shared database yet. Ask its administrator to create the "
    "Head of PDU's account with: pdu-manager users create-head"
)


def build_window(
    store: Store,
    actor: Actor,
    inline_ops: bool = False,
    idle_seconds: int | None = None,
    demo: bool = False,
) -> MainWindow:
    """The main window over an open store for a signed-in user (tests build it the same way).

    ``demo``: the store is the demo PDU, said in the title bar and on the Overview.
    """
    holder: list[MainWindow] = []
    if actor.keyring is None:  # the window's keys to victims' details, dropped at every lock
        actor = replace(actor, keyring=Keyring())
    ops = Ops(
        store,
        actor,
        show_error=lambda e: show_error(holder[0] if holder else None, e),
        ask_retry=lambda e: ask_retry(holder[0] if holder else None, e),
        inline=inline_ops,
    )
    ctx = AppContext(
        store_label=store.label, actor=actor, ops=ops, broadcast=Broadcast(), demo=demo
    )
    ops.on_changed = ctx.broadcast.data_changed.emit
    assert actor.keyring is not None
    ctx.secrets.register(actor.keyring.drop)
    window = MainWindow(ctx, Gate(store), idle_seconds=idle_seconds)
    holder.append(window)
    return window


class SignedIn(QObject):
    """Who is signed in, and their window: signing in, switching user, signing out."""

    def __init__(self, store: Store, inline_ops: bool = False, demo: bool = False) -> None:
        super().__init__()
        self.store = store
        self.demo = demo
        self.gate = Gate(store)
        self.inline_ops = inline_ops
        self.window: MainWindow | None = None

    def sign_in(self, parent: QWidget | None = None) -> Actor | None:
        """The first Head of PDU of an empty database, else a sign-in; None when cancelled."""
        if self.gate.needs_first_head():
            if self.gate.shared:
                QMessageBox.critical(parent, "PDU Manager", SHARED_EMPTY)
                return None
            first = FirstHeadDialog(self.gate, parent)
            return first.actor if first.exec() == QDialog.DialogCode.Accepted else None
        dialog = SignInDialog(self.gate, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
            return None
        if dialog.must_change_password:
            change = ChangePasswordDialog(self.gate, dialog.actor, parent, forced=True)
            if change.exec() != QDialog.DialogCode.Accepted:
                return None
        return dialog.actor

    def open(self, actor: Actor) -> MainWindow:
        window = build_window(self.store, actor, inline_ops=self.inline_ops, demo=self.demo)
        window.switch_user_requested.connect(self.switch_user)
        self.window = window
        window.show()
        _start_upkeep(window)
        return window

    def switch_user(self) -> None:
        """File > Switch user: the next user signs in; their window replaces this one."""
        old = self.window
        actor = self.sign_in(old)
        if actor is None:
            if old is not None and old.locked:
                old.ask_unlock()
            return
        self.open(actor)
        if old is not None:
            old.retire()

    def close(self) -> None:
        if self.window is not None:
            self.window.ctx.ops.shutdown()


def _create_demo_if_empty(store: Store, app: QCoreApplication) -> None:
    """The demo PDU is created on first use, with a progress bar (one transaction).

    It is written by the system account, as ``pdu-manager demo`` writes it:
    nobody is signed in yet, and the demo's own accounts come with it.
    """
    from app.services.demo import generate_demo

    if startup.has_cases(store):
        return
    ops = Ops(store, startup.system_account(store), show_error=lambda e: show_error(None, e))
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
    session = SignedIn(store, demo=demo)
    actor = session.gate.demo_head() if demo else None
    if actor is None:
        actor = session.sign_in()
    if actor is None:
        store.close()
        return 0
    session.open(actor)
    backup = start_daily_backup(store.url)
    code = app.exec()
    session.close()
    backup.join()
    store.close()
    return int(code)
