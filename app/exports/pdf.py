"""PDF files of a report (SPEC.md 7 "PDF"), written with reportlab's platypus.

A4 portrait: a cover page (title, marking, the cover fields, the contents),
then each section from a new page: its note, key figures, tables (split
between rows across pages, the header row repeated) and charts. Every page
carries the protective marking at its top and bottom, the report's title
and "Page N of M". The text is DejaVu Sans, embedded. Each section is a
bookmark in the PDF's outline.

The same report and ``created`` time give the same bytes (reportlab's
invariant mode; ``created`` is the document's creation date).

reportlab is imported with this module: callers import it when they export,
so start-up never pays for it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as RLTable

from app.domain.report import Report, Section, format_value
from app.exports.pdf_parts import chart_flowable, figures_flowable, table_of
from app.exports.pdf_style import BOLD, FONT, INK, MARKING, markup, plain, register_fonts, styles

# Same input, same bytes: no random document id, no wall-clock dates (STYLE.md).
rl_config.invariant = 1

APPLICATION = "PDU Manager"
_MARGIN = 18 * mm
_TOP = 22 * mm
_ROWS_KEPT = 4 * 14.0
"""The height of a table's first rows, kept on the page of its heading."""


def report_to_pdf(report: Report, *, created: datetime) -> bytes:
    """The report as an A4 PDF; ``created`` is stamped as the document's creation date."""
    register_fonts()
    buffer = io.BytesIO()
    doc = _Document(buffer, report)
    canvas = _canvas_maker(report, _pdf_date(created))
    doc.build(_story(report, doc.width), canvasmaker=canvas)
    return buffer.getvalue()


class _SectionTitle(Paragraph):  # type: ignore[misc]
    """A section's heading; the document bookmarks it in the outline."""

    def __init__(self, text: str, key: str) -> None:
        super().__init__(markup(text), styles()["h1"])
        self.outline_title = text
        self.key = key


class _Document(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, buffer: io.BytesIO, report: Report) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=_MARGIN,
            rightMargin=_MARGIN,
            topMargin=_TOP,
            bottomMargin=_TOP,
            title=plain(report.title),
            author=plain(report.author) or APPLICATION,
            subject=plain(report.subject or report.marking),
            creator=APPLICATION,
            producer=APPLICATION,
            keywords=[plain(report.marking)],
            invariant=1,
            # Helvetica would otherwise be named, unembedded, on every page.
            initialFontName=FONT,
            initialFontSize=9,
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("page", [frame])])

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _SectionTitle):
            self.canv.mark_section(flowable.key, plain(flowable.outline_title))


def _story(report: Report, width: float) -> list[Flowable]:
    style = styles()
    story: list[Flowable] = [
        Paragraph(markup(report.title), style["title"]),
        Paragraph(markup(report.marking), style["marking"]),
    ]
    if report.cover:
        rows = [
            [Paragraph(markup(f.label), style["body"]), format_value(f.value, f.kind)]
            for f in report.cover
        ]
        cover = RLTable(rows, colWidths=[45 * mm, width - 45 * mm], hAlign="LEFT")
        cover.setStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9),
                ("FONT", (0, 0), (0, -1), BOLD, 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
        story.append(cover)
    if report.sections:
        story += [Spacer(1, 12), Paragraph("Contents", style["h2"])]
        story += [Paragraph(markup(s.title), style["body"]) for s in report.sections]
    for number, section in enumerate(report.sections, 1):
        story.append(PageBreak())
        story.extend(_section(section, f"section-{number}", width))
    return story


def _section(section: Section, key: str, width: float) -> list[Flowable]:
    style = styles()
    parts: list[Flowable] = [_SectionTitle(section.title, key)]
    if section.note:
        parts.append(Paragraph(markup(section.note), style["note"]))
    if section.figures:
        parts += _titled("Key figures", figures_flowable(section.figures, width), _ROWS_KEPT)
    for table in section.tables:
        parts += _titled(table.title, table_of(table, width), _ROWS_KEPT)
        if table.note:
            parts.append(Paragraph(markup(table.note), style["note"]))
    for chart in section.charts:
        drawing = chart_flowable(chart, width)
        parts += _titled(chart.title, drawing, drawing.height)
    return parts


def _titled(title: str, body: Flowable, keep: float) -> list[Flowable]:
    """A heading that starts a new page rather than sit alone at the bottom of one.

    A heading kept with its whole table would push a long table to the next
    page; it is kept with the table's first rows (``keep`` points) instead.
    """
    return [CondPageBreak(keep + 30), Paragraph(markup(title), styles()["h2"]), body]


def _pdf_date(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def _canvas_maker(report: Report, stamp: str) -> Callable[..., Canvas]:
    """A canvas class that numbers pages "N of M" once it knows M, and marks every page.

    Pages are held until the end, when M is known; so are the sections'
    bookmarks, since a bookmark names the page object written then.
    """
    marking, footer = plain(report.marking), plain(report.title)

    class _MarkedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setDateFormatter(lambda *_: stamp)
            self._pages: list[dict[str, Any]] = []
            self._marks: dict[int, list[tuple[str, str]]] = {}

        def mark_section(self, key: str, title: str) -> None:
            """Bookmark the page being drawn, under ``title`` in the outline."""
            self._marks.setdefault(len(self._pages), []).append((key, title))

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            marks = self._marks
            for number, state in enumerate(self._pages):
                self.__dict__.update(state)
                for key, title in marks.get(number, ()):
                    self.bookmarkPage(key)
                    self.addOutlineEntry(title, key, level=0)
                _decorate(self, marking, footer, number + 1, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return _MarkedCanvas


def _decorate(canvas: Canvas, marking: str, footer: str, number: int, total: int) -> None:
    width, height = A4
    canvas.saveState()
    canvas.setFillColor(MARKING)
    canvas.setFont(BOLD, 9)
    canvas.drawCentredString(width / 2, height - 12 * mm, marking)
    canvas.drawCentredString(width / 2, 10 * mm, marking)
    canvas.setFillColor(INK)
    canvas.setFont(FONT, 7.5)
    # The title and the page number on a line of their own under the marking, so a long
    # title ("Weekly return: 17. Leeds, week ending 27/11/2026") is read whole.
    page = f"Page {number} of {total}"
    room = width - 2 * _MARGIN - stringWidth(page, FONT, 7.5) - 6 * mm
    canvas.drawString(_MARGIN, 5.5 * mm, _fit(footer, room))
    canvas.drawRightString(width - _MARGIN, 5.5 * mm, page)
    canvas.restoreState()


def _fit(text: str, width: float) -> str:
    if stringWidth(text, FONT, 7.5) <= width:
        return text
    while text and stringWidth(text + "…", FONT, 7.5) > width:
        text = text[:-1]
    return text + "…"
