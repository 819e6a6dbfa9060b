"""Reading an extract: CSV (UTF-8 with or without BOM, or Windows-1252) or an .xlsx's first sheet.

One header row; the rows after it keep the numbers the user sees in the file
(the header is row 1 when it is the first line). Wholly blank rows are
skipped. A file that cannot be read (wrong encoding, not a workbook, empty)
raises :class:`FileProblem` with a message written for the user.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.parsing import is_blank
from app.services.core.errors import UserError

Cells = Sequence[object]
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"


class FileProblem(UserError):
    """The file as a whole cannot be read; nothing in it is imported."""


@dataclass(frozen=True)
class Table:
    """The header of an extract and its data rows, read as they are needed.

    ``rows`` yields ``(row number, cells)``; ``size`` estimates how many rows
    there are, for progress. ``file_hash`` is the SHA-256 of the file's bytes.
    """

    file_hash: str
    header_row: int
    headers: list[str | None]
    rows: Iterator[tuple[int, Cells]]
    size: int


def read_table(path: Path) -> Table:
    """The table in ``path``; FileNotFoundError if it is missing, FileProblem if unreadable."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(OLD_EXCEL_MAGIC) or path.suffix.lower() == ".xls":
        raise FileProblem(
            f"{path.name} is an old-style Excel file (.xls): save it as .xlsx or as CSV UTF-8."
        )
    if data.startswith(ZIP_MAGIC) or path.suffix.lower() in EXCEL_SUFFIXES:
        lines, size = _excel_rows(data, path.name)
    else:
        lines, size = _csv_rows(data, path.name)
    return _table(digest, lines, size, path.name)


def _table(digest: str, lines: Iterator[Cells], size: int, name: str) -> Table:
    numbered = enumerate(lines, start=1)
    for number, cells in numbered:
        if not _blank_row(cells):
            headers = [None if cell is None else str(cell) for cell in cells]
            rows = ((n, row) for n, row in numbered if not _blank_row(row))
            return Table(digest, number, headers, rows, max(size - number, 0))
    raise FileProblem(f"{name} is empty: it needs a header row naming its columns.")


def _blank_row(cells: Cells) -> bool:
    return all(is_blank(cell) for cell in cells)


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM); failing that, Windows-1252, as Excel's plain "CSV" saves."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(
            f"{name} is in UTF-16, not UTF-8: save it from Excel as 'CSV UTF-8 (comma delimited)'."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            line = data[: exc.start].count(b"\n") + 1
            raise FileProblem(
                f"{name} is not UTF-8 text (line {line} has the byte 0x{data[exc.start]:02X}): "
                "save it from Excel as 'CSV UTF-8 (comma delimited)' and import it again."
            ) from None


def _csv_rows(data: bytes, name: str) -> tuple[Iterator[Cells], int]:
    text = _decode(data, name)
    if "\x00" in text:
        raise FileProblem(f"{name} is not a CSV file: it holds binary data.")
    return _csv_lines(text, name), text.count("\n") + 1


def _delimiter(text: str) -> str:
    """Commas, unless the header line is plainly split by semicolons or tabs (European Excel)."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _csv_lines(text: str, name: str) -> Iterator[Cells]:
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    except csv.Error as exc:
        raise FileProblem(f"{name} is not a well-formed CSV file: {exc}.") from None


def _excel_rows(data: bytes, name: str) -> tuple[Iterator[Cells], int]:
    # openpyxl is imported only when a workbook is read (start-up stays quick).
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise FileProblem(f"{name} is not an Excel workbook (.xlsx) that can be read.") from None
    if not workbook.worksheets:
        workbook.close()
        raise FileProblem(f"{name} has no sheets.")
    sheet = workbook.worksheets[0]
    return _sheet_lines(workbook, sheet), int(sheet.max_row or 0)


def _sheet_lines(workbook: Any, sheet: Any) -> Iterator[Cells]:
    try:
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()
