"""Writing many rows at once, as close to the driver's executemany as is safe.

ORM bulk inserts group rows by which values are None and may run one
statement per group; even Core's executemany builds parameters row by row. On
SQLite the rows go straight to the driver, in the storage formats SQLAlchemy
itself uses; other databases take Core's executemany.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Date, DateTime, Table, Time, and_, insert
from sqlalchemy.orm import Session

from app.db.models import Base

BATCH = 5000


def in_ids(column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """``column IN ids``, as a range when the sorted ids run without a gap.

    A bulk import's new people have consecutive ids: a range is one indexed
    scan where an IN list of thousands is compiled and bound value by value.
    """
    if ids and ids[-1] - ids[0] + 1 == len(ids) and list(ids) == sorted(ids):
        return and_(column >= ids[0], column <= ids[-1])
    return column.in_(ids)  # type: ignore[no-any-return]


def table_of(model: type[Base]) -> Table:
    """The Core table behind a model, for executemany statements."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_datetime(value: datetime | None) -> str | None:
    # SQLAlchemy's "%Y-%m-%d %H:%M:%S.%f", without strftime's cost per row.
    return None if value is None else value.isoformat(" ", "microseconds")


def _sqlite_time(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M:%S.%f")


def _sqlite_bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _converter(column_type: Any) -> Callable[[Any], Any] | None:
    if isinstance(column_type, DateTime):
        return _sqlite_datetime
    if isinstance(column_type, Date):
        return _sqlite_date
    if isinstance(column_type, Boolean):
        return _sqlite_bool
    if isinstance(column_type, Time):
        return _sqlite_time
    return None


def bulk_insert(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (dicts with the same keys) in the session's transaction."""
    if not rows:
        return
    table = table_of(model)
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        session.execute(insert(table), list(rows))
        return
    names = list(rows[0])
    converters = [_converter(table.c[name].type) for name in names]
    sql = (
        f'INSERT INTO "{table.name}" ({", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)}) '
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    values = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    converted = [(i, c) for i, c in enumerate(converters) if c is not None]
    for start in range(0, len(rows), BATCH):
        params: list[Any] = [values(row) for row in rows[start : start + BATCH]]
        if converted:
            params = [_convert(list(p), converted) for p in params]
        connection.exec_driver_sql(sql, params)


def _convert(
    values: list[Any], converted: list[tuple[int, Callable[[Any], Any]]]
) -> tuple[Any, ...]:
    for i, convert in converted:
        values[i] = convert(values[i])
    return tuple(values)
