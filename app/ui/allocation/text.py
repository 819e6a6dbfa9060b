"""How the allocation desk words things: clocks, mixes, risk and drill-down (SPEC.md 4.3)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from app.domain.allocation import AppointmentClock, RankedCandidate
from app.domain.calendar import DeadlineStatus
from app.services.allocation.queue import CaseBrief, RiskSummary
from app.services.allocation.views import CaseDate, Drilldown
from app.ui.formatting import (
    ABSENT_TEXT,
    ABSENT_TIP,
    fmt_date,
    grade_short,
    html_table,
    rosh_label,
    sentence_label,
    without_sources,
)


def _days(n: int) -> str:
    return f"{n} working day" + ("" if n == 1 else "s")


def clock_text(clock: DeadlineStatus) -> str:
    """ "Due 27/11/2026 (2 working days left)", "Due today", "Overdue by 1 working day"."""
    if clock.state == "overdue":
        return f"Overdue by {_days(-clock.days_left)} ({fmt_date(clock.deadline)})"
    if clock.state == "due_today":
        return f"Due today ({fmt_date(clock.deadline)})"
    return f"Due {fmt_date(clock.deadline)} ({_days(clock.days_left)} left)"


def status_text(clock: DeadlineStatus) -> str:
    """The queue's short status: "2 days overdue", "Due today", "3 days left" (working days)."""
    if clock.state == "overdue":
        n = -clock.days_left
        return f"{n} day" + ("" if n == 1 else "s") + " overdue"
    if clock.state == "due_today":
        return "Due today"
    return f"{clock.days_left} day" + ("" if clock.days_left == 1 else "s") + " left"


BASIS_TEXT = {"sentence": "within a week of sentence", "release": "within 24 hours of release"}
APPOINTMENT_STATES = {"due": "", "due_today": "due today", "overdue": "overdue"}


def appointment_due_text(clock: AppointmentClock) -> str:
    """ "due by 20/11/2026 (within a week of sentence) — overdue"."""
    basis = BASIS_TEXT.get(clock.basis, f"counted from {clock.basis}")
    state = APPOINTMENT_STATES[clock.state]
    return f"due by {fmt_date(clock.due)} ({basis})" + (f" — {state}" if state else "")


def appointment_text(clock: AppointmentClock | None) -> str:
    """ "First appointment due by 20/11/2026 (within a week of sentence) — overdue"."""
    if clock is None:
        return "First appointment: within 24 hours of release (no release date yet)"
    return f"First appointment {appointment_due_text(clock)}"


def capacity_text(now: float | None, after: float | None) -> str:
    """ "86% -> 91%"; "Absent" with no available hours (the same word on every screen)."""
    if after is None:
        return ABSENT_TEXT
    before = ABSENT_TEXT if now is None else f"{now:.0f}%"
    return f"{before} -> {after:.0f}%"


def mix_text(now: tuple[int, int], after: tuple[int, int]) -> str:
    """High and medium/low RoSH cases now and after, e.g. "1/8 -> 2/8" (TOM 817).

    The column header says which number is which: "High / Med-Low RoSH".
    """
    return f"{now[0]}/{now[1]} -> {after[0]}/{after[1]}"


def name_grade(name: str, grade: str | None) -> str:
    return f"{name} ({grade_short(grade)})" if grade else name


def reasons_text(reasons: Iterable[str]) -> str:
    text = without_sources("; ".join(reasons))
    return text[:1].upper() + text[1:]


def _num(value: float | int | None, suffix: str = "") -> str:
    return "–" if value is None else f"{value:g}{suffix}"


def _points(n: int | None) -> str:
    return "– points" if n is None else f"{n} point" + ("" if n == 1 else "s")


NO_VALID_ASSESSMENT = "No valid assessment"
NO_MANDATE = "No mandate for change"


def tier_text(risk: RiskSummary, source: str | None = None, explanation: str = "") -> str:
    """The tier and what lies behind it, in words an SPO reads (DOMAIN.md 3a).

    "Tier B2: protect 20 points, change 14 points"; "Tier D2: protect 0 points;
    no valid full assessment, so change level 2 by default"; "Tier D0: protect
    2 points; no mandate for change, so change level 0"; "Tier C1: imported from
    the extract". ``source`` and ``explanation`` are the tier record's (the case
    detail service); without them the same is read from the points: a change
    level of 2 with no change points only comes without a valid assessment, a
    change level of 0 only without a mandate for change, and an imported tier
    has no points.
    """
    tier = risk.tier
    if not tier:
        return "Untiered"
    if source == "imported" or (source is None and risk.protect_points is None):
        return f"Tier {tier}: imported from the extract"
    if risk.protect_points is None:
        return f"Tier {tier}"
    lines = explanation.splitlines()
    level = tier[1:2]
    protect = f"protect {_points(risk.protect_points)}"
    if lines:
        no_assessment = any(x.startswith(NO_VALID_ASSESSMENT) for x in lines)
        no_mandate = any(x.startswith(NO_MANDATE) for x in lines)
    else:
        no_assessment = level == "2" and not risk.change_points
        no_mandate = level == "0" and not risk.change_points
    if no_mandate:
        return f"Tier {tier}: {protect}; no mandate for change, so change level 0"
    if no_assessment:
        return f"Tier {tier}: {protect}; no valid full assessment, so change level 2 by default"
    return f"Tier {tier}: {protect}, change {_points(risk.change_points)}"


def risk_html(case: CaseBrief, extra: Iterable[str] = (), tier: str | None = None) -> str:
    """The chosen case's header: who, sentence, risk, tier with its points (SPEC.md 4.3).

    ``tier``: the tier line when the tier record is known (see :func:`tier_text`).
    """
    r = case.risk
    lines = [
        f"{sentence_label(case.sentence_type)} · sentenced {fmt_date(case.sentence_date)}"
        + (f" · released {fmt_date(case.release_date)}" if case.release_date else ""),
        f"RoSH {rosh_label(r.rosh)} · RSR {_num(r.rsr_percent, '%')} · "
        f"OGRS {_num(r.ogrs_percent, '%')} · MAPPA {r.mappa_level or 'none'}",
        tier or tier_text(r),
    ]
    if case.holder:
        lines.append(f"Held by {name_grade(case.holder.name, case.holder.grade)}")
    if case.previous:
        lines.append(
            f"Previous practitioner: {name_grade(case.previous.name, case.previous.grade)}"
            f" until {fmt_date(case.previous.until)}"
        )
    if case.female_practitioner_requested:
        lines.append("Asked for a female practitioner")
    lines.extend(without_sources(x) for x in extra)
    body = "<br>".join(escape(x) for x in lines)
    return f"<b>{escape(case.name)}</b> &nbsp; {escape(case.crn)}<br>{body}"


def _dates(rows: tuple[CaseDate, ...], none: str) -> str:
    if not rows:
        return f"<p><i>{escape(none)}</i></p>"
    return html_table(["Date", "CRN", "Name"], [[fmt_date(c.day), c.crn, c.name] for c in rows])


def drilldown_html(d: Drilldown, ranked: RankedCandidate | None = None) -> str:
    """Why ranked here; points available, held and left; reductions; the next 4 weeks."""
    p = d.practitioner
    capacity = (
        f"{ABSENT_TEXT} ({ABSENT_TIP[:1].lower()}{ABSENT_TIP[1:]})"
        if p.capacity_percent is None
        else f"{p.capacity_percent:.0f}%"
    )
    place = " / ".join(x for x in (p.team_name, p.pod_name) if x)
    parts = [
        f"<h3>{escape(name_grade(p.name, p.grade))}</h3>",
        f"<p>{escape(place)}<br>"
        f"Points available {d.points_available:.0f} · held {d.points_held} · "
        f"left {d.points_left:.0f} · capacity {escape(capacity)}<br>"
        f"{p.load.cases} cases: {p.load.high_cases} high, {p.load.medium_low_cases} "
        f"medium/low, {p.load.not_assessed_cases} not assessed</p>",
    ]
    if ranked is not None:
        why = "".join(f"<li>{escape(reasons_text([r]))}</li>" for r in ranked.reasons)
        parts.append(f"<b>Why ranked {ranked.rank}</b><ul>{why}</ul>")
    parts.append(_reductions_html(d))
    parts += [
        "<b>Cases ending in the next 4 weeks</b>",
        _dates(d.cases_ending, "None"),
        "<b>Releases due in the next 4 weeks</b>",
        _dates(d.releases_due, "None"),
    ]
    last = d.last_allocated
    parts.append(
        f"<p>Last case allocated: {escape(f'{last.crn} {last.name} on {fmt_date(last.day)}')}</p>"
        if last
        else "<p>Last case allocated: none</p>"
    )
    return "".join(parts)


def _reductions_html(d: Drilldown) -> str:
    """Reductions not yet ended, and when the hours next change (DOMAIN.md 4a)."""
    out = ["<b>Reductions</b>"]
    if d.reductions:
        out.append(
            html_table(
                ["Reason", "From", "To", "Hours a week", "Status"],
                [
                    [
                        r.reason,
                        fmt_date(r.start),
                        fmt_date(r.end) or "open",
                        f"{r.hours_per_week:g}",
                        r.status,
                    ]
                    for r in d.reductions
                ],
            )
        )
    else:
        out.append("<p><i>None</i></p>")
    if d.next_reduction_change:
        out.append(f"<p>Hours next change on {fmt_date(d.next_reduction_change)}</p>")
    return "".join(out)
