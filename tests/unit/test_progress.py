"""Progress of long work and the user's request to cancel (app/domain/progress.py)."""

from __future__ import annotations

import threading

import pytest

from app.domain.progress import Cancelled, Progress, silent


class Heard:
    """A listener that keeps every report it is given."""

    def __init__(self) -> None:
        self.reports: list[tuple[int, int, str]] = []

    def __call__(self, done: int, total: int, message: str) -> None:
        self.reports.append((done, total, message))


def test_a_new_progress_has_done_nothing_of_its_total() -> None:
    progress = Progress(40)
    assert (progress.done, progress.total, progress.message) == (0, 40, "")
    assert not progress.cancelled
    fresh = Progress()
    assert (fresh.done, fresh.total, fresh.message) == (0, 0, "")


def test_start_and_advance_report_done_total_and_message() -> None:
    heard = Heard()
    progress = Progress(listener=heard)
    progress.start(10, "Reading cases")
    progress.advance()
    progress.advance(4, "Writing cases")
    progress.advance(2)
    assert heard.reports == [
        (0, 10, "Reading cases"),
        (1, 10, "Reading cases"),
        (5, 10, "Writing cases"),
        (7, 10, "Writing cases"),
    ]
    assert (progress.done, progress.total, progress.message) == (7, 10, "Writing cases")


def test_starting_again_counts_from_nothing_keeping_the_last_message() -> None:
    heard = Heard()
    progress = Progress(5, listener=heard)
    progress.advance(3, "First pass")
    progress.start(8)
    assert heard.reports[-1] == (0, 8, "First pass")
    assert (progress.done, progress.total) == (0, 8)


def test_a_progress_without_a_listener_still_counts() -> None:
    progress = silent()
    progress.start(3, "Working")
    progress.advance()
    assert (progress.done, progress.total, progress.message) == (1, 3, "Working")
    assert isinstance(progress, Progress) and not progress.cancelled


def test_check_raises_cancelled_only_once_the_user_asks() -> None:
    progress = Progress(2)
    progress.check()
    progress.cancel()
    assert progress.cancelled
    with pytest.raises(Cancelled):
        progress.check()
    assert not issubclass(Cancelled, ValueError)  # not an error the user must fix


def test_cancel_from_another_thread_is_seen() -> None:
    progress = Progress(1)
    worker = threading.Thread(target=progress.cancel)
    worker.start()
    worker.join()
    assert progress.cancelled
