"""Workload settings refuse numbers no PDU can mean (DOMAIN.md 4, 4a)."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.codes import Grade
from app.domain.settings import SETTINGS
from app.domain.workload import (
    DEFAULT_POINTS,
    DEFAULT_REDUCTION_SHARES,
    ReductionReason,
    WorkloadInputError,
    WorkloadSettings,
    available_points,
)

NAN = float("nan")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"default_hours": 0},
            "^The default hours a grade's target points are for must be more than 0 hours, "
            "not 0 hours$",
        ),
        ({"default_hours": -37}, "must be more than 0 hours, not -37 hours"),
        ({"default_hours": NAN}, "must be more than 0 hours, not nan hours"),
        ({"default_hours": float("inf")}, "must be more than 0 hours, not inf hours"),
        ({"over_capacity_percent": 0}, "Capacity shown red above must be more than 0%, not 0%"),
        ({"flagged_capacity_percent": -5}, "Capacity flagged above must be more than 0%"),
        ({"unsupervised_points": -1}, "Workload points of an unsupervised case cannot be negative"),
        ({"untiered_points": -2}, "Workload points of an untiered case cannot be negative: -2"),
        ({"grade_targets": {Grade.PO: -1}}, "The target points of a PO cannot be negative: -1"),
        (
            {"points": {**DEFAULT_POINTS, ("licence", "C", 2): -3}},
            "Workload points of a licence case in tier C2 cannot be negative: -3",
        ),
        (
            {"reduction_shares": {ReductionReason.SICKNESS: 1.5}},
            "Sickness must take from 0% to 100% of contracted hours, not 150%",
        ),
        (
            {"reduction_shares": {ReductionReason.OTHER: -0.1}},
            "Other must take from 0% to 100%",
        ),
        ({"pqip_months": (6, 6, 18)}, r"PQiP bands must end at rising months .*\(6, 6, 18\)"),
        ({"pqip_months": (0, 12, 18)}, "PQiP bands must end at rising months"),
        ({"pqip_months": (6, 18, 12)}, "PQiP bands must end at rising months"),
        (
            {"newly_qualified_months": 0},
            "^A newly qualified PO's reduction must last at least 1 month, not 0$",
        ),
    ],
)
def test_impossible_settings_are_refused_with_a_clear_message(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(WorkloadInputError, match=message):
        WorkloadSettings(**kwargs)


def test_zero_default_hours_is_refused_before_it_can_divide_by_zero() -> None:
    with pytest.raises(WorkloadInputError):
        WorkloadSettings(default_hours=0)
    # The smallest allowed settings still give a number.
    settings = WorkloadSettings(default_hours=0.5)
    assert available_points(settings, Grade.PO, 1, 0) == pytest.approx(2176 * 2)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"unsupervised_points": 0, "untiered_points": 0},
        {"grade_targets": {Grade.PO: 0, Grade.SPO: 0}},
        {"points": {key: 0 for key in DEFAULT_POINTS}},
        {"reduction_shares": {ReductionReason.TRADE_UNION: 0.0, ReductionReason.SICKNESS: 1.0}},
        {"pqip_months": (1, 2, 3), "newly_qualified_months": 1},
        {"default_hours": 1, "over_capacity_percent": 1, "flagged_capacity_percent": 1},
    ],
)
def test_settings_at_their_limits_are_allowed(kwargs: dict[str, Any]) -> None:
    settings = WorkloadSettings(**kwargs)
    for name, value in kwargs.items():
        assert getattr(settings, name) == value


def test_every_default_passes_its_own_checks() -> None:
    settings = WorkloadSettings()
    assert settings.reduction_shares == DEFAULT_REDUCTION_SHARES
    assert (settings.pqip_months, settings.newly_qualified_months) == ((6, 12, 18), 9)


def test_a_setting_the_screen_accepts_is_one_the_rules_accept() -> None:
    # The settings screen checks each number against its declared bounds; the
    # lowest it lets through must not be refused when the workload rules run.
    low = {key: SETTINGS[key].minimum for key in SETTINGS if SETTINGS[key].minimum is not None}
    WorkloadSettings(
        unsupervised_points=int(low["unsupervised_points"] or 0),
        untiered_points=int(low["untiered_points"] or 0),
        newly_qualified_months=int(low["newly_qualified_months"] or 0),
        default_hours=float(low["grade_default_hours"] or 0),
        over_capacity_percent=float(low["capacity_over_percent"] or 0),
        flagged_capacity_percent=float(low["capacity_flag_percent"] or 0),
    )


def test_only_practitioners_have_available_points_whatever_their_target() -> None:
    generous = WorkloadSettings(grade_targets={Grade.PO: 1, Grade.SPO: 2176, Grade.VLO: 500})
    assert available_points(generous, Grade.PO, 37, 0) == 1.0
    assert available_points(generous, Grade.SPO, 37, 0) == 0.0
    assert available_points(generous, Grade.VLO, 37, 0) == 0.0
    assert available_points(generous, Grade.PSO, 37, 0) == 0.0  # no target given
