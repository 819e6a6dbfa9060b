"""Turning the cells of a block of rows into typed values, column by column.

Work is done a column at a time and each distinct text is parsed once per
column (a caseload's 250,000 rows hold a few thousand distinct dates and a
handful of codes), so validation stays in plain, fast Python. Every bad cell
becomes a :class:`RowError`; nothing stops at the first one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.columns import HeaderMapping
from app.domain.parsing import ParseError, show
from app.services.imports.reader import Cells
from app.services.imports.report import RowError

Parser = Callable[[Any], Any]
MISSING = "this required cell is blank"


@dataclass(frozen=True, slots=True)
class Column:
    """How to read one column: its parser, and whether a blank cell is an error."""

    name: str
    parse: Parser
    required: bool = False
    memo: bool = True


class _Problem:
    """A parse failure kept in a column's memo, so a repeated bad text fails fast."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def reason_for(message: str, value: object) -> str:
    """A parser's message without the leading value ("'x' is not a date" -> "not a date")."""
    prefix = f"{show(value)} "
    if message.startswith(prefix):
        return message[len(prefix) :].removeprefix("is ")
    return message


def _attempt(parse: Parser, value: object) -> Any:
    try:
        return parse(value)
    except ParseError as exc:
        return _Problem(reason_for(str(exc), value))


class BlockParser:
    """Parses blocks of rows for one file: ``parse`` returns one tuple of values per row.

    Each tuple holds the row number, then a value per column of ``columns``
    (None for a column the file lacks, or a bad cell). The
    memo of each column lives as long as the parser, across blocks.
    """

    def __init__(
        self, mapping: HeaderMapping, headers: Sequence[str | None], columns: Sequence[Column]
    ) -> None:
        self.columns = tuple(columns)
        self.indexes = [mapping.indexes.get(column.name) for column in columns]
        self.labels = [
            column.name if index is None else str(headers[index]).strip()
            for column, index in zip(columns, self.indexes, strict=True)
        ]
        self.memos: list[dict[object, Any]] = [{} for _ in columns]

    def parse(
        self, rows: Sequence[tuple[int, Cells]], errors: list[RowError]
    ) -> list[tuple[Any, ...]]:
        numbers = [number for number, _cells in rows]
        columns: list[list[Any]] = []
        for position, index in enumerate(self.indexes):
            if index is None:
                columns.append([None] * len(rows))
                continue
            raw = [cells[index] if index < len(cells) else None for _n, cells in rows]
            columns.append(self._column(position, raw, numbers, errors))
        return list(zip(numbers, *columns, strict=True))

    def _column(
        self, position: int, raw: list[object], numbers: list[int], errors: list[RowError]
    ) -> list[Any]:
        column, label = self.columns[position], self.labels[position]
        memo, parse = self.memos[position], column.parse
        out: list[Any] = []
        for number, value in zip(numbers, raw, strict=True):
            # Only text is memoised: Excel's True, 1 and 1.0 are equal as dict keys.
            if column.memo and value.__class__ is str:
                parsed = memo.get(value, memo)
                if parsed is memo:
                    parsed = memo[value] = _attempt(parse, value)
            else:
                parsed = _attempt(parse, value)
            if parsed.__class__ is _Problem:
                errors.append(RowError(number, label, value, parsed.reason))
                parsed = None
            elif parsed is None and column.required:
                errors.append(RowError(number, label, None, MISSING))
            out.append(parsed)
        return out
