"""How values are shown: dd/mm/yyyy dates, labels for codes, British English."""

from __future__ import annotations

from datetime import date
from html import escape

from app.domain.codes import ROSH_NOT_ASSESSED_LABEL, Grade, Requirement, Rosh, SentenceType


def fmt_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def rosh_label(code: str | None) -> str:
    return Rosh(code).label if code else ROSH_NOT_ASSESSED_LABEL


def sentence_label(code: str | None) -> str:
    return SentenceType(code).label if code else ""


def sentence_short(code: str | None) -> str:
    return SentenceType(code).short if code else ""


def count_label(n: int, word: str) -> str:
    """ "1 case", "1,500 cases": British English, thousands separated."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def grade_label(code: str | None) -> str:
    return Grade(code).label if code else ""


def grade_short(code: str | None) -> str:
    return Grade(code).short if code else ""


def requirements_label(codes: str) -> str:
    """``UPW;RAR`` as "Unpaid work, Rehabilitation activity"."""
    return ", ".join(Requirement(c).label for c in codes.split(";") if c)


def html_table(headers: list[str], rows: list[list[str]]) -> str:
    """A small HTML table for detail panels; every cell is escaped.

    Cells do not wrap, but for the last column, which takes free text.
    """

    def cells(tag: str, values: list[str]) -> str:
        last = len(values) - 1
        return "".join(
            f"<{tag} align='left'{'' if i == last else ' nowrap'}>{escape(v)}</{tag}>"
            for i, v in enumerate(values)
        )

    head = cells("th", headers)
    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    return f"<table cellspacing='0' cellpadding='3' border='1'><tr>{head}</tr>{body}</table>"
