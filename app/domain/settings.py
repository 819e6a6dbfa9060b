"""Every policy number the app uses, declared once with its default and source.

Business settings live in the database (audited, per PDU where it matters,
each with an effective date); the settings screen and validation are built
from these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.domain.workload import (
    DEFAULT_GRADE_TARGETS,
    DEFAULT_POINTS,
    DEFAULT_REDUCTION_SHARES,
    DEFAULT_SETTINGS,
)


@dataclass(frozen=True)
class SettingSpec:
    key: str
    kind: type
    default: Any
    label: str
    source: str
    minimum: float | None = None
    maximum: float | None = None

    def validate(self, value: Any) -> Any:
        """The value in its declared type, or ValueError with a message for the user."""
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{self.label} must be yes or no")
            return value
        if self.kind in (int, float):
            try:
                number = self.kind(value)
            except (TypeError, ValueError):
                raise ValueError(f"{self.label} must be a number, not {value!r}") from None
            if self.minimum is not None and number < self.minimum:
                raise ValueError(f"{self.label} must be at least {self.minimum:g}")
            if self.maximum is not None and number > self.maximum:
                raise ValueError(f"{self.label} must be at most {self.maximum:g}")
            return number
        if self.kind is dict:
            if not isinstance(value, dict) or not all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value.values()
            ):
                raise ValueError(f"{self.label} must map names to whole numbers, none negative")
            missing = set(self.default) - set(value)
            if missing:
                raise ValueError(f"{self.label} has no value for {sorted(missing)[0]}")
            unknown = set(value) - set(self.default)
            if unknown:
                raise ValueError(f"{self.label} has no place for {sorted(unknown)[0]!r}")
            return {str(k): int(v) for k, v in value.items()}
        if self.kind is list:
            if not isinstance(value, list):
                raise ValueError(f"{self.label} must be a list")
            if self.key == "extra_bank_holidays":
                return [_iso_date(self.label, item) for item in value]
            return value
        return str(value)


def _iso_date(label: str, item: object) -> str:
    try:
        return date.fromisoformat(str(item)).isoformat()
    except ValueError:
        raise ValueError(f"{label}: {item!r} is not a date in the form YYYY-MM-DD") from None


def points_key(kind: str, protect: str, change: int) -> str:
    """The key of one cell of the workload points table, e.g. ``community:B:2``."""
    return f"{kind}:{protect}:{change}"


_DEFAULT_POINTS = {points_key(*key): points for key, points in DEFAULT_POINTS.items()}
_DEFAULT_TARGETS = {grade.value: target for grade, target in DEFAULT_GRADE_TARGETS.items()}
_DEFAULT_SHARES = {
    reason.value: round(share * 100) for reason, share in DEFAULT_REDUCTION_SHARES.items()
}

SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
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
            0,
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
}

SETTINGS_EPOCH = date(2000, 1, 1)


def default(key: str) -> Any:
    return SETTINGS[key].default
