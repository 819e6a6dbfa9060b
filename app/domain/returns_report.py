"""A built return as a document (:mod:`app.domain.report`): what the preview, Excel and PDF show.

One section per part of SPEC.md 7, each with its key figures (labelled for
a reader, never by their JSON keys), its tables and the two charts (the
tier matrix, sessions stood down by reason). Every number comes from the
figures' mapping unchanged, so the workbook, the PDF and the JSON agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.domain.codes import SentenceType
from app.domain.report import (
    BarChart,
    Column,
    CoverField,
    Figure,
    Kind,
    Report,
    Section,
    Table,
)
from app.domain.returns import ROSH_ORDER, Week, rosh_label
from app.domain.tiering import CHANGE_LEVELS, PROTECT_LEVELS
from app.domain.unpaid_work import StandDownReason

N, P, H = Kind.INTEGER, Kind.PERCENTAGE, Kind.HOURS

FIGURE_LABELS: Mapping[str, tuple[tuple[str, str, Kind], ...]] = {
    "caseload": (
        ("active", "Active cases", N),
        ("started", "Cases started in the week", N),
        ("ended", "Cases ended in the week", N),
        ("untiered", "Untiered cases", N),
    ),
    "allocation": (
        ("due_in_week", "Allocation deadlines in the week", N),
        ("allocated_on_time", "Allocated by the deadline", N),
        ("on_time_pct", "Allocated by the deadline (%)", P),
        ("unallocated", "Unallocated at the end of the week", N),
        ("oldest_unallocated_working_days", "Oldest unallocated (working days)", N),
        ("reallocations", "Reallocations in the week", N),
        ("tier_changes", "Tier changes in the week", N),
    ),
    "workload": (
        ("practitioners", "Practitioners in post", N),
        ("cases", "Cases held", N),
        ("workload_points", "Workload points held", N),
        ("mean_capacity_pct", "Mean capacity", P),
        ("max_capacity_pct", "Highest capacity", P),
        ("over_100", "Practitioners over 100%", N),
        ("over_110", "Practitioners over 110%", N),
        ("pso_with_high_rosh", "PSOs holding high RoSH cases", N),
        ("po_without_mix", "POs without a mix", N),
    ),
    "unpaid_work": (
        ("active_requirements", "Active requirements", N),
        ("hours_ordered", "Hours ordered", H),
        ("hours_worked_week", "Hours worked in the week", H),
        ("hours_worked_to_date", "Hours worked to date", H),
        ("ete_hours_week", "ETE hours in the week", H),
        ("ete_share_pct", "ETE share of hours worked in the week", P),
        ("sessions_scheduled", "Sessions scheduled", N),
        ("sessions_held", "Sessions held", N),
        ("sessions_stood_down", "Sessions stood down", N),
        ("sessions_stood_down_on_day", "Sessions stood down on the day", N),
        ("stand_down_rate_pct", "Stand-down rate (sessions stood down / scheduled)", P),
        ("person_hours_offered", "Person-hours offered", H),
        ("person_hours_lost", "Person-hours lost to stand-downs", H),
        ("person_hours_lost_pct", "Hours lost to stand-downs (person-hours lost / offered)", P),
        ("assessed_within_10_pct", "Assessed within 10 working days", P),
        ("started_within_15_pct", "Started within 15 working days", P),
        ("reviews_due", "6- and 9-month reviews due", N),
        ("reviews_overdue", "6- and 9-month reviews overdue", N),
        ("at_risk_12_months", "Requirements at risk of missing 12 months", N),
    ),
    "victims": (
        ("open_cases", "Open Victim Contact Scheme cases", N),
        ("tasks_due", "Tasks due in the week", N),
        ("tasks_completed", "Tasks completed in the week", N),
        ("tasks_overdue", "Tasks overdue", N),
        ("first_offer_on_time_pct", "First offers made within the deadline", P),
        ("releases_next_4_weeks", "Releases due in the next 4 weeks", N),
        ("parole_next_4_weeks", "Parole reviews due in the next 4 weeks", N),
    ),
}
"""Each section's key figures: (JSON key, label, kind), in the order shown."""

SECTION_TITLES = {
    "caseload": "Caseload",
    "allocation": "Allocation",
    "workload": "Workload and balance",
    "unpaid_work": "Unpaid work",
    "victims": "Victim liaison",
}
TIER_MATRIX = "Tier matrix"
STAND_DOWNS = "Sessions stood down by reason"
TEAMS = "Teams and PODs"
WHOLE_TEAM = "Whole team"
TEAM_COLUMNS = (
    ("practitioners", "Practitioners", N),
    ("cases", "Cases", N),
    ("workload_points", "Workload points", N),
    ("mean_capacity_pct", "Mean capacity", P),
    ("max_capacity_pct", "Highest capacity", P),
    ("over_100", "Over 100%", N),
    ("over_110", "Over 110%", N),
)


@dataclass(frozen=True)
class ReturnCover:
    """Who built, exported and signed off a return, and when (local times)."""

    version: int
    built_by: str
    built_at: datetime
    exported_by: str | None = None
    exported_at: datetime | None = None
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None
    rules_version: str = ""


def _figures(section: Mapping[str, Any], key: str) -> list[Figure]:
    return [Figure(label, section[k], kind) for k, label, kind in FIGURE_LABELS[key]]


def caseload_section(c: Mapping[str, Any]) -> Section:
    types = Table.from_mapping(
        "Active cases by sentence type",
        "Sentence type",
        "Cases",
        {t.label: c["by_sentence_type"][t.label] for t in SentenceType},
    )
    columns = [Column("Protect level"), *(Column(str(n), N) for n in sorted(CHANGE_LEVELS))]
    rows = [
        [level, *(c["tiers"][f"{level}{n}"] for n in sorted(CHANGE_LEVELS))]
        for level in PROTECT_LEVELS
    ]
    matrix = Table(
        TIER_MATRIX,
        columns,
        rows,
        note="Active cases by protect level (A-D) and change level (0-3); unsupervised cases "
        "in their base tier, untiered cases beside them.",
    )
    rosh = Table.from_mapping(
        "Active cases by RoSH",
        "RoSH",
        "Cases",
        {rosh_label(r): c["rosh"][rosh_label(r)] for r in ROSH_ORDER},
    )
    return Section(
        SECTION_TITLES["caseload"],
        figures=_figures(c, "caseload"),
        tables=[types, matrix, rosh],
        charts=[BarChart.from_table("Active cases by tier", matrix, value_title="Cases")],
    )


def _team_rows(teams: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    rows = []
    for team in teams:
        rows.append([team["team"], WHOLE_TEAM, *(team[k] for k, _l, _k in TEAM_COLUMNS)])
        rows.extend(
            [team["team"], pod["pod"], *(pod[k] for k, _l, _k in TEAM_COLUMNS)]
            for pod in team["pods"]
        )
    return rows


def workload_section(w: Mapping[str, Any], as_at: date) -> Section:
    columns = [Column("Team"), Column("POD"), *(Column(t, k) for _key, t, k in TEAM_COLUMNS)]
    return Section(
        SECTION_TITLES["workload"],
        note=f"Practitioners (PO, PQiP, PSO) in post on {as_at:%d/%m/%Y}; capacity is workload "
        "points held over the points their available hours allow.",
        figures=_figures(w, "workload"),
        tables=[Table(TEAMS, columns, _team_rows(w["teams"]))],
    )


def unpaid_work_section(u: Mapping[str, Any]) -> Section:
    reasons = Table.from_mapping(
        STAND_DOWNS,
        "Reason",
        "Sessions",
        {r.label: u["stand_downs_by_reason"][r.value] for r in StandDownReason},
    )
    return Section(
        SECTION_TITLES["unpaid_work"],
        note="The stand-down rate counts sessions; the hours lost count person-hours: "
        "two measures, two numbers.",
        figures=_figures(u, "unpaid_work"),
        tables=[reasons],
        charts=[BarChart.from_table(STAND_DOWNS, reasons, value_title="Sessions")],
    )


def _cover(figures: Mapping[str, Any], cover: ReturnCover) -> list[CoverField]:
    week = Week(date.fromisoformat(figures["week_ending"]))
    return [
        CoverField("PDU", f"{figures['pdu_number']}. {figures['pdu']}"),
        CoverField("Week", week.label),
        CoverField("Week ending", week.ending, Kind.DATE),
        CoverField("Version", cover.version, Kind.INTEGER),
        CoverField("Built by", cover.built_by),
        CoverField("Built", cover.built_at, Kind.DATETIME),
        CoverField("Exported by", cover.exported_by),
        CoverField("Exported", cover.exported_at, Kind.DATETIME),
        CoverField("Signed off by", cover.signed_off_by),
        CoverField("Signed off", cover.signed_off_at, Kind.DATETIME),
        CoverField("Rules version", cover.rules_version),
        CoverField("Audit head", figures["audit_head"]),
    ]


def return_title(figures: Mapping[str, Any]) -> str:
    ending = date.fromisoformat(figures["week_ending"])
    return (
        f"Weekly return: {figures['pdu_number']}. {figures['pdu']}, week ending {ending:%d/%m/%Y}"
    )


def return_report(figures: Mapping[str, Any], cover: ReturnCover) -> Report:
    """The return as a document: a cover, then one section per part of SPEC.md 7."""
    as_at = date.fromisoformat(figures["week_ending"])
    sections = [
        caseload_section(figures["caseload"]),
        Section(
            SECTION_TITLES["allocation"], figures=_figures(figures["allocation"], "allocation")
        ),
        workload_section(figures["workload"], as_at),
        unpaid_work_section(figures["unpaid_work"]),
        Section(
            SECTION_TITLES["victims"],
            note="Counts only: no victim details.",
            figures=_figures(figures["victims"], "victims"),
        ),
    ]
    return Report(
        return_title(figures),
        cover=_cover(figures, cover),
        sections=sections,
        author=cover.built_by,
        subject="Weekly return",
    )


_NESTED = {
    "by_sentence_type": "active cases",
    "tiers": "tier",
    "rosh": "RoSH",
}


def figure_label(path: str) -> str:
    """A figure's dotted path as a reader names it: "Allocation: Reallocations in the week"."""
    section, _, rest = path.partition(".")
    title = SECTION_TITLES.get(section, section)
    labels = {k: label for k, label, _kind in FIGURE_LABELS.get(section, ())}
    if rest in labels:
        return f"{title}: {labels[rest]}"
    head, _, tail = rest.partition(".")
    if head in _NESTED:
        return f"{title}: {_NESTED[head]} {tail}"
    if head == "stand_downs_by_reason":
        reason = next((r.label for r in StandDownReason if r.value == tail), tail)
        return f"{title}: sessions stood down, {reason}"
    if rest.startswith("teams["):
        columns = {k: label for k, label, _kind in TEAM_COLUMNS}
        where, _, key = rest.rpartition(".")
        names = [part.split("]")[0] for part in where.split("[")[1:]]
        return f"{title}: {' / '.join(names)}: {columns.get(key, key)}"
    return f"{title}: {rest}" if rest else title


def change_text(path: str, before: object, after: object) -> str:
    """One changed figure as a sentence: "Allocation: Reallocations in the week 1 -> 2"."""

    def shown(value: object) -> str:
        return "none" if value is None else str(value)

    return f"{figure_label(path)} {shown(before)} \u2192 {shown(after)}"
