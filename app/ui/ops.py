"""The one way a screen runs a service: off the GUI thread, results back on it.

Writes go through one single-thread executor so two writers never race for
the SQLite file; reads use a small pool (WAL lets them run beside the writer).
Each job opens its own session: no other code in ``app/ui`` does. A write runs
in one unit of work; its change-set is broadcast to every screen once it has
committed, so the window never invents one.

Calls are typed end to end (``ParamSpec``): mypy checks each service's
arguments and the callback's argument against the service's result::

    ops.write(alloc_writes.allocate, case_id, staff_id, version).then(self._allocated)

A job starts when ``then`` (or ``start``) is called. Long work gets a progress
dialog that appears after half a second, with a Cancel button.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.domain.progress import Cancelled, Progress
from app.services.core.actor import Actor
from app.services.core.changes import ChangeSet
from app.services.core.errors import is_store_unavailable
from app.services.core.store import Store, last_changes, write_session
from app.services.core.unit_of_work import set_actor

if TYPE_CHECKING:
    from app.services.core.store import Session

P = ParamSpec("P")
STAGED = "staged"
"""A write job that reads first and writes in a short final step (an import)."""
T = TypeVar("T")
Failure = Callable[[BaseException], None]


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
    on_success: Callable[[Any], None] | None = None
    on_failure: Failure | None = None
    on_cancel: Callable[[], None] | None = None
    result: Any = None
    error: BaseException | None = None
    changes: ChangeSet = field(default_factory=ChangeSet)
    dialog: QProgressDialog | None = None
    retry: Callable[[], None] | None = None


class Job(Generic[T]):
    """A service call waiting to be started with its callbacks (all on the GUI thread)."""

    def __init__(self, start: Callable[[_Done], None]) -> None:
        self._start = start
        self._started = False

    def then(
        self,
        on_success: Callable[[T], None] | None = None,
        on_failure: Failure | None = None,
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        """Start the job; ``on_success(result)`` or ``on_failure(error)`` follows.

        With no failure handler an error is shown the standard way (Retry when
        the store is unavailable). ``on_cancel`` follows a cancelled long job.
        """
        if self._started:
            raise RuntimeError("a job runs once")
        self._started = True
        self._start(_Done(on_success, on_failure, on_cancel))

    def start(self) -> None:
        """Start the job with no callback (its change-set is still broadcast)."""
        self.then()


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
        show_error: Failure,
        inline: bool = False,
        ask_retry: Callable[[BaseException], bool] | None = None,
        on_changed: Callable[[ChangeSet], None] | None = None,
    ) -> None:
        super().__init__()
        self._store = store
        self.actor = actor
        self._show_error = show_error
        # Asked when the store is unavailable (locked, disk full, server down):
        # True runs the same job again. Nothing was written by the failed try.
        self._ask_retry = ask_retry
        self.on_changed = on_changed
        self._writer: Executor = _InlineExecutor() if inline else ThreadPoolExecutor(1, "writer")
        self._readers: Executor = _InlineExecutor() if inline else ThreadPoolExecutor(2, "reader")
        self.job_finished.connect(self._finish, Qt.ConnectionType.QueuedConnection)
        self.progress_changed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self.pending = 0
        self._inline = inline

    # --- the typed entry points ------------------------------------------------------

    def read(
        self, fn: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> Job[T]:
        """``fn(session, *args, **kwargs)`` in a read session."""
        return Job(lambda done: self._submit(False, lambda s: fn(s, *args, **kwargs), done))

    def write(
        self,
        fn: Callable[Concatenate[Session, Actor, P], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> Job[T]:
        """``fn(session, actor, *args, **kwargs)`` in one unit of work on the writer thread."""
        return Job(
            lambda done: self._submit(True, lambda s: fn(s, self.actor, *args, **kwargs), done)
        )

    def long_write(
        self,
        parent: QWidget | None,
        title: str,
        fn: Callable[Concatenate[Session, Actor, P], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> Job[T]:
        """Like :meth:`write`, with a progress dialog and Cancel.

        The service takes an optional ``progress: Progress | None = None``
        keyword, which the runner fills in.
        """

        return self._long(True, parent, title, fn, args, kwargs)

    def long_staged(
        self,
        parent: QWidget | None,
        title: str,
        fn: Callable[Concatenate[Session, Actor, P], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> Job[T]:
        """A long write that checks and plans in a read, then takes the write lock briefly.

        For imports: other writers (another window, an SPO allocating) carry on
        while the file is checked; the service itself starts its short final
        write step (SPEC.md 9). Its change-set is broadcast as for any write.
        """
        return self._long(STAGED, parent, title, fn, args, kwargs)

    def long_read(
        self,
        parent: QWidget | None,
        title: str,
        fn: Callable[Concatenate[Session, Actor, P], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> Job[T]:
        """A long read (an import's preview) that takes the actor and ``progress=``."""

        return self._long(False, parent, title, fn, args, kwargs)

    # --- running -----------------------------------------------------------------------

    def _long(
        self,
        write: bool | str,
        parent: QWidget | None,
        title: str,
        fn: Callable[..., T],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Job[T]:
        def start(done: _Done) -> None:
            progress = self._progress_dialog(parent, title, done)
            # The one argument the runner adds: progress=
            self._submit(
                write, lambda s: fn(s, self.actor, *args, progress=progress, **kwargs), done
            )

        return Job(start)

    def _progress_dialog(self, parent: QWidget | None, title: str, done: _Done) -> Progress:
        dialog = QProgressDialog(title, self.tr("Cancel"), 0, 0, parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(500)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setAccessibleName(title)
        last = [0.0]

        def listener(count: int, total: int, message: str) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.1 or count >= total > 0:
                last[0] = now
                self.progress_changed.emit(dialog, count, total, message)

        progress = Progress(listener=listener)
        dialog.canceled.connect(progress.cancel)
        done.dialog = dialog
        return progress

    def _submit(self, write: bool | str, call: Callable[[Session], Any], done: _Done) -> None:
        if done.dialog is None:  # a long job's progress dialog is gone once it fails

            def retry() -> None:
                again = _Done(done.on_success, done.on_failure, done.on_cancel)
                self._submit(write, call, again)

            done.retry = retry
        self.pending += 1

        def job() -> None:
            try:
                if write == STAGED:
                    with self._store.sessions() as session:
                        set_actor(session, self.actor)
                        done.result = call(session)
                        session.commit()
                    done.changes = last_changes(session)
                elif write:
                    with write_session(self._store, self.actor) as session:
                        done.result = call(session)
                    done.changes = last_changes(session)
                else:
                    with self._store.sessions() as session:
                        done.result = call(session)
            except BaseException as exc:  # handed to the GUI thread, never swallowed
                done.error = exc
            if self._inline:
                self._finish(done)
            else:
                self.job_finished.emit(done)

        (self._writer if write else self._readers).submit(job)

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
            if done.changes and self.on_changed is not None:
                self.on_changed(done.changes)
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
