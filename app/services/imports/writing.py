"""Writing many rows at once with SQLAlchemy Core (executemany), in batches with progress."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVarTuple, cast

from sqlalchemy import (
    CursorResult,
    Result,
    Row,
    Select,
    Update,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from app.db.bulk import bulk_insert, table_of
from app.db.models import Base
from app.domain.progress import Progress
from app.services.imports.lookups import chunks

BATCH = 5000
_Ts = TypeVarTuple("_Ts")


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
    session: Session,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    progress: Progress,
    *,
    versioned: bool = False,
    still_open: bool = False,
) -> int:
    """Update rows by ``id``; each dict holds the id and the columns that change.

    ``versioned``: each dict's ``version`` is the one read when planning; a row
    is updated only if it still has it, and its version goes up by one.
    ``still_open``: a row is updated only while its ``end_date`` is blank.
    Returns how many rows were updated: fewer than given when someone else
    changed some of them since they were read (optimistic locking, SPEC.md 9).
    """
    table = table_of(model)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        names = tuple(sorted(name for name in row if name != "id"))
        groups[names].append({f"new_{k}": v for k, v in row.items()})
    updated = 0
    for names, params in groups.items():
        values: dict[str, Any] = {name: bindparam(f"new_{name}") for name in names}
        statement = update(table).where(table.c.id == bindparam("new_id"))
        if versioned:  # the version read is a condition, not a value
            statement = statement.where(table.c.version == values["version"])
            values["version"] = table.c.version + 1
        if still_open:
            statement = statement.where(table.c.end_date.is_(None))
        statement = statement.values(values)
        for start in range(0, len(params), BATCH):
            progress.check()
            batch = params[start : start + BATCH]
            updated += _execute_counted(session, statement, batch)
            progress.advance(len(batch))
    return updated


def _execute_counted(session: Session, statement: Update, params: list[dict[str, Any]]) -> int:
    """How many rows an executemany updated (row by row where the driver cannot count one)."""
    if session.get_bind().dialect.supports_sane_multi_rowcount:
        return _rowcount(session.execute(statement, params))
    return sum(_rowcount(session.execute(statement, one)) for one in params)


def _rowcount(result: Result[Any]) -> int:
    return cast(CursorResult[Any], result).rowcount


def read_committed(session: Session, query: Select[*_Ts]) -> list[Row[*_Ts]]:
    """What others have committed, read outside the session's own (uncommitted) transaction.

    For naming what someone else changed once an import's optimistic lock
    failed: inside the import's transaction its own updates hide theirs.
    """
    with session.get_bind().engine.connect() as connection:
        return list(connection.execute(query))


def changed_since_read(
    session: Session, model: type[Base], key: str, rows: Sequence[dict[str, Any]]
) -> list[str]:
    """Keys (``key``: CRNs, staff codes) of the rows whose committed version is not the one read.

    ``rows`` hold each row's ``id`` and the ``version`` read when planning.
    """
    table = table_of(model)
    seen = {row["id"]: row["version"] for row in rows}
    changed: list[str] = []
    for chunk in chunks(sorted(seen)):
        query = select(table.c.id, table.c[key], table.c.version).where(table.c.id.in_(chunk))
        changed += [
            code for id_, code, version in read_committed(session, query) if version != seen[id_]
        ]
    return sorted(changed)
