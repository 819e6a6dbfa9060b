"""Any table on a screen, as an .xlsx file: the rows as shown, marked OFFICIAL-SENSITIVE.

The screen hands over what it shows (column titles and display texts, in
their order, filtered and sorted); each column becomes a date, whole-number
or percentage column when every value in it reads as one, so the workbook
sorts and sums like the user expects. Text from user data is neutralised
against formula injection by the export layer (SPEC.md 9).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from app import clock
from app.domain.parsing import format_date
from app.domain.progress import Progress
from app.domain.report import Column, Kind
from app.services.core.actor import Actor
from app.services.core.errors import UserError
from app.services.core.store import Session

_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_INTEGER = re.compile(r"^-?\d{1,3}(,\d{3})*$|^-?\d+$")
_PERCENT = re.compile(r"^-?\d+(\.\d+)?%$")

Cell = str | int | float | date | None


def _kind(values: Sequence[str]) -> Kind:
    filled = [v for v in values if v not in ("", "–", "-")]
    if not filled:
        return Kind.TEXT
    if all(_DATE.match(v) for v in filled):
        return Kind.DATE
    if all(_INTEGER.match(v) for v in filled):
        return Kind.INTEGER
    if all(_PERCENT.match(v) for v in filled):
        return Kind.PERCENTAGE
    return Kind.TEXT


def _value(text: str, kind: Kind) -> Cell:
    if text in ("", "–", "-") and kind is not Kind.TEXT:
        return None
    if kind is Kind.DATE:
        day, month, year = (int(x) for x in _DATE.match(text).groups())  # type: ignore[union-attr]
        return date(year, month, day)
    if kind is Kind.INTEGER:
        return int(text.replace(",", ""))
    if kind is Kind.PERCENTAGE:
        return float(text.rstrip("%"))
    return text


def typed_table(
    titles: Sequence[str], rows: Sequence[Sequence[str]]
) -> tuple[list[Column], list[list[Cell]]]:
    """Columns with the kind their values share, and the rows in those kinds."""
    kinds = [_kind([row[i] for row in rows]) for i in range(len(titles))]
    columns = [
        Column(_unique(title, titles[:i]), kind)
        for i, (title, kind) in enumerate(zip(titles, kinds, strict=True))
    ]
    return columns, [[_value(v, k) for v, k in zip(row, kinds, strict=True)] for row in rows]


def _unique(title: str, before: Sequence[str]) -> str:
    flat = " ".join(title.split()) or "Column"
    taken = {" ".join(t.split()).casefold() for t in before}
    n, name = 2, flat
    while name.casefold() in taken:
        name, n = f"{flat} ({n})", n + 1
    return name


def export_table(
    _session: Session,
    actor: Actor,
    path: Path,
    title: str,
    titles: Sequence[str],
    rows: Sequence[Sequence[str]],
    note: str = "",
    *,
    progress: Progress | None = None,
) -> Path:
    """Write the table to ``path`` (.xlsx), whole or not at all, readable by its owner only."""
    from app.exports.excel import table_to_xlsx
    from app.exports.files import write_file

    if progress is not None:
        progress.start(len(rows), f"Writing {len(rows):,} rows…")
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    if not path.parent.is_dir():
        raise UserError(f"There is no folder {path.parent}: choose another place to save.")
    columns, values = typed_table(titles, rows)
    data = table_to_xlsx(
        columns,
        values,
        title,
        created=clock.now().replace(tzinfo=None, microsecond=0),
        note=note or f"Exported by {actor.display_name} on {format_date(clock.today())}",
        author=actor.display_name,
    )
    write_file(path, data)
    if progress is not None:
        progress.advance(len(rows))
    return path


def default_name(title: str, today: date | None = None) -> str:
    """A file name for a table's export: "Unallocated cases 2026-09-04.xlsx"."""
    day = today or clock.today()
    safe = re.sub(r"[^\w\- ]+", "", title).strip() or "Table"
    return f"{safe} {day.isoformat()}.xlsx"
