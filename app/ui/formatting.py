"""How values are shown: dd/mm/yyyy dates, labels for codes, British English."""

from __future__ import annotations

from datetime import date
from html import escape

from app.domain.codes import ROSH_NOT_ASSESSED_LABEL, Grade, Rosh, SentenceType


def fmt_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def rosh_label(code: str | None) -> str:
    return Rosh(code).label if code else ROSH_NOT_ASSESSED_LABEL


def sentence_label(code: str | None) -> str:
    return SentenceType(code).label if code else ""


def grade_label(code: str | None) -> str:
    return Grade(code).label if code else ""


def grade_short(code: str | None) -> str:
    return {"PQIP": "PQiP"}.get(code or "", code or "")


def html_table(headers: list[str], rows: list[list[str]]) -> str:
    """A small HTML table for detail panels; every cell is escaped."""
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table cellspacing='0' cellpadding='3' border='1'><tr>{head}</tr>{body}</table>"
