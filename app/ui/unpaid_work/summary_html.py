"""A person's unpaid work summary as HTML: the person view and the caseload's detail panel."""

from __future__ import annotations

from html import escape

from app.domain.unpaid_work import hours
from app.services.unpaid_work.summary import PersonUpw, RequirementSummary
from app.ui.formatting import fmt_date, html_table


def fmt_hours(minutes: int) -> str:
    """Minutes as hours and minutes: 450 -> "7 h 30 min", 420 -> "7 h"."""
    h, m = divmod(max(0, minutes), 60)
    return f"{h} h {m} min" if m else f"{h} h"


_STATE_COLOURS = {"OVERDUE": "#b00020", "MISSED": "#b00020", "LATE": "#a15c00", "DUE": "#2e6f9e"}


def requirement_html(r: RequirementSummary, *, history: bool = True) -> str:
    h = r.hours
    lines = [
        f"Sentenced {fmt_date(r.sentence_date)}"
        + (" · intensive working" if r.intensive else "")
        + (" · consents to all-male groups" if r.all_male_group_consent else ""),
        f"Hours ordered {fmt_hours(h.ordered_minutes)} · worked {fmt_hours(h.worked_minutes)}"
        f" · left {fmt_hours(h.remaining_minutes)}",
        f"ETE used {fmt_hours(h.ete_used_minutes)} of {fmt_hours(h.ete_allowance_minutes)} "
        f"({r.ete_share_percent:g}% allowance) · ETE left {fmt_hours(h.ete_left_minutes)}",
        f"Travel credited {fmt_hours(h.travel_credited_minutes)}",
        f"Complete by {fmt_date(r.completion_date)}"
        + (f" (extended by the court to {fmt_date(r.extended_to)})" if r.extended_to else ""),
    ]
    if r.completed_on:
        lines.append(f"Completed {fmt_date(r.completed_on)}")
    if r.terminated_on:
        lines.append(f"Terminated {fmt_date(r.terminated_on)}")
    parts = ["<p>" + "<br>".join(escape(line) for line in lines) + "</p>"]
    if r.at_risk:
        parts.append(
            "<p style='color:#b00020'><b>At risk</b>: the hours left cannot be worked by "
            f"{escape(fmt_date(r.completion_date))} at the weekly rate.</p>"
        )
    rows = []
    for m in r.milestones:
        colour = _STATE_COLOURS.get(m.state)
        state = escape(m.state_label)
        if colour:
            state = f"<span style='color:{colour}'>{state}</span>"
        rows.append([escape(m.label), fmt_date(m.due), fmt_date(m.done_on), state])
    parts.append(_raw_table(["Deadline", "Due", "Done", "State"], rows))
    if history and r.history:
        parts.append("<h4>Sessions</h4>")
        parts.append(
            html_table(
                ["Date", "Project", "Outcome", "Credited", "Stood down"],
                [
                    [
                        fmt_date(x.day),
                        x.project,
                        x.outcome_label,
                        fmt_hours(x.work_minutes + x.travel_minutes) if x.outcome else "",
                        x.stood_down,
                    ]
                    for x in r.history
                ],
            )
        )
    return "".join(parts)


def _raw_table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table cellspacing='0' cellpadding='3'><tr>{head}</tr>{body}</table>"


def person_html(found: PersonUpw, *, history: bool = True) -> str:
    """Every requirement of the person, the running one first."""
    if not found.requirements:
        return "<p><i>No unpaid work requirement.</i></p>"
    ordered = sorted(found.requirements, key=lambda r: (not r.running, r.sentence_date))
    parts = []
    for r in ordered:
        if len(ordered) > 1:
            parts.append(f"<h4>Requirement of {escape(fmt_date(r.sentence_date))}</h4>")
        parts.append(requirement_html(r, history=history))
    return "".join(parts)


def short_hours(minutes: int) -> str:
    return f"{hours(minutes):g}"
