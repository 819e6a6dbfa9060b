"""Session sheets: one A4 PDF page (or more) per session, for its supervisor.

Each sheet carries the protective marking on every page, the project, its
address, the date and times, and the people booked with only what the
supervisor needs: name and CRN, and blank columns to write the arrival and
leaving times and the outcome. Figures in, bytes out: this module knows
nothing of the database. reportlab is imported when a sheet is made, not
when the app starts (STYLE.md). The font is a TrueType font embedded in the
PDF (reportlab's Helvetica drops characters such as "Ł"); :func:`sheet_font`
finds it and can later follow the shared PDF writer's own loader.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from importlib import resources
from pathlib import Path
from typing import Any

from app.domain.parsing import format_date

MARKING = "OFFICIAL-SENSITIVE"
FONT_NAME = "PDUSans"
FONT_FILE = "DejaVuSans.ttf"
_SYSTEM_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/Library/Fonts/DejaVuSans.ttf"),
    Path("C:/Windows/Fonts/DejaVuSans.ttf"),
)


@dataclass(frozen=True)
class SheetPerson:
    name: str
    crn: str


@dataclass(frozen=True)
class SessionSheet:
    """One session as its supervisor's sheet shows it."""

    project: str
    project_type: str
    address: str
    beneficiary: str
    day: date
    start: time
    end: time
    supervisor: str
    places: int
    people: tuple[SheetPerson, ...]
    stood_down: str = ""


def font_path() -> Path | None:
    """The TrueType font shipped in resources/fonts, else the system's DejaVu Sans."""
    try:
        shipped = resources.files("app.resources").joinpath("fonts", FONT_FILE)
        if shipped.is_file():
            return Path(str(shipped))
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    return next((p for p in _SYSTEM_FONTS if p.is_file()), None)


def sheet_font() -> str:
    """Register and return the embedded font's name (Helvetica only when none is found)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    path = font_path()
    if path is None:
        return "Helvetica"
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))
    return FONT_NAME


def _marking(canvas: Any, doc: Any, font: str) -> None:
    from reportlab.lib.pagesizes import A4

    width, height = A4
    canvas.saveState()
    canvas.setFont(font, 9)
    canvas.drawCentredString(width / 2, height - 28, MARKING)
    canvas.drawCentredString(width / 2, 20, f"{MARKING} · page {doc.page}")
    canvas.restoreState()


def _story(sheet: SessionSheet, font: str) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=19, spaceAfter=6)
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=13)
    times = f"{sheet.start:%H:%M} to {sheet.end:%H:%M}"
    story: list[Any] = [
        Paragraph(f"Unpaid work session sheet: {_esc(sheet.project)}", title),
        Paragraph(f"{format_date(sheet.day)}, {times} · {_esc(sheet.project_type)}", body),
        Paragraph(f"Address: {_esc(sheet.address) or 'not recorded'}", body),
        Paragraph(f"Beneficiary: {_esc(sheet.beneficiary) or 'not recorded'}", body),
        Paragraph(f"Supervisor: {_esc(sheet.supervisor) or 'not assigned'}", body),
        Paragraph(f"Booked: {len(sheet.people)} of {sheet.places} places", body),
    ]
    if sheet.stood_down:
        story.append(Paragraph(f"<b>Stood down</b>: {_esc(sheet.stood_down)}", body))
    story.append(Spacer(1, 6 * mm))
    rows: list[list[str]] = [["Name", "CRN", "Arrived", "Left", "Outcome", "Notes"]]
    rows += [[p.name, p.crn, "", "", "", ""] for p in sheet.people] or [
        ["Nobody booked"] + [""] * 5
    ]
    table = Table(
        rows, colWidths=[52 * mm, 22 * mm, 18 * mm, 18 * mm, 24 * mm, 42 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 10),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white]),
                ("TOPPADDING", (0, 1), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
            ]
        )
    )
    story.append(table)
    return story


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def session_sheets_pdf(sheets: Sequence[SessionSheet], title: str = "Session sheets") -> bytes:
    """One PDF with each session's sheet starting on a new A4 page."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    rl_config.invariant = 1  # the same sheets give the same bytes
    font = sheet_font()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, title=title, author="PDU Manager", topMargin=42, bottomMargin=42
    )
    story: list[Any] = []
    for n, sheet in enumerate(sheets):
        if n:
            story.append(PageBreak())
        story += _story(sheet, font)
    if not story:
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.platypus import Paragraph

        story.append(Paragraph("No sessions this week.", ParagraphStyle("b", fontName=font)))

    def page(canvas: Any, document: Any) -> None:
        _marking(canvas, document, font)

    doc.build(story, onFirstPage=page, onLaterPages=page)
    return out.getvalue()
