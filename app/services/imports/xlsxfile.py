"""Reading the first sheet of an .xlsx extract with its cost bounded before and during.

Before anything is inflated, the archive's directory is checked: how many
parts, each part's declared size and how many times it expands (a zip bomb
expands thousands of times). Declared sizes can lie, so a first pass then
inflates the sheet and its shared strings, counting the bytes and looking for
a cell longer than Excel allows and for more rows than are read; only then
does openpyxl read it, through an archive that counts every byte it
inflates. Whatever openpyxl raises on a malformed part is a sentence.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from app.services.imports import limits
from app.services.imports.problems import FileProblem

CHUNK = 1 << 20
_LONG_RUN = re.compile(rb"[^<]{%d,}" % (limits.MAX_CELL_CHARS * 6))
_DIMENSION = re.compile(rb'<dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"')
_DAMAGED = "the workbook is damaged or holds a cell Excel would not write"


class _Budget:
    """Bytes openpyxl may inflate, counted as it reads."""

    def __init__(self, name: str, allowed: int) -> None:
        self.name, self.allowed, self.used = name, allowed, 0

    def spend(self, size: int) -> None:
        self.used += size
        if self.used > self.allowed:
            raise FileProblem(
                f"{self.name} is refused: it expands to more than "
                f"{self.allowed // limits.MB:,} MB as it is read, more than its parts declare."
            )


class _Counted:
    """A part being inflated, its bytes charged to the budget."""

    def __init__(self, inner: IO[bytes], budget: _Budget) -> None:
        self._inner, self._budget = inner, budget

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size)
        self._budget.spend(len(data))
        return data

    def close(self) -> None:
        self._inner.close()

    def __enter__(self) -> _Counted:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class _CountingZip(zipfile.ZipFile):
    budget: _Budget

    def open(self, name: Any, mode: Any = "r", pwd: Any = None, **kwargs: Any) -> Any:
        return _Counted(super().open(name, mode, pwd, **kwargs), self.budget)


def _cap_mb(part: str) -> int | None:
    """The most a part may inflate to, None for parts openpyxl does not read."""
    lower = part.lower()
    if lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
        return limits.MAX_SHEET_MB
    if lower.endswith("sharedstrings.xml"):
        return limits.MAX_SHARED_STRINGS_MB
    if lower.endswith((".xml", ".rels")):
        return limits.MAX_OTHER_PART_MB
    return None


def check_directory(archive: zipfile.ZipFile, name: str) -> int:
    """Refuse an archive whose directory declares too much; the bytes that will be read."""
    infos = archive.infolist()
    if len(infos) > limits.MAX_MEMBERS:
        raise FileProblem(
            f"{name} is refused: it holds {len(infos):,} parts; a workbook of one extract "
            f"holds a few, and at most {limits.MAX_MEMBERS:,} are read."
        )
    total = 0
    for info in infos:
        cap = _cap_mb(info.filename)
        if cap is None:
            continue
        if info.file_size > cap * limits.MB:
            raise FileProblem(
                f"{name} is refused: its part {info.filename[:60]} expands to "
                f"{info.file_size / limits.MB:,.0f} MB; at most {cap:,} MB are read."
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.RATIO_FROM_MB * limits.MB and ratio > limits.MAX_RATIO:
            raise FileProblem(
                f"{name} is refused: its part {info.filename[:60]} expands {ratio:,.0f} times "
                f"(at most {limits.MAX_RATIO} times is read): it looks like a zip bomb."
            )
        total += info.file_size
    return total


def _scan_part(archive: zipfile.ZipFile, part: str, name: str, count_rows: bool) -> int:
    """Inflate one part, refusing an over-long cell; the rows it holds when asked."""
    rows, carry = 0, b""
    with archive.open(part) as source:
        while chunk := source.read(CHUNK):
            if count_rows and not carry:
                _check_dimension(chunk, name)
            text = carry + chunk
            if _LONG_RUN.search(text):
                raise FileProblem(
                    f"{name} is refused: a cell holds more than {limits.MAX_CELL_CHARS:,} "
                    "characters, the most a cell may hold."
                )
            cut = text.rfind(b"<")
            carry = text[cut:] if cut >= 0 else text
            if count_rows:
                rows += chunk.count(b"<row ") + chunk.count(b"<row>")
                if rows > limits.MAX_ROWS + 1:
                    raise FileProblem(
                        f"{name} is refused: it has more than {limits.MAX_ROWS:,} rows, "
                        "the most an extract may hold."
                    )
    return rows


def _check_dimension(head: bytes, name: str) -> None:
    """Refuse at once a sheet whose declared range runs past the rows an extract holds.

    Excel writes the range near the start of the sheet; a sheet of 1,048,576 rows
    is refused here, before its first row is inflated. (The count that follows
    catches a sheet whose range is missing or wrong.)
    """
    found = _DIMENSION.search(head)
    if found and int(found.group(1)) > limits.MAX_ROWS + 1:
        raise FileProblem(
            f"{name} is refused: its sheet runs to row {int(found.group(1)):,}; an extract "
            f"holds at most {limits.MAX_ROWS:,} rows."
        )


def open_workbook(path: Path, name: str) -> tuple[Any, Any]:
    """The workbook (read-only) and its first sheet, after the checks; FileProblem if not."""
    from openpyxl.reader.excel import ExcelReader

    try:
        archive = _CountingZip(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileProblem(f"{name} is not an Excel workbook (.xlsx) that can be read.") from None
    try:
        declared = check_directory(archive, name)
        archive.budget = _Budget(name, declared + limits.MB)
        _prescan(archive, name)
        archive.budget = _Budget(name, declared + limits.MB)
        with open(path, "rb") as raw:
            reader = ExcelReader(raw, read_only=True, data_only=True, keep_links=False)
            reader.archive.close()
        reader.archive = archive
        reader.read()
    except FileProblem:
        archive.close()
        raise
    except Exception:  # whatever openpyxl makes of a malformed part: one sentence
        archive.close()
        raise FileProblem(f"{name} is not an Excel workbook (.xlsx) that can be read.") from None
    workbook = reader.wb
    if not workbook.worksheets:
        workbook.close()
        raise FileProblem(f"{name} has no sheets.")
    return workbook, workbook.worksheets[0]


def _prescan(archive: zipfile.ZipFile, name: str) -> None:
    """Inflate the shared strings and every sheet once, counting, before openpyxl reads."""
    for part in archive.namelist():
        cap = _cap_mb(part)
        if cap == limits.MAX_SHARED_STRINGS_MB:
            _scan_part(archive, part, name, count_rows=False)
        elif cap == limits.MAX_SHEET_MB:
            _scan_part(archive, part, name, count_rows=True)


def sheet_rows(workbook: Any, sheet: Any, name: str) -> Iterator[tuple[object, ...]]:
    """The sheet's rows as tuples of values; a malformed cell ends it with a sentence."""
    number = 0
    try:
        for cells in sheet.iter_rows(values_only=True):
            number += 1
            if len(cells) > limits.MAX_COLUMNS:
                raise FileProblem(
                    f"{name} is refused: row {number:,} has {len(cells):,} cells; at most "
                    f"{limits.MAX_COLUMNS:,} columns are read."
                )
            yield cells
    except FileProblem:
        raise
    except Exception:  # a bad date, a number that is not one, a broken deflate stream
        raise FileProblem(f"{name} cannot be read at row {number + 1:,}: {_DAMAGED}.") from None
    finally:
        workbook.close()
