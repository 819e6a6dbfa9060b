"""A VCS case shown as the VLO reads it: victims, what is coming, the timeline."""

from __future__ import annotations

from html import escape

from app.services.victims.view import CaseView, VictimView
from app.ui.formatting import fmt_date

SEALED_NOTE = "Victims' details are closed: type your password above to open them."


def _victim(v: VictimView) -> str:
    facts = [v.relationship.label, v.status]
    if v.preferred_contact:
        facts.append(f"prefers {v.preferred_contact.lower()}")
    if v.opted_in_date:
        facts.append(f"opted in {fmt_date(v.opted_in_date)}")
    if v.opted_out_date:
        facts.append(f"opted out {fmt_date(v.opted_out_date)}")
    if v.erased:
        return f"<li><i>Details erased after the case closed</i>: {escape(', '.join(facts))}</li>"
    if v.sealed:
        return f"<li><i>Victim (details closed)</i>: {escape(', '.join(facts))}</li>"
    contact = ", ".join(x for x in (v.address, v.postcode, v.phone, v.email) if x)
    lines = [f"<b>{escape(v.name)}</b>: {escape(', '.join(facts))}"]
    if contact:
        lines.append(escape(contact))
    if v.notes:
        lines.append(f"<i>{escape(v.notes)}</i>")
    return "<li>" + "<br>".join(lines) + "</li>"


def case_html(view: CaseView) -> str:
    """The case panel's text; a victim's name appears only when the view holds it."""
    parts = [
        f"<h3>{escape(view.vcs_case_ref)}: {escape(view.person_name)} ({escape(view.crn)})</h3>",
        f"<p>{escape(view.eligibility.label)}; referred {fmt_date(view.referral_date)}; "
        f"VLO: {escape(view.vlo_name or 'none yet')}"
        + (
            f"; security category {escape(view.security_category)}"
            if view.security_category
            else ""
        )
        + (f"; <b>closed {fmt_date(view.closed_on)}</b>" if view.closed_on else "")
        + "</p>",
        "<h4>Victims</h4>",
    ]
    if not view.names_open:
        parts.append(f"<p><i>{escape(SEALED_NOTE)}</i></p>")
    if view.victims:
        parts.append("<ul>" + "".join(_victim(v) for v in view.victims) + "</ul>")
    else:
        parts.append("<p>No victim entered yet.</p>")
    parts.append("<h4>Coming up</h4>")
    if view.upcoming:
        parts.append(
            "<ul>"
            + "".join(f"<li>{fmt_date(u.on)}: {escape(u.what)}</li>" for u in view.upcoming)
            + "</ul>"
        )
    else:
        parts.append("<p>No release, parole review or key stage ahead.</p>")
    parts.append("<h4>Timeline</h4><table cellspacing='4'>")
    for e in view.timeline:
        note = f"<br><i>{escape(e.note)}</i>" if e.note else ""
        parts.append(
            f"<tr><td>{fmt_date(e.on)}</td><td>{escape(e.what)}{note}</td>"
            f"<td>{escape(e.status)}</td></tr>"
        )
    parts.append("</table>")
    return "".join(parts)
