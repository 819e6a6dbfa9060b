"""Workload rules at their edges: shares, caps and the settings they follow (DOMAIN.md 4a)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.codes import Grade
from app.domain.workload import (
    PractitionerLoad,
    Reduction,
    ReductionReason,
    WorkloadInputError,
    WorkloadSettings,
    available_points,
    capacity_percent,
    default_reduction_hours,
    newly_qualified_reduction,
    pqip_reductions,
    reduction_hours_on,
)

DAY = date(2026, 11, 25)


def test_a_reason_without_a_share_gives_a_band_of_no_hours() -> None:
    no_pqip = WorkloadSettings(reduction_shares={ReductionReason.SICKNESS: 1.0})
    bands = pqip_reductions(date(2026, 1, 1), 37, no_pqip)
    assert [b.hours_per_week for b in bands] == [0.0, 0.0, 0.0]
    assert newly_qualified_reduction(date(2026, 1, 1), 37, no_pqip).hours_per_week == 0.0
    assert default_reduction_hours(no_pqip, ReductionReason.PQIP_MONTHS_0_6, 37) is None


def test_shared_hours_are_rounded_to_two_decimals() -> None:
    odd = WorkloadSettings(
        reduction_shares={ReductionReason.NEWLY_QUALIFIED_PO: 0.123, ReductionReason.OTHER: 0.333}
    )
    assert newly_qualified_reduction(DAY, 37, odd).hours_per_week == 4.55  # 4.551
    assert default_reduction_hours(odd, ReductionReason.OTHER, 37) == 12.32  # 12.321


@pytest.mark.parametrize(("contracted", "capped"), [(0, 0.0), (0.5, 0.5), (-3, 0.0), (37, 8.0)])
def test_reduction_hours_are_capped_at_the_contracted_hours(
    contracted: float, capped: float
) -> None:
    reductions = [Reduction(DAY, None, 8, ReductionReason.OTHER)]
    assert reduction_hours_on(reductions, contracted, DAY) == capped


def test_grade_settings_do_not_leak_between_grades() -> None:
    settings = WorkloadSettings(grade_targets={Grade.PO: 100})
    assert dict(settings.grade_targets) == {Grade.PO: 100}


@pytest.mark.parametrize(
    "field", ["points_held", "cases", "high_cases", "medium_low_cases", "not_assessed_cases"]
)
def test_no_count_of_a_load_can_be_negative(field: str) -> None:
    counts = {"points_held": 0, "available": 0.0, "cases": 0, field: -1}
    with pytest.raises(WorkloadInputError) as error:
        PractitionerLoad(**counts)  # type: ignore[arg-type]
    assert str(error.value) == "A practitioner's load cannot be negative"


def test_available_points_cannot_be_negative() -> None:
    with pytest.raises(WorkloadInputError, match="load cannot be negative"):
        PractitionerLoad(points_held=0, available=-0.5, cases=0)
    assert PractitionerLoad(points_held=0, available=0.0, cases=0).capacity_percent is None


def test_negative_hours_are_refused_naming_them() -> None:
    with pytest.raises(WorkloadInputError) as error:
        available_points(WorkloadSettings(), Grade.PO, 37, -1.5)
    assert str(error.value) == "Hours cannot be negative: 37, -1.5"


@pytest.mark.parametrize(
    ("held", "available", "percent"),
    [(1, 0.5, 200.0), (1, 1.0, 100.0), (3, 0.0, None), (3, -1, None)],
)
def test_capacity_percent_of_even_a_small_availability(
    held: float, available: float, percent: float | None
) -> None:
    assert capacity_percent(held, available) == percent
