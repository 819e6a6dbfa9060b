"""The lock file beside a SQLite database: who has it open, and who may replace it.

Every process that opens the database holds a shared lock on ``FILE.lock``
for as long as it has the store open. A restore (or a schema upgrade) takes
the lock exclusively without waiting, so it never replaces a database that
another window or command still holds: renaming a file over a live SQLite
database loses the other connections' writes (STYLE.md, known traps).

POSIX uses ``fcntl.flock`` (shared and exclusive locks on one open file).
Windows has no shared lock in ``msvcrt``: each holder locks one byte of its
own in a range, and the exclusive lock is the whole range.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from typing import IO

from app.db.migrate import SchemaError

_SLOTS = 4096  # Windows: at most this many processes hold one database at once


class StoreBusy(SchemaError):
    """Another process has the database open; the message says what to do."""


def lock_path(database: Path) -> Path:
    return Path(f"{database}.lock")


class StoreLock:
    """The lock of one database file, held by this process."""

    def __init__(self, database: Path) -> None:
        self.path = lock_path(database)
        self._file: IO[bytes] | None = None
        self._slot: int | None = None
        self.mode: str = ""

    def _open(self) -> IO[bytes]:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._file = os.fdopen(fd, "r+b", buffering=0)
        return self._file

    def shared(self, wait_seconds: float = 5.0) -> None:
        """Hold the database open beside others; waits a little for a restore to finish."""
        handle = self._open()
        deadline = time.monotonic() + wait_seconds
        while not _lock_shared(self, handle):
            if time.monotonic() >= deadline:
                self.release()
                raise StoreBusy(
                    f"The database {self.path.name.removesuffix('.lock')} is being restored or "
                    "upgraded by another PDU Manager: try again when that has finished."
                )
            time.sleep(0.05)
        self.mode = "shared"

    def try_exclusive(self) -> bool:
        """Hold the database alone if no one else has it open (a held shared lock converts)."""
        if _lock_exclusive(self, self._open()):
            self.mode = "exclusive"
            return True
        return False

    def exclusive(self, doing: str) -> None:
        """Hold the database alone, at once or not at all; StoreBusy names the problem."""
        if not self.try_exclusive():
            raise StoreBusy(
                f"Cannot {doing} while the database is open in another PDU Manager window or "
                "command: close the others, then try again. Nothing was changed."
            )

    def to_shared(self) -> None:
        """From exclusive back to shared, keeping the database open."""
        if self.mode == "exclusive" and self._file is not None:
            _to_shared(self, self._file)
            self.mode = "shared"

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                _unlock(self, self._file)
            self._file.close()
            self._file = None
        self.mode = ""


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock_range(handle: IO[bytes], start: int, length: int, mode: int) -> bool:
        handle.seek(start)
        try:
            msvcrt.locking(handle.fileno(), mode, length)
        except OSError:
            return False
        return True

    def _lock_shared(lock: StoreLock, handle: IO[bytes]) -> bool:
        first = os.getpid() % _SLOTS
        for step in range(_SLOTS):
            slot = 1 + (first + step) % _SLOTS
            if _lock_range(handle, slot, 1, msvcrt.LK_NBLCK):
                lock._slot = slot
                return True
        return False

    def _lock_exclusive(lock: StoreLock, handle: IO[bytes]) -> bool:
        own = lock._slot
        if own is not None:
            _lock_range(handle, own, 1, msvcrt.LK_UNLCK)
            lock._slot = None
        if _lock_range(handle, 0, _SLOTS + 1, msvcrt.LK_NBLCK):
            return True
        if own is not None and _lock_range(handle, own, 1, msvcrt.LK_NBLCK):
            lock._slot = own
        return False

    def _to_shared(lock: StoreLock, handle: IO[bytes]) -> None:
        _lock_range(handle, 0, _SLOTS + 1, msvcrt.LK_UNLCK)
        lock.mode = ""
        if not _lock_shared(lock, handle):
            raise StoreBusy("The database was taken by another PDU Manager.")

    def _unlock(lock: StoreLock, handle: IO[bytes]) -> None:
        if lock.mode == "exclusive":
            _lock_range(handle, 0, _SLOTS + 1, msvcrt.LK_UNLCK)
        elif lock._slot is not None:
            _lock_range(handle, lock._slot, 1, msvcrt.LK_UNLCK)
        lock._slot = None

else:
    import fcntl

    def _lock_shared(lock: StoreLock, handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _lock_exclusive(lock: StoreLock, handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if lock.mode == "shared":  # a failed conversion may have dropped the shared lock
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
            return False
        return True

    def _to_shared(lock: StoreLock, handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)

    def _unlock(lock: StoreLock, handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
