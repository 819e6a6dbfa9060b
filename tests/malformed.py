"""Malformed import files, made on the spot: zip bombs, damaged workbooks, oversized CSV."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

CASE_COLUMNS = ["crn", "forename", "surname", "pdu", "sentence_type", "sentence_date"]
SHEET = "xl/worksheets/sheet1.xml"
_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_CLOSE = b"</sheetData></worksheet>"


def _base_workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(CASE_COLUMNS)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def inline(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def header_row() -> bytes:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    cells = b"".join(inline(f"{letters[i]}1", name) for i, name in enumerate(CASE_COLUMNS))
    return b'<row r="1">' + cells + b"</row>"


def xlsx_with_sheet(path: Path, rows: Iterable[bytes], dimension: str | None = None) -> Path:
    """A real workbook whose first sheet is the given row XML, streamed into the archive.

    ``dimension``: the range the sheet declares (``A1:F1048576``), as Excel writes it.
    """
    base = zipfile.ZipFile(io.BytesIO(_base_workbook()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in base.infolist():
            if info.filename != SHEET:
                out.writestr(info, base.read(info.filename))
        with out.open(SHEET, "w", force_zip64=True) as sheet:
            opening = _OPEN
            if dimension is not None:
                declared = f'<dimension ref="{dimension}"/><sheetData>'.encode()
                opening = _OPEN.replace(b"<sheetData>", declared)
            sheet.write(opening)
            sheet.write(header_row())
            for row in rows:
                sheet.write(row)
            sheet.write(_CLOSE)
    return path


def full_sheet(path: Path, rows: int = 1_048_575) -> Path:
    """A workbook filled to Excel's last row (1,048,576), its range declared as Excel does."""
    block = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(2, 10_002)
    )
    blocks = (block for _ in range(rows // 10_000))
    return xlsx_with_sheet(path, blocks, dimension=f"A1:F{rows + 1}")


def zip_bomb(path: Path, megabytes: int = 60) -> Path:
    """A small file whose sheet expands hundreds of times (empty rows, over and over)."""
    block = b"<row><c><v>1</v></c></row>" * 40_000
    return xlsx_with_sheet(path, (block for _ in range(megabytes * 1_000_000 // len(block))))


def long_cell(path: Path, characters: int = 400_000) -> Path:
    return xlsx_with_sheet(path, [b'<row r="2">' + inline("B2", "x" * characters) + b"</row>"])


def bad_typed_date(path: Path) -> Path:
    return xlsx_with_sheet(path, [b'<row r="2"><c r="F2" t="d"><v>not-a-date</v></c></row>'])


def untyped_text_cell(path: Path) -> Path:
    return xlsx_with_sheet(path, [b'<row r="2"><c r="D2"><v>seventeen</v></c></row>'])


def damaged_deflate(path: Path) -> Path:
    """A workbook whose sheet's compressed bytes are overwritten in the middle."""
    rows = [
        f'<row r="{n}">'.encode() + inline(f"A{n}", f"X{n:06d}") + b"</row>" for n in range(2, 3000)
    ]
    xlsx_with_sheet(path, rows)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    return path


def wide_csv(path: Path, columns: int) -> Path:
    path.write_text(",".join(f"c{n}" for n in range(columns)) + "\n1\n", encoding="utf-8")
    return path


def long_line_csv(path: Path, characters: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(CASE_COLUMNS) + "\n")
        handle.write("X" * characters + "\n")
    return path


def huge_cell_csv(path: Path, characters: int = 100_000) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(CASE_COLUMNS) + "\n")
        handle.write(f'X100001,"{"a" * characters}",Smith,17,CO,20/11/2026\n')
    return path


def bad_rows_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(CASE_COLUMNS) + "\n")
        for n in range(rows):
            handle.write(f"NOT-A-CRN-{n},Alex,Smith,17,CO,20/11/2026\n")
    return path
