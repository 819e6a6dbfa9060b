"""Reading an extract: CSV (UTF-8 with or without BOM, or Windows-1252) or an .xlsx's first sheet.

One header row; the rows after it keep the numbers the user sees in the file
(the header is row 1 when it is the first line). Wholly blank rows are
skipped. A file that cannot be read (wrong encoding, not a workbook, empty,
over the limits of :mod:`app.services.imports.limits`) raises
:class:`FileProblem` with a message written for the user; the file is read
as a stream, so its size costs time, never the machine's memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.domain.parsing import is_blank
from app.services.imports import csvfile, limits, xlsxfile
from app.services.imports.problems import FileProblem

__all__ = ["Cells", "FileProblem", "Table", "file_digest", "read_table"]

Cells = Sequence[object]
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"


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


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_table(path: Path) -> Table:
    """The table in ``path``; FileNotFoundError if it is missing, FileProblem if unreadable."""
    name = path.name
    size = path.stat().st_size
    if size > limits.MAX_FILE_MB * limits.MB:
        raise FileProblem(
            f"{name} is refused: it is {size / limits.MB:,.0f} MB, and files over "
            f"{limits.MAX_FILE_MB:,} MB are not read (is it the right file?)."
        )
    with open(path, "rb") as handle:
        start = handle.read(8)
    if start.startswith(OLD_EXCEL_MAGIC) or path.suffix.lower() == ".xls":
        raise FileProblem(
            f"{name} is an old-style Excel file (.xls): save it as .xlsx or as CSV UTF-8."
        )
    if start.startswith(ZIP_MAGIC) or path.suffix.lower() in EXCEL_SUFFIXES:
        digest = file_digest(path)
        workbook, sheet = xlsxfile.open_workbook(path, name)
        lines: Iterator[Cells] = xlsxfile.sheet_rows(workbook, sheet, name)
        estimate = int(sheet.max_row or 0)
    else:
        scan = csvfile.scan(path, name)
        digest, estimate = scan.digest, scan.lines
        lines = csvfile.rows(path, name, scan.encoding)
    return _table(digest, lines, estimate, name)


def _table(digest: str, lines: Iterator[Cells], size: int, name: str) -> Table:
    numbered = enumerate(lines, start=1)
    for number, cells in numbered:
        if not _blank_row(cells):
            if len(cells) > limits.MAX_COLUMNS:
                raise FileProblem(
                    f"{name} is refused: its header has {len(cells):,} columns; at most "
                    f"{limits.MAX_COLUMNS:,} are read."
                )
            headers = [None if cell is None else str(cell) for cell in cells]
            return Table(digest, number, headers, _data_rows(numbered, name), max(size - number, 0))
    raise FileProblem(f"{name} is empty: it needs a header row naming its columns.")


def _data_rows(numbered: Iterator[tuple[int, Cells]], name: str) -> Iterator[tuple[int, Cells]]:
    count = 0
    for number, row in numbered:
        if _blank_row(row):
            continue
        count += 1
        if count > limits.MAX_ROWS:
            raise FileProblem(
                f"{name} is refused: it has more than {limits.MAX_ROWS:,} rows, the most an "
                "extract may hold."
            )
        yield number, row


def _blank_row(cells: Cells) -> bool:
    return all(is_blank(cell) for cell in cells)
