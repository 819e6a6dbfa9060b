"""Excel files of a report or of any table (SPEC.md 7 "Excel", 9), written with openpyxl.

- :func:`report_to_xlsx`: a cover sheet, then one sheet per section: its key
  figures, its tables and its charts' data as real Excel tables (filters,
  frozen header row, number and date formats, column widths), the charts
  below them as native Excel bar charts.
- :func:`table_to_xlsx`: one sheet holding one table, for "Export to Excel"
  of any on-screen table (issue 16 point 10), streamed, so the whole caseload
  fits.

Every sheet prints A4 landscape, one page wide, with the protective marking
in its header and footer and "Page N of M". Every text cell is neutralised
against formula injection. The bytes are the same for the same input and the
same ``created`` time (zip entries and the document properties carry it).

openpyxl is imported with this module: callers import it when they export,
so start-up never pays for it.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from app.domain.report import (
    OFFICIAL_SENSITIVE,
    Column,
    Figure,
    Kind,
    Report,
    Section,
    Table,
    Value,
    format_value,
)
from app.exports.xlsx_sheet import (
    FONT,
    NUMBER_FORMATS,
    Block,
    SheetWriter,
    clean_text,
    excel_value,
    set_print,
)

APPLICATION = "PDU Manager"
COVER_SHEET = "Cover"
_FORBIDDEN_IN_SHEET_NAMES = str.maketrans({ch: " " for ch in "[]:*?/\\"})


def report_to_xlsx(report: Report, *, created: datetime) -> bytes:
    """The report as an .xlsx workbook: a cover sheet, then one sheet per section."""
    wb = _workbook(report.title, report.marking, report.author, report.subject, created)
    names = sheet_names([COVER_SHEET, *(s.title for s in report.sections)])
    _write_cover(wb.create_sheet(names[0]), report, names[1:])
    numbers = itertools.count(1)
    for section, name in zip(report.sections, names[1:], strict=True):
        writer = SheetWriter(wb.create_sheet(name), report.marking, report.title, numbers)
        blocks, sources = section_blocks(section)
        writer.write(
            section.title, section.note, blocks, list(zip(section.charts, sources, strict=True))
        )
    return _save(wb, created)


def table_to_xlsx(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Value]],
    title: str,
    marking: str = OFFICIAL_SENSITIVE,
    *,
    created: datetime,
    note: str = "",
    author: str = "",
) -> bytes:
    """One table as an .xlsx workbook of one sheet: rows as given (already filtered and sorted).

    ``note`` goes under the title (say what the rows are: "Cases matching
    'Kent', sorted by deadline"); the row count is added to it. Values are
    checked against their columns' kinds as in :class:`~app.domain.report.Table`.
    """
    table = Table(title, columns, rows)
    wb = _workbook(title, marking, author, "", created)
    (name,) = sheet_names([title])
    count = f"{len(table.rows):,} row{'' if len(table.rows) == 1 else 's'}"
    details = f"{note} ({count})" if note else count
    block = Block("", table.columns, table.rows)
    SheetWriter(wb.create_sheet(name), marking, title).write(title, details, [block])
    return _save(wb, created)


def section_blocks(section: Section) -> tuple[list[Block], list[int]]:
    """The blocks of a section's sheet and, for each chart, the block it draws from.

    Key figures come first, then the tables; a chart drawn from one of the
    tables (:meth:`BarChart.from_table`) draws on it, any other chart gets a
    block of its own data after the tables.
    """
    blocks: list[Block] = []
    if section.figures:
        blocks.append(figures_block(section.figures))
    blocks.extend(Block(t.title, t.columns, t.rows) for t in section.tables)
    sources: list[int] = []
    for chart in section.charts:
        data = chart.table()
        shape = ([c.title for c in data.columns], data.rows)
        found = [i for i, b in enumerate(blocks) if ([c.title for c in b.columns], b.rows) == shape]
        if not found:
            blocks.append(Block(data.title, data.columns, data.rows))
            found = [len(blocks) - 1]
        sources.append(found[0])
    return blocks, sources


def figures_block(figures: Sequence[Figure]) -> Block:
    """Key figures as a two-column table, each value in its own figure's format."""
    return Block(
        "Key figures",
        (Column("Figure"), Column("Value", Kind.DECIMAL)),
        [(f.label, f.value) for f in figures],
        [f.kind for f in figures],
    )


def sheet_names(titles: Sequence[str]) -> list[str]:
    """Sheet names for titles: at most 31 characters, none Excel forbids, unique ignoring case."""
    names: list[str] = []
    used: set[str] = set()
    for title in titles:
        base = " ".join(title.translate(_FORBIDDEN_IN_SHEET_NAMES).split()).strip("'")[:31]
        base = base or "Sheet"
        name, n = base, 1
        while name.casefold() in used or name.casefold() == "history":
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
        used.add(name.casefold())
        names.append(name)
    return names


def _write_cover(ws: Worksheet, report: Report, sheets: Sequence[str]) -> None:
    set_print(ws, report.marking, report.title)
    ws.column_dimensions["A"].width = max([22.0, *(len(f.label) + 2.0 for f in report.cover)])
    ws.column_dimensions["B"].width = max(
        [40.0, *(len(format_value(f.value, f.kind)) + 2.0 for f in report.cover)]
    )
    ws.append([_text(ws, report.title, Font(name=FONT, bold=True, size=16))])
    ws.append([_text(ws, report.marking, Font(name=FONT, bold=True, color="C00000"))])
    ws.append([])
    for field in report.cover:
        value = WriteOnlyCell(ws, value=excel_value(field.value))
        value.number_format = NUMBER_FORMATS[field.kind]
        value.alignment = Alignment(horizontal="left")
        ws.append([_text(ws, field.label, Font(name=FONT, bold=True)), value])
    ws.append([])
    ws.append([_text(ws, "Contents", Font(name=FONT, bold=True))])
    for section, sheet in zip(report.sections, sheets, strict=True):
        link = _text(ws, section.title, Font(name=FONT, color="0563C1", underline="single"))
        link.hyperlink = Hyperlink(ref="", location=f"'{sheet}'!A1", display=clean_text(sheet))
        ws.append([link])


def _text(ws: Worksheet, text: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=clean_text(text))
    cell.font = font
    return cell


def _workbook(title: str, marking: str, author: str, subject: str, created: datetime) -> Workbook:
    wb = Workbook(write_only=True)
    when = _utc(created)
    props = wb.properties
    props.title = clean_text(title)
    props.subject = clean_text(subject) or None
    props.creator = clean_text(author) or APPLICATION
    props.lastModifiedBy = props.creator
    props.keywords = clean_text(marking)
    props.category = clean_text(marking)
    props.created = props.modified = when
    wb.custom_doc_props.append(StringProperty(name="Protective marking", value=marking))
    wb.custom_doc_props.append(StringProperty(name="Application", value=APPLICATION))
    return wb


def _utc(moment: datetime) -> datetime:
    """A naive UTC time, as the document properties hold it."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _save(wb: Workbook, created: datetime) -> bytes:
    """The workbook's bytes, ``created`` on every zip entry: equal input gives equal bytes."""
    buffer = io.BytesIO()
    with _FixedTimeZip(buffer, _utc(created)) as archive:
        # ExcelWriter, not save_workbook: that stamps the modified time with the wall clock.
        ExcelWriter(wb, archive).save()
    return buffer.getvalue()


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose every entry carries one fixed time and owner-only permissions."""

    def __init__(self, file: io.BytesIO, when: datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._when = (max(when.year, 1980), *when.timetuple()[1:6])

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._when)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(  # type: ignore[override]
        self, zinfo_or_arcname: str | zipfile.ZipInfo, data: str | bytes, *args: object
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data)

    def write(  # type: ignore[override]
        self, filename: str | os.PathLike[str], arcname: str | None = None, *args: object
    ) -> None:
        info = self._info(arcname or os.fspath(filename))
        with open(filename, "rb") as source, self.open(info, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target, 1 << 20)
