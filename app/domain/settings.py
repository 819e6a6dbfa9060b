"""Every policy number the app uses, declared once with its default and source.

Business settings live in the database (audited, per PDU where it matters,
each with an effective date); the settings screen and validation are built
from these declarations.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.domain.allocation_weights import ALLOCATION_WEIGHT_SETTINGS
from app.domain.availability import AVAILABILITY_SETTINGS
from app.domain.setting_spec import SettingSpec
from app.domain.signin import SIGNIN_SETTINGS
from app.domain.unpaid_work import UNPAID_WORK_SETTINGS
from app.domain.victims import VICTIM_SETTINGS
from app.domain.victims_retention import RETENTION_SETTINGS
from app.domain.workload import (
    DEFAULT_GRADE_TARGETS,
    DEFAULT_POINTS,
    DEFAULT_REDUCTION_SHARES,
    DEFAULT_SETTINGS,
)


def points_key(kind: str, protect: str, change: int) -> str:
    """The key of one cell of the workload points table, e.g. ``community:B:2``."""
    return f"{kind}:{protect}:{change}"


_DEFAULT_POINTS = {points_key(*key): points for key, points in DEFAULT_POINTS.items()}
_DEFAULT_TARGETS = {grade.value: target for grade, target in DEFAULT_GRADE_TARGETS.items()}
_DEFAULT_SHARES = {
    reason.value: round(share * 100) for reason, share in DEFAULT_REDUCTION_SHARES.items()
}

WEEKDAYS = (
    ("MON", "Monday"),
    ("TUE", "Tuesday"),
    ("WED", "Wednesday"),
    ("THU", "Thursday"),
    ("FRI", "Friday"),
    ("SAT", "Saturday"),
    ("SUN", "Sunday"),
)
"""The days a week may end on, stored as their three-letter codes."""

CORE_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "allocation_working_days",
        int,
        5,
        "Working days to allocate a new case",
        "Target Operating Model (2021), allocation within 5 working days",
        1,
        30,
    ),
    SettingSpec(
        "po_mix_min_cases",
        int,
        5,
        "Cases a PO holds before a mix of high and medium/low is expected",
        "Target Operating Model (2021), combined caseloads",
        1,
        100,
    ),
    SettingSpec(
        "assessment_valid_weeks",
        int,
        55,
        "Weeks a full assessment stays valid for tiering",
        "HMPPS tier service: a full assessment counts for 55 weeks",
        1,
        260,
    ),
    SettingSpec(
        "foreign_travel_restrictive",
        bool,
        True,
        "Foreign travel prohibition counts as a restrictive requirement",
        "PDU Manager: curfew, exclusion, monitoring and similar are restrictive",
    ),
    SettingSpec(
        "extra_bank_holidays",
        list,
        [],
        "One-off bank holidays announced after this version was released",
        "Announced by the government as they come",
    ),
    SettingSpec(
        "week_end_day",
        str,
        "FRI",
        "Last day of the weekly return's week",
        "PDU Manager: weeks run Saturday to Friday by default",
        choices=WEEKDAYS,
    ),
    SettingSpec(
        "workload_points",
        dict,
        _DEFAULT_POINTS,
        "Workload points per case held, by case type and tier",
        "HMPPS workload service seed values (2021)",
    ),
    SettingSpec(
        "grade_target_points",
        dict,
        _DEFAULT_TARGETS,
        "Points a full-time practitioner of each grade can hold",
        "HMPPS workload service (2021)",
    ),
    SettingSpec(
        "reduction_share_percent",
        dict,
        _DEFAULT_SHARES,
        "Share of contracted hours each reduction reason takes by default (%)",
        "HMPPS workload service (2021)",
        maximum=100,
    ),
    SettingSpec(
        "unsupervised_points",
        int,
        DEFAULT_SETTINGS.unsupervised_points,
        "Workload points of a case in the unsupervised part of a licence",
        "HMPPS workload service (2021)",
        0,
        1000,
    ),
    SettingSpec(
        "untiered_points",
        int,
        DEFAULT_SETTINGS.untiered_points,
        "Workload points of an untiered case",
        "HMPPS workload service (2021)",
        0,
        1000,
    ),
    SettingSpec(
        "newly_qualified_months",
        int,
        DEFAULT_SETTINGS.newly_qualified_months,
        "Months a newly qualified PO's reduction lasts",
        "HMPPS workload service (2021)",
        1,
        36,
    ),
    SettingSpec(
        "grade_default_hours",
        float,
        DEFAULT_SETTINGS.default_hours,
        "Contracted hours the grade targets are for",
        "HMPPS workload service (2021)",
        1,
        60,
    ),
    SettingSpec(
        "capacity_over_percent",
        float,
        DEFAULT_SETTINGS.over_capacity_percent,
        "Capacity shown red above",
        "HMPPS workload service (2021)",
        1,
        1000,
    ),
    SettingSpec(
        "capacity_flag_percent",
        float,
        DEFAULT_SETTINGS.flagged_capacity_percent,
        "Capacity flagged above",
        "HMPPS workload service (2021)",
        1,
        1000,
    ),
    SettingSpec(
        "ete_share_percent",
        float,
        20.0,
        "Share of unpaid work hours that may be ETE (30 in London)",
        "Target Operating Model (20%); London Reducing Reoffending Plan (30%)",
        0,
        100,
    ),
)


def _catalogue(*groups: tuple[SettingSpec, ...]) -> dict[str, SettingSpec]:
    """One catalogue from each feature's declarations; a key declared twice is a bug."""
    catalogue: dict[str, SettingSpec] = {}
    for group in groups:
        for spec in group:
            if spec.key in catalogue:
                raise ValueError(f"setting {spec.key!r} is declared twice")
            catalogue[spec.key] = spec
    return catalogue


# Each feature adds its own tuple here (unpaid work, victims, returns, sign-in...).
SETTINGS: dict[str, SettingSpec] = _catalogue(
    CORE_SETTINGS,
    UNPAID_WORK_SETTINGS,
    VICTIM_SETTINGS,
    AVAILABILITY_SETTINGS,
    ALLOCATION_WEIGHT_SETTINGS,
    SIGNIN_SETTINGS,
    RETENTION_SETTINGS,
)

SETTINGS_EPOCH = date(2000, 1, 1)


def default(key: str) -> Any:
    return SETTINGS[key].default
