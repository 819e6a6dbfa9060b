"""An import waits its turn kindly: it reads while others write, then writes briefly.

The checks and the plan run in a read transaction, so other writers carry
on meanwhile; the import then takes the write lock for a short final step,
in which optimistic locking refuses it if someone changed what it planned
from (SPEC.md 9). On PostgreSQL a second import touching the same records
waits a few seconds at most and is told in one line that another is running.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.db.engine import WRITE
from app.services.core.errors import UserError

LOCK_TIMEOUT_SECONDS = 5
_LOCK_NOT_AVAILABLE = "55P03"
_UNIQUE_VIOLATION = "23505"


class AnotherImportRunning(UserError):
    """Another import (or a long change) holds the records this import writes."""


def begin_writing(session: Session) -> None:
    """End the read the import was checked in and take the write lock for the final step.

    A transaction begun to write (``sessions.begin()``) already holds the
    lock and is left as it is. Nothing has been written before this point,
    so ending the read loses nothing.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_SECONDS}s'"))
        return
    if dialect != "sqlite" or session.connection().get_execution_options().get(WRITE):
        return
    session.commit()
    session.connection(execution_options={WRITE: True})


@contextmanager
def waiting_kindly(session: Session) -> Iterator[None]:
    """Turn PostgreSQL's lock time-out, or a clash with a parallel import, into one line."""
    try:
        yield
    except (OperationalError, IntegrityError) as exc:
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if session.get_bind().dialect.name == "postgresql" and code in (
            _LOCK_NOT_AVAILABLE,
            _UNIQUE_VIOLATION,
        ):
            raise AnotherImportRunning(
                "Another import into this database is running and holds these records: "
                "import the file again when it has finished. Nothing was written."
            ) from None
        raise
