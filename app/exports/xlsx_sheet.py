"""One worksheet of an export: blocks of typed cells side by side, as real Excel tables.

Layout of every data sheet (openpyxl's write-only mode, so rows go out in
order and a 250,000-row table never sits in memory as cell objects)::

    row 1   the sheet's title
    row 2   a note, or the export's details
    row 3   each block's title
    row 4   each block's header row          <- frozen, repeated on printed pages
    row 5+  each block's rows, blocks side by side one empty column apart
    below   the charts, one under another

Every block is an Excel table (a ListObject with filter buttons). Every text
cell is stripped of characters XML cannot carry and neutralised against
formula injection; numbers and dates carry their number format.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart as XlBarChart
from openpyxl.chart import Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table as XlTable
from openpyxl.worksheet.table import TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.report import DASH, BarChart, Column, Kind, Value, format_value, neutralise_formula

TITLE_ROW, NOTE_ROW, BLOCK_TITLE_ROW, HEADER_ROW = 1, 2, 3, 4
FIRST_DATA_ROW = HEADER_ROW + 1
CELL_LIMIT = 32_767
"""The most characters Excel keeps in one cell."""

NUMBER_FORMATS = {
    Kind.TEXT: "@",
    Kind.INTEGER: "#,##0",
    Kind.DECIMAL: "#,##0.0#",
    Kind.HOURS: "#,##0.0#",
    Kind.PERCENTAGE: '0.0"%"',
    Kind.DATE: "dd/mm/yyyy",
    Kind.DATETIME: "dd/mm/yyyy hh:mm",
}
"""How each kind is shown in Excel: the same as ``format_value`` shows it on paper."""

_WIDTH_SAMPLE = 5_000
_CHART_ROWS = 20
FONT = "Calibri"
"""Excel's default face, named so that LibreOffice does not fall back to a serif."""
_BOLD = Font(name=FONT, bold=True)
_TITLE = Font(name=FONT, bold=True, size=14)
_ITALIC = Font(name=FONT, italic=True)
_RIGHT = Alignment(horizontal="right")


def clean_text(text: str) -> str:
    """Text as a cell may hold it: no control characters, neutralised, within Excel's limit.

    Line ends become ``\n`` after neutralising (XML would turn a lone carriage
    return into one anyway), so what is read back is what was written.
    """
    safe = neutralise_formula(ILLEGAL_CHARACTERS_RE.sub("", text))
    return safe.replace("\r\n", "\n").replace("\r", "\n")[:CELL_LIMIT]


@dataclass(frozen=True, slots=True)
class Block:
    """A titled table of the sheet; ``value_kinds`` overrides the last column's kind row by row."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Value]]
    value_kinds: Sequence[Kind] | None = None

    @property
    def height(self) -> int:
        """Data rows written: an empty table still has one (blank) row, as Excel requires."""
        return max(len(self.rows), 1)

    def kind(self, row: int, column: int) -> Kind:
        if self.value_kinds is not None and column == len(self.columns) - 1:
            return self.value_kinds[row]
        return self.columns[column].kind


class SheetWriter:
    """Writes one sheet: its title rows, its blocks side by side, then its charts."""

    def __init__(
        self, ws: Worksheet, marking: str, footer: str, numbers: Iterator[int] | None = None
    ) -> None:
        self.ws = ws
        self.marking = marking
        self.footer = footer
        # Table names are unique in the workbook: sheets share one count.
        self.numbers = numbers if numbers is not None else itertools.count(1)

    def write(
        self,
        title: str,
        note: str,
        blocks: Sequence[Block],
        charts: Sequence[tuple[BarChart, int]] = (),
    ) -> None:
        """The sheet; ``charts`` pairs each chart with the index of the block it draws from."""
        # Before the first row: write-only mode writes the sheet's properties with it.
        set_print(self.ws, self.marking, self.footer)
        starts = self._starts(blocks)
        self._set_columns(blocks, starts)
        self.ws.freeze_panes = f"A{FIRST_DATA_ROW}"
        self.ws.print_title_rows = f"1:{HEADER_ROW}"
        self.ws.append([self._cell(title, _TITLE)])
        self.ws.append([self._cell(note, _ITALIC)] if note else [])
        self.ws.append(self._spread(blocks, starts, lambda b: [self._cell(b.title, _BOLD)]))
        self.ws.append(self._spread(blocks, starts, self._header))
        for row in self._data_rows(blocks, starts):
            self.ws.append(row)
        for block, start in zip(blocks, starts, strict=True):
            self._add_table(block, start, next(self.numbers))
        depth = max((b.height for b in blocks), default=0)
        self._add_charts(charts, blocks, starts, FIRST_DATA_ROW + depth + 2)

    @staticmethod
    def _starts(blocks: Sequence[Block]) -> list[int]:
        starts, column = [], 1
        for block in blocks:
            starts.append(column)
            column += len(block.columns) + 1
        return starts

    def _cell(
        self, value: Value, font: Font | None = None, kind: Kind = Kind.TEXT
    ) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=excel_value(value))
        cell.number_format = NUMBER_FORMATS[kind]
        if font is not None:
            cell.font = font
        if kind is not Kind.TEXT:
            cell.alignment = _RIGHT
        return cell

    def _header(self, block: Block) -> list[WriteOnlyCell]:
        cells = [self._cell(c.title, _BOLD) for c in block.columns]
        for cell, column in zip(cells, block.columns, strict=True):
            if column.kind.numeric:
                cell.alignment = _RIGHT
        return cells

    @staticmethod
    def _spread(blocks: Sequence[Block], starts: Sequence[int], cells: object) -> list[object]:
        row: list[object] = []
        for block, start in zip(blocks, starts, strict=True):
            row.extend([None] * (start - 1 - len(row)))
            row.extend(cells(block))  # type: ignore[operator]
        return row

    def _data_rows(self, blocks: Sequence[Block], starts: Sequence[int]) -> Iterator[list[object]]:
        """Each data row across the blocks.

        One styled cell per column and kind is made once and given a new value
        each row: openpyxl writes a row's cells before the next row is asked
        for, and styling a fresh cell for each of 250,000 rows would triple
        the time of a big export.
        """
        depth = max((len(b.rows) for b in blocks), default=0)
        styled: dict[tuple[int, int, Kind], WriteOnlyCell] = {}
        for index in range(depth):
            row: list[object] = []
            for number, (block, start) in enumerate(zip(blocks, starts, strict=True)):
                if index >= len(block.rows):
                    continue
                row.extend([None] * (start - 1 - len(row)))
                for column, value in enumerate(block.rows[index]):
                    kind = block.kind(index, column)
                    cell = styled.get((number, column, kind))
                    if cell is None:
                        cell = styled[number, column, kind] = self._cell(None, kind=kind)
                    cell.value = excel_value(value)
                    row.append(cell)
            yield row

    def _add_table(self, block: Block, start: int, number: int) -> None:
        end = start + len(block.columns) - 1
        ref = (
            f"{get_column_letter(start)}{HEADER_ROW}:"
            f"{get_column_letter(end)}{HEADER_ROW + block.height}"
        )
        name = table_name(number, block.title or self.ws.title)
        columns = [
            TableColumn(id=i, name=clean_text(c.title)) for i, c in enumerate(block.columns, 1)
        ]
        with warnings.catch_warnings():
            # openpyxl warns of every table in write-only mode; the columns are given here.
            warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
            self._add_xl_table(name, ref, columns)

    def _add_xl_table(self, name: str, ref: str, columns: list[TableColumn]) -> None:
        self.ws.add_table(
            XlTable(
                displayName=name,
                ref=ref,
                autoFilter=AutoFilter(ref=ref),
                tableColumns=columns,
                tableStyleInfo=TableStyleInfo(name="TableStyleMedium2", showRowStripes=True),
            )
        )

    def _set_columns(self, blocks: Sequence[Block], starts: Sequence[int]) -> None:
        for block, start in zip(blocks, starts, strict=True):
            for offset in range(len(block.columns)):
                width = column_width(block, offset)
                self.ws.column_dimensions[get_column_letter(start + offset)].width = width
            gap = get_column_letter(start + len(block.columns))
            self.ws.column_dimensions[gap].width = 3

    def _add_charts(
        self,
        charts: Sequence[tuple[BarChart, int]],
        blocks: Sequence[Block],
        starts: Sequence[int],
        row: int,
    ) -> None:
        """Each chart below the blocks, drawn from the block of its data, one to a printed page."""
        for chart, source in charts:
            # A chart cut by a page break prints as two halves.
            self.ws.row_breaks.append(Break(id=row - 1))
            native = native_chart(self.ws, chart, starts[source], blocks[source].height)
            self.ws.add_chart(native, f"A{row + 1}")
            row += _CHART_ROWS


def excel_value(value: Value) -> object:
    """What a cell stores: text cleaned, ``None`` as a dash, datetimes without a zone."""
    if value is None:
        return DASH
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def column_width(block: Block, offset: int) -> float:
    """Characters wide: the widest of the header (and its filter button) and the first rows."""
    column = block.columns[offset]
    widest = len(column.title) + 3
    for index, row in enumerate(block.rows[:_WIDTH_SAMPLE]):
        value = row[offset]
        shown = format_value(value, block.kind(index, offset)) if value is not None else DASH
        widest = max(widest, len(shown) + 1)
    return float(min(max(widest, 8), 60))


def table_name(number: int, title: str) -> str:
    """An Excel table name: numbered, so unique in the workbook; letters, digits, underscores."""
    words = "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in title)
    slug = "_".join(part for part in words.split("_") if part)[:60]
    return f"T{number}_{slug}" if slug else f"T{number}"


def native_chart(ws: Worksheet, chart: BarChart, start: int, rows: int) -> XlBarChart:
    """An Excel bar chart over a data block whose first column holds the categories."""
    native = XlBarChart()
    native.type = "col"
    native.grouping = "stacked" if chart.stacked else "clustered"
    if chart.stacked:
        native.overlap = 100
    native.title = clean_text(chart.title)
    native.x_axis.title = clean_text(chart.category_title) or None
    native.y_axis.title = clean_text(chart.value_title) or None
    # openpyxl 3.1 hides both axes unless told otherwise.
    native.x_axis.delete = False
    native.y_axis.delete = False
    native.width, native.height = 20, 9
    native.dataLabels = DataLabelList(
        showVal=True, showCatName=False, showSerName=False, showLegendKey=False, showPercent=False
    )
    last = HEADER_ROW + max(rows, 1)
    data = Reference(
        ws, min_col=start + 1, max_col=start + len(chart.series), min_row=HEADER_ROW, max_row=last
    )
    native.add_data(data, titles_from_data=True)
    native.set_categories(Reference(ws, min_col=start, min_row=FIRST_DATA_ROW, max_row=last))
    return native


def set_print(ws: Worksheet, marking: str, footer: str) -> None:
    """A4 landscape, one page wide; the marking in the header, title and page numbers below.

    Call it before the sheet's first row: write-only mode writes "fit to page" with that row.
    """
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.center.text = header_text(marking)
    ws.oddHeader.center.font = "Calibri,Bold"
    ws.oddFooter.left.text = header_text(footer)
    ws.oddFooter.center.text = header_text(marking)
    ws.oddFooter.right.text = "Page &P of &N"


def header_text(text: str) -> str:
    """Text for a print header or footer: ``&`` starts a code there, so it is doubled."""
    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", text)
    return cleaned.replace("&", "&&")[:100]
