"""Writing the audit log's export: CSV or .xlsx, for its owner only (SPEC.md 9).

The workbook is the shared one-table export (``app.exports.excel.table_to_xlsx``,
every text cell neutralised); a CSV's text cells get the same neutraliser
(``app.domain.report.neutralise_formula``). Either file is born mode 600 and
written whole or not at all (``app.exports.files.write_file``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from app.domain.report import Column, neutralise_formula
from app.exports.files import write_file
from app.services.core.errors import UserError


def table_bytes(
    path: Path,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    title: str,
    *,
    created: datetime,
    author: str = "",
) -> bytes:
    """The table as CSV (UTF-8 with BOM, for Excel) or .xlsx, by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        columns = [Column(h) for h in headers]
        from app.exports.excel import table_to_xlsx  # openpyxl only when a workbook is made

        return table_to_xlsx(columns, rows, title, created=created, author=author)
    if suffix == ".csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows([neutralise_formula(cell) for cell in row] for row in rows)
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    raise UserError("Export to a file ending .csv or .xlsx.")


def write_table(
    path: Path,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    title: str,
    *,
    created: datetime,
    author: str = "",
) -> Path:
    path = path.expanduser().absolute()
    if not path.parent.is_dir():
        raise UserError(f"There is no folder {path.parent}: choose another place.")
    data = table_bytes(path, headers, rows, title, created=created, author=author)
    write_file(path, data)
    return path
