"""The detail panel of one case: sentence, risk, tier and allocation history."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser

from app.services.case_detail import CaseDetail
from app.ui.formatting import (
    fmt_date,
    grade_short,
    html_table,
    requirements_label,
    rosh_label,
    sentence_label,
)


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
            "<p>"
            + escape(
                f"Born {fmt_date(d.date_of_birth) or 'unknown'}"
                + (" · asked for a female practitioner" if d.female_practitioner_requested else "")
                + (f" · case ended {fmt_date(d.ended_on)}" if d.ended_on else "")
            )
            + "</p>",
            "<h3>Risk</h3><p>"
            + escape(
                f"RoSH {rosh_label(d.rosh)} · RSR {_num(d.rsr_percent)} · "
                f"OGRS {_num(d.ogrs_percent)} · MAPPA {d.mappa_level or 'none'} · "
                f"assessed {fmt_date(d.assessment_date) or 'never'}"
            )
            + "</p>",
            "<h3>Sentences</h3>",
            html_table(
                ["Type", "Sentenced", "Released", "Ends", "UPW hours", "Requirements"],
                [
                    [
                        sentence_label(e.sentence_type),
                        fmt_date(e.sentence_date),
                        fmt_date(e.release_date),
                        fmt_date(e.ended_on or e.end_date),
                        _upw(e.upw_hours_ordered, e.upw_hours_completed),
                        requirements_label(e.requirements),
                    ]
                    for e in d.events
                ],
            ),
            "<h3>Tier history</h3>",
            html_table(
                ["Tier", "From", "Protect pts", "Change pts", "How"],
                [
                    [
                        t.tier or "Untiered",
                        fmt_date(t.effective_date),
                        _num(t.protect_points),
                        _num(t.change_points),
                        t.source,
                    ]
                    for t in d.tiers
                ],
            ),
        ]
        if d.tiers and d.tiers[0].explanation:
            lines = "".join(f"<li>{escape(x)}</li>" for x in d.tiers[0].explanation.splitlines())
            parts.append(f"<p>Points behind the current tier:</p><ul>{lines}</ul>")
        parts += [
            "<h3>Allocation history</h3>",
            html_table(
                ["Practitioner", "From", "To", "By", "Reason / note"],
                [
                    [
                        f"{a.practitioner} ({grade_short(a.grade)})",
                        fmt_date(a.start_date),
                        fmt_date(a.end_date) or "now",
                        a.allocated_by,
                        "; ".join(
                            x
                            for x in (
                                a.reason or "",
                                a.note,
                                f"outside policy: {a.policy_reason}" if a.outside_policy else "",
                            )
                            if x
                        ),
                    ]
                    for a in d.allocations
                ]
                or [["Not allocated yet", "", "", "", ""]],
            ),
        ]
        if d.victim_contact:
            parts.append("<p><b>Victim contact scheme case</b></p>")
        self.setHtml("".join(parts))


def _num(value: float | int | None) -> str:
    return "–" if value is None else f"{value:g}"


def _upw(ordered: float | None, done: float | None) -> str:
    if not ordered:
        return ""
    return f"{done or 0:g} of {ordered:g}"
