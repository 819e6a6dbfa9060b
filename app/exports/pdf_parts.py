"""The PDF's tables and charts as reportlab flowables.

A table gets its columns' natural widths when they fit the page; otherwise
its text columns share what the numbers leave, and their cells wrap. It
splits between rows at a page end and repeats its header row on the next
page. A chart is a reportlab drawing of the same bars as the Excel chart,
each bar labelled with its value.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, TableStyle
from reportlab.platypus import Table as RLTable

from app.domain.report import BarChart, Column, Figure, Kind, Number, Table, Value, format_value
from app.exports.pdf_style import (
    BOLD,
    FONT,
    HEADER_FILL,
    INK,
    RULE,
    SERIES,
    STRIPE,
    markup,
    plain,
    styles,
)

CELL_SIZE = 8
_PAD = 4
_MIN_TEXT = 48.0


def table_flowable(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Value]],
    width: float,
    kinds: Sequence[Sequence[Kind]] | None = None,
) -> RLTable:
    """A table that fits ``width`` points, splits across pages and repeats its header.

    ``kinds`` gives each cell's kind where it is not its column's (the key figures).
    """
    shown = [
        [format_value(v, kinds[r][c] if kinds else columns[c].kind) for c, v in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    numeric = [c.kind.numeric for c in columns]
    fixed = [c.kind is not Kind.TEXT for c in columns]
    if kinds:
        numeric[-1] = fixed[-1] = True
    widths = _widths(columns, shown, fixed, width)
    data: list[list[object]] = [_header(columns, numeric)]
    for row in shown:
        data.append(
            [_cell(text, w, right) for text, w, right in zip(row, widths, numeric, strict=True)]
        )
    if not shown:
        data.append(["" for _ in columns])
    table = RLTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(_style(numeric, len(data)))
    return table


def figures_flowable(figures: Sequence[Figure], width: float) -> RLTable:
    """The key figures as a two-column table, each value in its own figure's format."""
    columns = (Column("Figure"), Column("Value", Kind.DECIMAL))
    rows = [(f.label, f.value) for f in figures]
    kinds = [(Kind.TEXT, f.kind) for f in figures]
    return table_flowable(columns, rows, width, kinds)


def table_of(table: Table, width: float) -> RLTable:
    return table_flowable(table.columns, table.rows, width)


def _text_width(text: str, font: str = FONT) -> float:
    return max((stringWidth(line, font, CELL_SIZE) for line in plain(text).split("\n")), default=0)


def _widths(
    columns: Sequence[Column], shown: Sequence[Sequence[str]], fixed: Sequence[bool], width: float
) -> list[float]:
    """Natural widths when they fit; else numbers and dates keep theirs and text shares the rest."""
    natural = []
    for index, column in enumerate(columns):
        words = column.title.split() or [column.title]
        head = max(_text_width(w, BOLD) for w in words)
        cells = max((_text_width(row[index]) for row in shown), default=0.0)
        natural.append(max(head, cells) + 2 * _PAD + 1)
    if sum(natural) <= width:
        return natural
    kept = sum(w for w, n in zip(natural, fixed, strict=True) if n)
    text = sorted((w, i) for i, (w, n) in enumerate(zip(natural, fixed, strict=True)) if not n)
    room = width - kept
    if not text or room < _MIN_TEXT * len(text):
        return [w * width / sum(natural) for w in natural]
    # Water-filling: narrow text columns keep their width, the wide ones share the rest equally.
    widths = list(natural)
    for done, (need, index) in enumerate(text):
        widths[index] = min(need, room / (len(text) - done))
        room -= widths[index]
    return widths


def _header(columns: Sequence[Column], numeric: Sequence[bool]) -> list[object]:
    style = styles()
    return [
        Paragraph(markup(c.title), style["head_right" if n else "head"])
        for c, n in zip(columns, numeric, strict=True)
    ]


def _cell(text: str, width: float, right: bool) -> object:
    """A short cell as a plain string (quick to lay out), a long one as a wrapping paragraph."""
    text = plain(text)
    if "\n" not in text and _text_width(text) <= width - 2 * _PAD:
        return text
    return Paragraph(markup(text), styles()["cell_right" if right else "cell"])


def _style(numeric: Sequence[bool], rows: int) -> TableStyle:
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
    ]
    if rows > 2:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]))
    commands.extend(("ALIGN", (i, 1), (i, -1), "RIGHT") for i, n in enumerate(numeric) if n)
    return TableStyle(commands)


def chart_flowable(chart: BarChart, width: float) -> Flowable:
    """The chart as a drawing ``width`` points wide, legend on the right."""
    legend = len(chart.series) > 1
    legend_width = 20 + max(stringWidth(s.name, FONT, 8) for s in chart.series) if legend else 0
    rotate = len(chart.categories) > 5 or any(len(c) > 10 for c in chart.categories)
    longest = max((stringWidth(c, FONT, 7) for c in chart.categories), default=0)
    bottom = 30 + (longest * 0.6 if rotate else 10)
    drawing = Drawing(width, 150 + bottom)
    # The drawing's own default font, set on the page even when unused, would be Helvetica.
    drawing.initialFontName, drawing.initialFontSize = FONT, 8
    bars = _bars(chart, width - legend_width - 60, bottom, rotate)
    drawing.add(bars)
    if legend:
        drawing.add(_legend(chart, width - legend_width + 5, bottom + 130))
    if chart.value_title:
        label = String(10, bottom + 65, plain(chart.value_title), fontName=FONT, fontSize=8)
        label.textAnchor = "middle"
        drawing.add(label)
    if chart.category_title:
        drawing.add(
            String(
                bars.x + bars.width / 2,
                4,
                plain(chart.category_title),
                fontName=FONT,
                fontSize=8,
                textAnchor="middle",
            )
        )
    return drawing


def _bars(chart: BarChart, width: float, bottom: float, rotate: bool) -> VerticalBarChart:
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 45, bottom, width, 130
    bars.data = [tuple(_float(v) for v in s.values) for s in chart.series]
    bars.categoryAxis.categoryNames = [plain(c) for c in chart.categories]
    labels = bars.categoryAxis.labels
    labels.fontName, labels.fontSize = FONT, 7
    if rotate:
        labels.angle, labels.boxAnchor, labels.dx, labels.dy = 35, "ne", 4, -2
    if chart.stacked:
        bars.categoryAxis.style = "stacked"
    top = max((v for s in bars.data for v in s if v is not None), default=0.0)
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = top * 1.15 if top > 0 else 1
    bars.valueAxis.labels.fontName, bars.valueAxis.labels.fontSize = FONT, 7
    bars.valueAxis.labelTextFormat = _axis_label
    for index in range(len(chart.series)):
        bars.bars[index].fillColor = SERIES[index % len(SERIES)]
        bars.bars[index].strokeColor = None
    bars.barLabelFormat = _bar_label(chart)
    bars.barLabels.fontName, bars.barLabels.fontSize = FONT, 6.5
    bars.barLabels.nudge = 6
    if chart.stacked:
        bars.barLabels.nudge = 0
        bars.barLabels.fillColor = colors.white
    return bars


def _float(value: Number | None) -> float | None:
    return None if value is None else float(value)


def _axis_label(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _bar_label(chart: BarChart) -> object:
    whole = all(isinstance(v, int) or v is None for s in chart.series for v in s.values)
    kind = Kind.INTEGER if whole else Kind.DECIMAL

    def label(value: float) -> str:
        if chart.stacked and not value:
            return ""
        return format_value(round(value) if whole else value, kind)

    return label


def _legend(chart: BarChart, x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = FONT, 8
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.dx = legend.dy = 8
    legend.columnMaximum = 12
    legend.colorNamePairs = [
        (SERIES[i % len(SERIES)], plain(s.name)) for i, s in enumerate(chart.series)
    ]
    return legend
