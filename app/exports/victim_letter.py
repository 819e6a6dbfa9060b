"""A letter to a victim as a PDF: A4, the protective marking, the address, the text.

This is the only file PDU Manager makes that carries a victim's name and
address (issue 19); the service that calls it checks that a VLO asked for
it and audits it. Figures in, bytes out: no store, no clock (the date comes
as text).
"""

from __future__ import annotations

from io import BytesIO

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from app.exports.pdf_style import BOLD, FONT, INK, MARKING, markup, register_fonts

PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"


def letter_pdf(address: list[str], dated: str, body: str, title: str) -> bytes:
    """The letter: marking at the head and foot of the page, address, date, the body text."""
    register_fonts()
    rl_config.invariant = 1
    out = BytesIO()
    text = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=15, textColor=INK)
    mark = ParagraphStyle("mark", fontName=BOLD, fontSize=10, textColor=MARKING, alignment=1)

    def marking(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(BOLD, 10)
        canvas.setFillColor(MARKING)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, PROTECTIVE_MARKING)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, PROTECTIVE_MARKING)
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=title,
        author="PDU Manager",
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=22 * mm,
    )
    story = [Paragraph(PROTECTIVE_MARKING, mark), Spacer(1, 8 * mm)]
    story.append(Paragraph(markup("\n".join(address)), text))
    story += [Spacer(1, 8 * mm), Paragraph(markup(dated), text), Spacer(1, 8 * mm)]
    for para in body.replace("\r\n", "\n").split("\n\n"):
        story += [Paragraph(markup(para.strip()), text), Spacer(1, 4 * mm)]
    doc.build(story, onFirstPage=marking, onLaterPages=marking)
    return out.getvalue()
