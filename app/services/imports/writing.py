"""Writing many rows at once with SQLAlchemy Core (executemany), in batches with progress."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from app.db.bulk import bulk_insert, table_of
from app.db.models import Base
from app.domain.progress import Progress

BATCH = 5000


def insert_rows(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]], progress: Progress
) -> None:
    """Insert ``rows`` (dicts with the same keys) in batches, checking for cancel between."""
    for start in range(0, len(rows), BATCH):
        progress.check()
        batch = rows[start : start + BATCH]
        bulk_insert(session, model, batch)
        progress.advance(len(batch))


def insert_returning_ids(
    session: Session,
    model: type[Base],
    key: str,
    rows: Sequence[dict[str, Any]],
    progress: Progress,
) -> dict[Any, int]:
    """Insert ``rows`` and return each new row's id by its ``key`` column (a CRN, a code)."""
    ids: dict[Any, int] = {}
    table = table_of(model)
    # Rows come back keyed by their own value, so their order does not matter (and
    # asking SQLite for it would mean one statement per row).
    statement = insert(table).returning(table.c.id, table.c[key])
    for start in range(0, len(rows), BATCH):
        progress.check()
        batch = rows[start : start + BATCH]
        for new_id, value in session.execute(statement, list(batch)):
            ids[value] = new_id
        progress.advance(len(batch))
    return ids


def update_rows(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]], progress: Progress
) -> None:
    """Update rows by ``id``; each dict holds the id and the columns that change."""
    table = table_of(model)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        names = tuple(sorted(name for name in row if name != "id"))
        groups[names].append({f"new_{k}": v for k, v in row.items()})
    for names, params in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("new_id"))
            .values({name: bindparam(f"new_{name}") for name in names})
        )
        for start in range(0, len(params), BATCH):
            progress.check()
            session.execute(statement, params[start : start + BATCH])
            progress.advance(len(params[start : start + BATCH]))
