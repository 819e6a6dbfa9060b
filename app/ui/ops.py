"""The one way a screen runs a service: off the GUI thread, results back on it.

Writes go through one single-thread executor so two writers never race for
the SQLite file; reads use a small pool (WAL lets them run beside the writer).
Each job opens its own session. Long work gets a progress dialog that appears
after half a second, with a Cancel button.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.domain.progress import Cancelled, Progress
from app.services.core.actor import Actor
from app.services.core.errors import is_store_unavailable
from app.services.core.store import Store

Callback = Callable[[Any], None]


class _InlineExecutor(Executor):
    """Runs jobs at once in the calling thread (tests: no sleeps, no races)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the failure path, never swallowed
            future.set_exception(exc)
        return future


@dataclass
class _Done:
    on_success: Callback | None
    on_failure: Callable[[BaseException], None] | None
    result: Any = None
    error: BaseException | None = None
    dialog: QProgressDialog | None = None
    on_cancel: Callable[[], None] | None = None
    retry: Callable[[], None] | None = None


class Ops(QObject):
    """Runs service functions for the screens.

    Signals: ``job_finished`` carries a ``_Done`` from a worker thread to the
    GUI thread; ``progress_changed`` carries ``(dialog, done, total, message)``.
    """

    job_finished = Signal(object)
    progress_changed = Signal(object, int, int, str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        show_error: Callable[[BaseException], None],
        inline: bool = False,
        ask_retry: Callable[[BaseException], bool] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.actor = actor
        self._show_error = show_error
        # Asked when the store is unavailable (locked, disk full, server down):
        # True runs the same job again. Nothing was written by the failed try.
        self._ask_retry = ask_retry
        self._writer: Executor = _InlineExecutor() if inline else ThreadPoolExecutor(1, "writer")
        self._readers: Executor = _InlineExecutor() if inline else ThreadPoolExecutor(2, "reader")
        self.job_finished.connect(self._finish, Qt.ConnectionType.QueuedConnection)
        self.progress_changed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self.pending = 0
        self._inline = inline

    def read(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callback | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        **kwargs: Any,
    ) -> None:
        """Run ``fn(session, *args)`` in a read session."""
        self._submit(self._readers, False, fn, args, kwargs, on_success, on_failure, None)

    def write(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callback | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        **kwargs: Any,
    ) -> None:
        """Run ``fn(session, actor, *args)`` in one transaction on the writer thread."""
        self._submit(self._writer, True, fn, args, kwargs, on_success, on_failure, None)

    def long(
        self,
        fn: Callable[..., Any],
        *args: Any,
        parent: QWidget | None,
        title: str,
        write: bool = True,
        on_success: Callback | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        """Like :meth:`write` (or :meth:`read`), with ``progress=`` and a progress dialog.

        ``on_cancel`` is called (on the GUI thread) when the user cancelled the job.
        """
        dialog = QProgressDialog(title, self.tr("Cancel"), 0, 0, parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(500)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setAccessibleName(title)
        last = [0.0]

        def listener(done: int, total: int, message: str) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.1 or done >= total > 0:
                last[0] = now
                self.progress_changed.emit(dialog, done, total, message)

        progress = Progress(listener=listener)
        dialog.canceled.connect(progress.cancel)
        kwargs["progress"] = progress
        executor = self._writer if write else self._readers
        self._submit(executor, write, fn, args, kwargs, on_success, on_failure, dialog, on_cancel)

    def _submit(
        self,
        executor: Executor,
        write: bool,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        on_success: Callback | None,
        on_failure: Callable[[BaseException], None] | None,
        dialog: QProgressDialog | None,
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        done = _Done(on_success, on_failure, dialog=dialog, on_cancel=on_cancel)
        if dialog is None:  # a long job's progress dialog is gone once it fails

            def retry() -> None:
                self._submit(executor, write, fn, args, kwargs, on_success, on_failure, None)

            done.retry = retry
        self.pending += 1

        def job() -> None:
            try:
                if write:
                    with self.store.sessions.begin() as session:
                        done.result = fn(session, self.actor, *args, **kwargs)
                else:
                    with self.store.sessions() as session:
                        done.result = fn(session, *args, **kwargs)
            except BaseException as exc:  # handed to the GUI thread, never swallowed
                done.error = exc
            if self._inline:
                self._finish(done)
            else:
                self.job_finished.emit(done)

        executor.submit(job)

    @Slot(object, int, int, str)
    def _show_progress(self, dialog: QProgressDialog, done: int, total: int, message: str) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        if message:
            dialog.setLabelText(message)

    @Slot(object)
    def _finish(self, done: _Done) -> None:
        self.pending -= 1
        if done.dialog is not None:
            done.dialog.reset()
            done.dialog.hide()
            done.dialog.deleteLater()
        if done.error is None:
            if done.on_success is not None:
                done.on_success(done.result)
            return
        if isinstance(done.error, Cancelled):
            if done.on_cancel is not None:
                done.on_cancel()
            return
        if done.on_failure is not None:
            done.on_failure(done.error)
        elif (
            done.retry is not None
            and self._ask_retry is not None
            and is_store_unavailable(done.error)
        ):
            if self._ask_retry(done.error):
                done.retry()
        else:
            self._show_error(done.error)

    def shutdown(self) -> None:
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
