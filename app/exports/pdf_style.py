"""The PDF's fonts, text styles and colours: DejaVu Sans embedded, so "Ł" and "ń" print.

reportlab's built-in Helvetica has no glyph for many letters of names on a
caseload (STYLE.md, known traps); the two DejaVu Sans faces shipped in
``resources/fonts/`` (licence beside them) are embedded, as subsets, in
every PDF.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import as_file, files
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {FONT: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

INK = colors.HexColor("#1A1A1A")
RULE = colors.HexColor("#B0B7BF")
HEADER_FILL = colors.HexColor("#1F4E79")
STRIPE = colors.HexColor("#EEF2F6")
MARKING = colors.HexColor("#C00000")
SERIES = tuple(
    colors.HexColor(h)
    for h in ("#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2")
)
"""Series colours, told apart by people with the common colour-vision deficiencies."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@cache
def register_fonts() -> None:
    """Register the embedded faces once per process (reportlab keeps a global registry)."""
    folder = files("app.resources").joinpath("fonts")
    for name, filename in _FILES.items():
        with as_file(folder.joinpath(filename)) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def markup(text: str) -> str:
    """Plain text as paragraph markup: escaped, control characters gone, line breaks kept."""
    return escape(plain(text)).replace("\n", "<br/>")


def plain(text: str) -> str:
    """Text as a table cell or the canvas prints it.

    No control characters, tabs as spaces, line ends as ``\n``, no blank edges.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text).strip()


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The named paragraph styles of every PDF."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5, textColor=INK)
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=22, leading=27, spaceAfter=8
        ),
        "marking": ParagraphStyle(
            "marking", parent=body, fontName=BOLD, fontSize=12, textColor=MARKING, spaceAfter=18
        ),
        "h1": ParagraphStyle(
            "h1", parent=body, fontName=BOLD, fontSize=16, leading=20, spaceAfter=6, keepWithNext=1
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "note": ParagraphStyle("note", parent=body, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "cell_right": ParagraphStyle(
            "cell_right", parent=body, fontSize=8, leading=10, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle(
            "head", parent=body, fontName=BOLD, fontSize=8, leading=10, textColor=colors.white
        ),
        "head_right": ParagraphStyle(
            "head_right",
            parent=body,
            fontName=BOLD,
            fontSize=8,
            leading=10,
            textColor=colors.white,
            alignment=TA_RIGHT,
        ),
        "centre": ParagraphStyle("centre", parent=body, alignment=TA_CENTER),
    }
