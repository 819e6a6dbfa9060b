"""The detail panel of one case: sentence, risk, tier and allocation history."""

from __future__ import annotations

import html
from collections.abc import Iterable
from html import escape

from PySide6.QtWidgets import QTextBrowser

from app.domain.codes import ReallocationReason
from app.services.caseload.detail import AllocationView, CaseDetail, EventView, TierView
from app.ui.formatting import (
    fmt_date,
    grade_short,
    html_table,
    requirements_label,
    rosh_label,
    sentence_label,
)
from app.ui.unpaid_work.summary_html import person_html


class CaseDetailPanel(QTextBrowser):
    """Read-only; shows the last case chosen in the table."""

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName(self.tr("Case detail"))
        self.setOpenExternalLinks(False)
        self.person_id: int | None = None
        self.clear_case()

    def clear_case(self) -> None:
        self.person_id = None
        self.setHtml(f"<p><i>{escape(self.tr('Choose a case to see its detail.'))}</i></p>")

    def show_case(self, d: CaseDetail) -> None:
        self.person_id = d.person_id
        parts = [
            f"<h2>{escape(d.surname.upper())}, {escape(d.forename)} &nbsp; "
            f"<small>{escape(d.crn)}</small></h2>",
            _para(
                f"Born {fmt_date(d.date_of_birth) or 'unknown'}"
                + (" · asked for a female practitioner" if d.female_practitioner_requested else "")
                + (f" · case ended {fmt_date(d.ended_on)}" if d.ended_on else "")
            ),
            "<h3>Risk</h3>",
            _para(
                f"RoSH {rosh_label(d.rosh)} · RSR {_num(d.rsr_percent, '%')} · "
                f"OGRS {_num(d.ogrs_percent, '%')} · MAPPA {d.mappa_level or 'none'}"
            ),
            _para(_assessment_line(d)),
            "<h3>Sentences</h3>",
            _items(_sentence_line(e) for e in d.events),
            "<h3>Tier history</h3>",
            html_table(
                ["Tier", "From", "Protect", "Change", "How"],
                [
                    [
                        t.tier or "Untiered",
                        fmt_date(t.effective_date),
                        _num(t.protect_points),
                        _num(t.change_points),
                        _how(t),
                    ]
                    for t in d.tiers
                ],
            ),
        ]
        if d.tiers and d.tiers[0].explanation:
            imported = d.tiers[0].source == "imported"
            about = (
                self.tr("About the current tier:")
                if imported
                else self.tr("Points behind the current tier:")
            )
            parts.append(f"<p>{escape(about)}</p>")
            parts.append(_items(d.tiers[0].explanation.splitlines()))
        parts.append("<h3>Allocation history</h3>")
        parts.append(
            _items(_allocation_line(a) for a in d.allocations)
            if d.allocations
            else _para("Not allocated yet")
        )
        if d.unpaid_work is not None:
            parts.append("<h3>Unpaid work</h3>")
            parts.append(person_html(d.unpaid_work))
        if d.victim_contact:
            vlo = (
                f": VLO {html.escape(d.victim_liaison_officer)}" if d.victim_liaison_officer else ""
            )
            parts.append(f"<p><b>Victim Contact Scheme case</b>{vlo}</p>")
        self.setHtml("".join(parts))


def _para(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _items(lines: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"


def _sentence_line(e: EventView) -> str:
    """One sentence in a line: narrow panels wrap text better than tables."""
    parts = [f"{sentence_label(e.sentence_type)}, sentenced {fmt_date(e.sentence_date)}"]
    if e.release_date:
        parts.append(f"released {fmt_date(e.release_date)}")
    ends = e.ended_on or e.end_date
    if ends:
        parts.append(f"{'ended' if e.ended_on else 'ends'} {fmt_date(ends)}")
    line = ", ".join(parts)
    if e.requirements:
        line += f" · {requirements_label(e.requirements)}"
    upw = _upw(e.upw_hours_ordered, e.upw_hours_completed)
    return f"{line} · unpaid work {upw} hours" if upw else line


def _allocation_line(a: AllocationView) -> str:
    line = (
        f"{a.practitioner} ({grade_short(a.grade)}), {fmt_date(a.start_date)} to "
        f"{fmt_date(a.end_date) or 'now'}"
    )
    if a.allocated_by:
        line += f", by {a.allocated_by}"
    notes = [
        ReallocationReason(a.reason).label if a.reason in _REASONS else a.reason or "",
        a.note,
        f"outside policy: {a.policy_reason}" if a.outside_policy else "",
    ]
    extra = "; ".join(n for n in notes if n)
    return f"{line} — {extra}" if extra else line


_REASONS = {r.value for r in ReallocationReason}


def _num(value: float | int | None, suffix: str = "") -> str:
    return "–" if value is None else f"{value:g}{suffix}"


def _how(t: TierView) -> str:
    """Where a tier came from, and why 0 change points can still be level 2 (DOMAIN.md 3a)."""
    if t.source == "imported":
        return "from the extract"
    level = t.tier[1:2] if t.tier else ""
    if t.change_points == 0 and level == "2":
        return "computed; change level 2 by default: no full needs assessment counts yet"
    if t.change_points == 0 and level == "0":
        return "computed; change level 0: no mandate for change"
    return t.source


def _assessment_line(d: CaseDetail) -> str:
    """Which assessment a date belongs to: a risk (RoSH) review is not a full needs assessment."""
    risk = (
        f"Risk last assessed {fmt_date(d.assessment_date)}"
        if d.assessment_date
        else ("No risk assessment recorded")
    )
    if d.full_assessment_valid_until is None:
        return f"{risk} · no full needs assessment (layer 3) counts for the tier"
    return (
        f"{risk} · full needs assessment (layer 3) counts for the tier until "
        f"{fmt_date(d.full_assessment_valid_until)}"
    )


def _upw(ordered: float | None, done: float | None) -> str:
    if not ordered:
        return ""
    return f"{done or 0:g} of {ordered:g}"
