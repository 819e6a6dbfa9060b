"""A report as plain figures: the document that the exports turn into Excel and PDF files.

The weekly return (SPEC.md 7) and every "Export to Excel" of an on-screen
table are built as a :class:`Report` (or a lone :class:`Table`) and handed to
``app.exports.excel`` / ``app.exports.pdf``: figures in, bytes out. Nothing
here knows a file format; the same model can feed a preview screen.

Shape::

    Report(title, cover=[CoverField...], sections=[Section...], marking=...)
      Section(title, figures=[Figure...], tables=[Table...], charts=[BarChart...], note=...)
        Figure(label, value, kind)                 one key figure ("Active cases", 1234)
        Table(title, columns=[Column...], rows=[[value, ...], ...], note=...)
          Column(title, kind)                      kind says how every cell of it is shown
        BarChart(title, categories, series=[Series(name, values)...], stacked=...)

Every value is typed by a :class:`Kind`:

========== ======================================== ==================== ==============
kind       Python value                             shown (PDF, screen)  Excel format
========== ======================================== ==================== ==============
TEXT       ``str``                                  as written           text, neutralised
INTEGER    ``int``                                  ``1,234``            ``#,##0``
DECIMAL    ``int | float | Decimal``                ``12.5``, ``12.25``  ``#,##0.0#``
HOURS      ``int | float | Decimal`` (hours)        ``12.5``, ``7.25``   ``#,##0.0#``
PERCENTAGE ``int | float | Decimal`` in percent     ``87.5%``            ``0.0"%"``
DATE       ``date``                                 ``27/11/2026``       ``dd/mm/yyyy``
DATETIME   ``datetime``                             ``27/11/2026 17:05`` ``dd/mm/yyyy hh:mm``
========== ======================================== ==================== ==============

A ``datetime`` is shown at its own wall-clock time, any zone dropped: give
the time the reader should see (local time). ``None`` is allowed in any
kind and is shown as an en dash (:data:`DASH`):
a percentage on a zero base, a date not yet known. A percentage is given in
percent, exactly as the return's JSON holds it (87.5 means 87.5%): Excel
stores that same number, so a figure read back from the workbook equals the
JSON's. Decimals and percentages are shown rounded half up (1 and 2 decimal
places), never re-rounded in the model.

Sequences may be given as lists; they are kept as tuples, so a report is
immutable and comparable. Building one checks every cell against its
column's kind and raises :class:`ReportError` with a plain message.

Building the return's parts::

    caseload = Section(
        "Caseload",
        figures=[Figure("Active cases", 1234), Figure("Started in the week", 12)],
        tables=[
            Table.from_mapping("Active cases by sentence type", "Sentence type",
                               "Cases", {"Community order": 700, ...}),
            tiers := Table("Tier matrix", [Column("Tier"), Column("0", Kind.INTEGER), ...],
                           [["A", 1, 2, 3, 4], ...]),
        ],
        charts=[BarChart.from_table("Cases by tier", tiers)],
    )
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"
"""The protective marking of anything holding case-level or PDU figures (SPEC.md 7)."""

DASH = "\u2013"
"""How a missing value (``None``) is shown: an en dash, never a formula-like hyphen."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""Characters that make a spreadsheet read a cell as a formula when they lead it (SPEC.md 9)."""


class ReportError(ValueError):
    """A report that cannot be built: a row of the wrong length, a value of the wrong kind."""


class Kind(StrEnum):
    """What a value is, which says how every export shows it (table in the module docstring)."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    PERCENTAGE = "percentage"
    HOURS = "hours"
    DATE = "date"
    DATETIME = "datetime"

    @property
    def numeric(self) -> bool:
        """Numbers are right-aligned and summable; text and dates are not."""
        return self in _NUMERIC


_NUMERIC = frozenset({Kind.INTEGER, Kind.DECIMAL, Kind.PERCENTAGE, Kind.HOURS})

Number = int | float | Decimal
Value = str | int | float | Decimal | date | None
"""A cell or figure: ``datetime`` is a ``date``, so it is covered too."""


def neutralise_formula(text: str) -> str:
    """Text from user data made safe to put in a spreadsheet cell (SPEC.md 9, OWASP CSV injection).

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return is read by Excel and LibreOffice as a formula (``=HYPERLINK(...)``
    sends data away). Such text gets a leading apostrophe, so it is shown as
    the text it is, with the apostrophe visible; any other text is returned
    unchanged. The rule is idempotent, and removing the apostrophe gives the
    text back.
    """
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def check_value(value: object, kind: Kind) -> None:
    """Raise :class:`ReportError` unless ``value`` fits ``kind``; ``None`` always can."""
    if value is None:
        return
    if not _fits(value, kind):
        raise ReportError(f"{value!r} is not a {kind.value} value")


def _fits(value: object, kind: Kind) -> bool:
    if kind is Kind.TEXT:
        return isinstance(value, str)
    if kind is Kind.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is Kind.DATE:
        return isinstance(value, date) and not isinstance(value, datetime)
    if kind is Kind.DATETIME:
        return isinstance(value, datetime)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return not isinstance(value, float | Decimal) or math.isfinite(value)


def format_value(value: Value, kind: Kind) -> str:
    """A value as the PDF and screens show it (the module docstring's table); ``None``: a dash."""
    if value is None:
        return DASH
    check_value(value, kind)
    if isinstance(value, str):
        return value
    if kind is Kind.DATE and isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if kind is Kind.DATETIME and isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if kind is Kind.INTEGER and isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, int | float | Decimal):
        if kind is Kind.PERCENTAGE:
            return f"{_half_up(value, 1):,}%"
        shown = f"{_half_up(value, 2):,}"
        return shown[:-1] if shown.endswith("0") else shown
    raise ReportError(f"{value!r} is not a {kind.value} value")  # pragma: no cover


def _half_up(value: Number, places: int) -> Decimal:
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Column:
    """A named column of a table; ``kind`` says how each of its cells is shown."""

    title: str
    kind: Kind = Kind.TEXT

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ReportError("A column needs a title")
        object.__setattr__(self, "kind", Kind(self.kind))


@dataclass(frozen=True, slots=True)
class Figure:
    """One key figure of a section: "Active cases" 1,234; "Allocated on time" 87.5%."""

    label: str
    value: Value
    kind: Kind = Kind.INTEGER

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))
        try:
            check_value(self.value, self.kind)
        except ReportError as error:
            raise ReportError(f"{self.label}: {error}") from None


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table of typed columns and rows of values, one value per column.

    Column titles are unique within the table, ignoring case (Excel's tables
    require it). ``rows`` may be any sequence of sequences; each is kept as a
    tuple. An empty table is allowed (its header is still shown).
    """

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Value]] = ()
    note: str = ""

    def __post_init__(self) -> None:
        columns = tuple(self.columns)
        rows = tuple(tuple(row) for row in self.rows)
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "rows", rows)
        if not columns:
            raise ReportError(f"Table '{self.title}' has no columns")
        titles = [c.title.casefold() for c in columns]
        if len(set(titles)) != len(titles):
            raise ReportError(f"Table '{self.title}' has two columns of the same name")
        for number, row in enumerate(rows, 1):
            self._check_row(number, row)

    def _check_row(self, number: int, row: tuple[Value, ...]) -> None:
        if len(row) != len(self.columns):
            raise ReportError(
                f"Table '{self.title}', row {number}: {len(row)} values for "
                f"{len(self.columns)} columns"
            )
        for value, column in zip(row, self.columns, strict=True):
            if value is not None and not _fits(value, column.kind):
                raise ReportError(
                    f"Table '{self.title}', row {number}, {column.title}: "
                    f"{value!r} is not a {column.kind.value} value"
                )

    @classmethod
    def from_mapping(
        cls,
        title: str,
        key_title: str,
        value_title: str,
        values: Mapping[str, Value],
        kind: Kind = Kind.INTEGER,
        note: str = "",
    ) -> Table:
        """A two-column table from a map in its own order: ``{"Community order": 700, ...}``."""
        return cls(
            title,
            (Column(key_title), Column(value_title, kind)),
            [(key, value) for key, value in values.items()],
            note,
        )

    def column(self, title: str) -> tuple[Value, ...]:
        """Every value of the column of that title, top to bottom."""
        index = [c.title for c in self.columns].index(title)
        return tuple(row[index] for row in self.rows)


@dataclass(frozen=True, slots=True)
class Series:
    """One series of a bar chart: a name (the legend) and one value per category."""

    name: str
    values: Sequence[Number | None]

    def __post_init__(self) -> None:
        values = tuple(self.values)
        object.__setattr__(self, "values", values)
        for value in values:
            check_value(value, Kind.DECIMAL)


@dataclass(frozen=True, slots=True)
class BarChart:
    """A vertical bar chart: categories along the bottom, one bar per series in each.

    ``stacked`` piles a category's series into one bar. The return draws two:
    the tier matrix (categories A-D, series 0-3) and the sessions stood down
    by reason (one series). :meth:`from_table` builds one from a table.
    """

    title: str
    categories: Sequence[str]
    series: Sequence[Series]
    category_title: str = ""
    value_title: str = ""
    stacked: bool = False

    def __post_init__(self) -> None:
        categories = tuple(self.categories)
        series = tuple(self.series)
        object.__setattr__(self, "categories", categories)
        object.__setattr__(self, "series", series)
        if not series:
            raise ReportError(f"Chart '{self.title}' has no series")
        for one in series:
            if len(one.values) != len(categories):
                raise ReportError(
                    f"Chart '{self.title}': series '{one.name}' has {len(one.values)} "
                    f"values for {len(categories)} categories"
                )
        self.table()  # the names must make a table's columns, as the Excel chart draws on one

    def table(self) -> Table:
        """The chart's figures as a table: categories down the first column, a column per series.

        The Excel export writes this beside the section's tables and draws the chart from it.
        """
        whole = all(isinstance(v, int) or v is None for s in self.series for v in s.values)
        kind = Kind.INTEGER if whole else Kind.DECIMAL
        columns = [Column(self.category_title or "Category")]
        columns.extend(Column(s.name, kind) for s in self.series)
        rows = [
            (category, *(s.values[i] for s in self.series))
            for i, category in enumerate(self.categories)
        ]
        return Table(self.title, columns, rows)

    @classmethod
    def from_table(
        cls,
        title: str,
        table: Table,
        value_title: str = "",
        stacked: bool = False,
    ) -> BarChart:
        """A chart of a table: its first column gives the categories, each numeric column a series.

        The tier matrix table (Tier | 0 | 1 | 2 | 3) gives categories A-D with
        series 0-3; a table of reasons and counts gives one series.
        """
        first, *rest = table.columns
        numeric = [c for c in rest if c.kind.numeric]
        categories = [DASH if v is None else str(v) for v in table.column(first.title)]
        series = [Series(c.title, _numbers(table.column(c.title))) for c in numeric]
        return cls(title, categories, series, first.title, value_title, stacked)


def _numbers(values: Sequence[Value]) -> list[Number | None]:
    return [v for v in values if v is None or isinstance(v, int | float | Decimal)]


@dataclass(frozen=True, slots=True)
class Section:
    """A part of a report: its own sheet in Excel, its own group of pages in the PDF.

    Shown in this order: ``note`` (a sentence under the title, such as
    "Counts only: no victim details"), the key ``figures``, the ``tables``,
    then the ``charts``. In Excel the figures and tables stand side by side
    under one frozen header row, the charts below them; in the PDF they
    follow one another down the pages.
    """

    title: str
    figures: Sequence[Figure] = ()
    tables: Sequence[Table] = ()
    charts: Sequence[BarChart] = ()
    note: str = ""

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ReportError("A section needs a title")
        object.__setattr__(self, "figures", tuple(self.figures))
        object.__setattr__(self, "tables", tuple(self.tables))
        object.__setattr__(self, "charts", tuple(self.charts))


@dataclass(frozen=True, slots=True)
class CoverField:
    """A line of the cover: "PDU" East Kent, "Week ending" 27/11/2026, "Audit head" the hash."""

    label: str
    value: Value
    kind: Kind = Kind.TEXT

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))
        try:
            check_value(self.value, self.kind)
        except ReportError as error:
            raise ReportError(f"{self.label}: {error}") from None


@dataclass(frozen=True, slots=True)
class Report:
    """A whole document: a cover, then its sections, under one protective marking.

    ``title`` heads the cover and names the files' properties ("Weekly
    return: East Kent, week ending 27/11/2026"). ``marking`` is printed on
    every page and sheet header. ``author`` goes into the files' properties
    (who built it); ``subject`` likewise.
    """

    title: str
    cover: Sequence[CoverField] = ()
    sections: Sequence[Section] = ()
    marking: str = OFFICIAL_SENSITIVE
    author: str = ""
    subject: str = ""

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ReportError("A report needs a title")
        object.__setattr__(self, "cover", tuple(self.cover))
        object.__setattr__(self, "sections", tuple(self.sections))
        titles = [s.title.casefold() for s in self.sections]
        if len(set(titles)) != len(titles):
            raise ReportError("Two sections of the report have the same title")
