"""How values are shown: dd/mm/yyyy dates, labels for codes, British English."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any, Literal

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QTreeWidgetItem

from app.domain.codes import ROSH_NOT_ASSESSED_LABEL, Grade, Requirement, Rosh, SentenceType
from app.domain.workload import DEFAULT_SETTINGS, CapacityBand, WorkloadSettings, capacity_band


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


# --- sources kept out of user text ---------------------------------------------------

_SOURCE_NOTE = re.compile(r"\s*\((?:TOM|SPEC\.md|DOMAIN\.md|STYLE\.md)\b[^)]*\)")


def without_sources(text: str) -> str:
    """Text for the user without references such as "(TOM 777)" or "(DOMAIN.md 2)".

    Services word some messages with the source of the rule; the screens show
    the rule, not where it is written.
    """
    return _SOURCE_NOTE.sub("", text)


# --- capacity: one look everywhere ---------------------------------------------------

ABSENT_TEXT = "Absent"
ABSENT_TIP = "No available hours this week"
CAPACITY_RED = "#b00020"
CAPACITY_GREY = "#6b6b6b"
CapacityState = Literal["absent", "ok", "over", "flagged"]


@dataclass(frozen=True)
class CapacityLook:
    """How a capacity percentage is shown, the same on every screen (DOMAIN.md 4a).

    Red above the over-capacity limit (100% by default); red, bold and
    "(flagged)" above the flagged limit (110%); "Absent" in grey with no
    available hours.
    """

    state: CapacityState
    text: str
    tooltip: str

    @property
    def foreground(self) -> QBrush | None:
        if self.state == "absent":
            return QBrush(QColor(CAPACITY_GREY))
        if self.state in ("over", "flagged"):
            return QBrush(QColor(CAPACITY_RED))
        return None

    @property
    def bold(self) -> bool:
        return self.state == "flagged"

    def font(self, base: QFont | None = None) -> QFont | None:
        """A bold copy of ``base`` when flagged; None otherwise."""
        if not self.bold:
            return None
        font = QFont(base) if base is not None else QFont()
        font.setBold(True)
        return font

    def role(self, role: int) -> Any:
        """What a table model returns for ``role`` in a capacity cell (None: the default)."""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.text
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground
        if role == Qt.ItemDataRole.FontRole:
            return self.font()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip or None
        return None

    def apply(self, item: QTreeWidgetItem, column: int) -> None:
        """Show the look in one column of a tree item."""
        item.setText(column, self.text)
        brush = self.foreground
        if brush is not None:
            item.setForeground(column, brush)
        font = self.font(item.font(column))
        if font is not None:
            item.setFont(column, font)
        if self.tooltip:
            item.setToolTip(column, self.tooltip)


def capacity_look(
    percent: float | None,
    settings: WorkloadSettings = DEFAULT_SETTINGS,
    band: CapacityBand | None = None,
) -> CapacityLook:
    """The look of a capacity: "86%", "105%" (red), "118% (flagged)" (red, bold), "Absent".

    ``band``, when the service worked it out with the settings in force, is
    used as it is; otherwise the limits come from ``settings``.
    """
    if percent is None:
        return CapacityLook("absent", ABSENT_TEXT, ABSENT_TIP)
    state: CapacityBand = band or capacity_band(percent, settings)
    text = f"{percent:.0f}%"
    if state == "flagged":
        tip = f"Flagged: over {settings.flagged_capacity_percent:g}% capacity"
        return CapacityLook("flagged", f"{text} (flagged)", tip)
    if state == "over":
        return CapacityLook("over", text, f"Over {settings.over_capacity_percent:g}% capacity")
    return CapacityLook("ok", text, "")


def capacity_rule(settings: WorkloadSettings = DEFAULT_SETTINGS) -> str:
    """The colour rule in words, for column tooltips."""
    return (
        f'Red above {settings.over_capacity_percent:g}%; red, bold and "(flagged)" above '
        f"{settings.flagged_capacity_percent:g}%; Absent: no available hours this week"
    )


def mean_capacity(percents: Iterable[float | None]) -> float | None:
    """The mean of the capacities given, leaving out the absent (None); None if all are."""
    known = [p for p in percents if p is not None]
    return sum(known) / len(known) if known else None
