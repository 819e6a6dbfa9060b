"""The one path screens run services by: results, failures, retry, cancel."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import OperationalError

from app.domain.progress import Progress
from app.services.core.changes import Kind
from app.services.core.errors import UserError
from app.ui.ops import Ops


def _ops(store, head, asked: list[BaseException], answer: bool = True):  # type: ignore[no-untyped-def]
    shown: list[BaseException] = []

    def ask(error: BaseException) -> bool:
        asked.append(error)
        return answer

    return Ops(store, head, show_error=shown.append, inline=True, ask_retry=ask), shown


def test_a_store_that_is_briefly_unavailable_is_retried_when_the_user_asks(
    qtbot, store, head
) -> None:  # type: ignore[no-untyped-def]
    asked: list[BaseException] = []
    ops, shown = _ops(store, head, asked)
    calls: list[int] = []
    results: list[Any] = []

    def flaky(session: Any) -> str:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, Exception("database is locked"))
        return "read"

    ops.read(flaky).then(results.append)
    assert (len(calls), results, len(asked), shown) == (2, ["read"], 1, [])


def test_declining_the_retry_leaves_it_and_user_errors_are_shown(qtbot, store, head) -> None:  # type: ignore[no-untyped-def]
    asked: list[BaseException] = []
    ops, shown = _ops(store, head, asked, answer=False)

    def locked(session: Any, actor: Any) -> None:
        raise OperationalError("UPDATE", {}, Exception("database is locked"))

    ops.write(locked).start()
    assert len(asked) == 1 and shown == []

    def refused(session: Any, actor: Any) -> None:
        raise UserError("Row 3: not a date")

    ops.write(refused).start()
    assert [str(e) for e in shown] == ["Row 3: not a date"]


def test_a_write_commits_and_a_cancelled_long_job_is_not_an_error(qtbot, store, head) -> None:  # type: ignore[no-untyped-def]
    from app.services.core import settings

    asked: list[BaseException] = []
    ops, shown = _ops(store, head, asked)
    changes: list[Any] = []
    ops.on_changed = changes.append
    ops.write(settings.put, "po_mix_min_cases", 6, head_date()).start()
    with store.sessions() as session:
        assert settings.get(session, "po_mix_min_cases", head_date()) == 6
    assert [c.touches(Kind.SETTING) for c in changes] == [True]  # the runner broadcast it
    cancelled: list[bool] = []

    def long(session: Any, actor: Any, progress: Progress | None = None) -> None:
        assert progress is not None  # the runner gives long work its progress
        progress.cancel()
        progress.check()

    ops.long_write(None, "Working", long).then(on_cancel=lambda: cancelled.append(True))
    assert cancelled == [True] and shown == [] and asked == []


def head_date():  # type: ignore[no-untyped-def]
    from tests.conftest import TODAY

    return TODAY
