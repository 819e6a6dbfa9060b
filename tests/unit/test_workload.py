"""Workload points, available points, capacity and reductions (DOMAIN.md 4, 4a)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.codes import Grade, Rosh, SentenceType
from app.domain.tiering import TierInputError
from app.domain.workload import (
    DEFAULT_POINTS,
    DEFAULT_SETTINGS,
    PractitionerLoad,
    Reduction,
    ReductionReason,
    WorkloadInputError,
    WorkloadSettings,
    add_months,
    available_points,
    capacity_band,
    capacity_percent,
    case_points,
    default_reduction_hours,
    newly_qualified_reduction,
    next_reduction_change,
    pqip_reductions,
    reduction_hours_on,
)

S = WorkloadSettings()

# DOMAIN.md 4a typed in again: tier -> (community, licence and PSS, custody), each
# change level 3 / 2 / 1 / 0.
TABLE_4A = {
    "A": ((206, 158, 146, 110), (219, 175, 163, 0), (75, 60, 59, 0)),
    "B": ((146, 115, 102, 72), (161, 132, 119, 0), (59, 48, 47, 0)),
    "C": ((79, 63, 50, 35), (77, 65, 52, 0), (30, 24, 23, 0)),
    "D": ((51, 41, 29, 29), (51, 43, 31, 0), (17, 14, 13, 0)),
}
KIND_SENTENCES = {
    "community": (SentenceType.CO, SentenceType.SSO),
    "licence": (SentenceType.LICENCE, SentenceType.PSS),
    "custody": (SentenceType.CUSTODY,),
}
TABLE_CASES = [
    (kind, f"{protect}{change}", points)
    for protect, columns in TABLE_4A.items()
    for kind, row in zip(KIND_SENTENCES, columns, strict=True)
    for change, points in zip((3, 2, 1, 0), row, strict=True)
]


def test_the_table_has_48_values() -> None:
    assert len(TABLE_CASES) == 48 == len(DEFAULT_POINTS)


@pytest.mark.parametrize(("kind", "tier", "points"), TABLE_CASES)
def test_every_table_value_is_the_default(kind: str, tier: str, points: int) -> None:
    assert S.points_for(kind, tier[0], int(tier[1])) == points
    for sentence in KIND_SENTENCES[kind]:
        assert case_points(S, sentence, tier) == points


@pytest.mark.parametrize(
    ("sentence", "tier", "points"),
    [
        (SentenceType.CO, "A3", 206),
        (SentenceType.SSO, "D0", 29),
        (SentenceType.LICENCE, "B2", 132),
        (SentenceType.PSS, "c1", 52),
        (SentenceType.CUSTODY, "A3", 75),
        (SentenceType.CO, "5", 146),
        (SentenceType.LICENCE, "A0", 0),
    ],
)
def test_case_points_spot_checks(sentence: SentenceType, tier: str, points: int) -> None:
    assert case_points(S, sentence, tier) == points


@pytest.mark.parametrize("tier", [None, "", "0"])
def test_untiered_cases_carry_untiered_points(tier: str | None) -> None:
    assert case_points(S, SentenceType.CO, tier) == 0
    assert case_points(WorkloadSettings(untiered_points=7), SentenceType.CO, tier) == 7


def test_unsupervised_cases_carry_unsupervised_points() -> None:
    assert case_points(S, SentenceType.LICENCE, "B2S") == 0
    assert case_points(S, SentenceType.LICENCE, "B2", unsupervised=True) == 0
    assert case_points(S, SentenceType.LICENCE, "22") == 0
    custom = WorkloadSettings(unsupervised_points=5)
    assert case_points(custom, SentenceType.LICENCE, "B2S") == 5


def test_case_points_rejects_a_bad_tier() -> None:
    with pytest.raises(TierInputError):
        case_points(S, SentenceType.CO, "E9")


def test_settings_points_can_be_changed() -> None:
    custom = WorkloadSettings(points={**DEFAULT_POINTS, ("community", "A", 3): 300})
    assert case_points(custom, SentenceType.CO, "A3") == 300
    assert case_points(S, SentenceType.CO, "A3") == 206


def test_settings_must_cover_the_whole_table() -> None:
    partial = {k: v for k, v in DEFAULT_POINTS.items() if k != ("custody", "D", 0)}
    with pytest.raises(WorkloadInputError, match="custody"):
        WorkloadSettings(points=partial)
    with pytest.raises(WorkloadInputError):
        WorkloadSettings(points={**DEFAULT_POINTS, ("community", "A", 3): -1})


def test_settings_are_frozen_hashable_and_equal_by_value() -> None:
    mutable = dict(DEFAULT_POINTS)
    custom = WorkloadSettings(points=mutable)
    mutable[("community", "A", 3)] = 1
    assert custom.points_for("community", "A", 3) == 206
    assert custom == S == DEFAULT_SETTINGS
    assert hash(custom) == hash(S)
    with pytest.raises(TypeError):
        custom.points[("community", "A", 3)] = 1  # type: ignore[index]
    with pytest.raises(FrozenInstanceError):
        custom.default_hours = 40  # type: ignore[misc]


def test_default_settings_match_domain_4a() -> None:
    assert S.unsupervised_points == S.untiered_points == 0
    assert S.grade_targets[Grade.PO] == S.grade_targets[Grade.PQIP] == 2176
    assert S.grade_targets[Grade.PSO] == 2176
    assert S.grade_targets[Grade.SPO] == 0
    assert S.default_hours == 37
    assert (S.over_capacity_percent, S.flagged_capacity_percent) == (100, 110)
    shares = S.reduction_shares
    assert shares[ReductionReason.PQIP_MONTHS_0_6] == 0.8
    assert shares[ReductionReason.PQIP_MONTHS_6_12] == 0.6
    assert shares[ReductionReason.PQIP_MONTHS_12_18] == 0.4
    assert shares[ReductionReason.NEWLY_QUALIFIED_PO] == 0.2
    assert shares[ReductionReason.PSO_LEARNING] == 0.2
    assert shares[ReductionReason.TRADE_UNION] == 0.5
    for reason in ("SICKNESS", "MATERNITY", "SPECIAL_LEAVE"):
        assert shares[ReductionReason(reason)] == 1.0
    assert ReductionReason.OTHER not in shares


# --- Available points and capacity ---------------------------------------------


@pytest.mark.parametrize(
    ("grade", "contracted", "reduction", "expected"),
    [
        (Grade.PO, 37, 0, 2176),
        (Grade.PO, 18.5, 0, 1088),
        (Grade.PO, 37, 7.4, 1740.8),
        (Grade.PO, 18.5, 9.25, 544),
        (Grade.PQIP, 37, 29.6, 435.2),
        (Grade.PSO, 37, 37, 0),
        (Grade.PSO, 37, 50, 0),
        (Grade.PO, 0, 0, 0),
        (Grade.SPO, 37, 0, 0),
        (Grade.CASE_ADMIN, 37, 0, 0),
        (Grade.HEAD_OF_PDU, 37, 0, 0),
    ],
)
def test_available_points(
    grade: Grade, contracted: float, reduction: float, expected: float
) -> None:
    assert available_points(S, grade, contracted, reduction) == pytest.approx(expected)


def test_available_points_use_the_settings_targets() -> None:
    custom = WorkloadSettings(grade_targets={Grade.PO: 2000, Grade.PSO: 1000})
    assert available_points(custom, Grade.PO, 37, 0) == 2000
    assert available_points(custom, Grade.PQIP, 37, 0) == 0


@pytest.mark.parametrize(("contracted", "reduction"), [(-1, 0), (37, -1)])
def test_negative_hours_are_refused(contracted: float, reduction: float) -> None:
    with pytest.raises(WorkloadInputError):
        available_points(S, Grade.PO, contracted, reduction)


def test_capacity_percent() -> None:
    assert capacity_percent(2176, 2176) == 100
    assert capacity_percent(1088, 2176) == 50
    assert capacity_percent(0, 2176) == 0
    assert capacity_percent(100, 0) is None


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (0, "ok"),
        (100, "ok"),
        (100.01, "over"),
        (110, "over"),
        (110.01, "flagged"),
        (300, "flagged"),
    ],
)
def test_capacity_bands(percent: float, band: str) -> None:
    assert capacity_band(percent) == band
    assert capacity_band(percent, S) == band


def test_capacity_bands_follow_settings() -> None:
    custom = WorkloadSettings(over_capacity_percent=90, flagged_capacity_percent=95)
    assert capacity_band(91, custom) == "over"
    assert capacity_band(96, custom) == "flagged"


# --- Reductions ----------------------------------------------------------------

START, END = date(2026, 1, 5), date(2026, 3, 31)


@pytest.mark.parametrize(
    ("as_at", "status"),
    [
        (START - timedelta(days=1), "scheduled"),
        (START, "active"),
        (END, "active"),
        (END + timedelta(days=1), "ended"),
    ],
)
def test_reduction_status_at_its_boundaries(as_at: date, status: str) -> None:
    assert Reduction(START, END, 7.4, "OTHER").status(as_at) == status


def test_an_open_ended_reduction_stays_active() -> None:
    reduction = Reduction(START, None, 37, ReductionReason.SICKNESS)
    assert reduction.status(date(2099, 1, 1)) == "active"
    assert reduction.status(START - timedelta(days=1)) == "scheduled"


def test_a_one_day_reduction_is_allowed_but_not_one_ending_before_it_starts() -> None:
    assert Reduction(START, START, 37, "SICKNESS").status(START) == "active"
    with pytest.raises(WorkloadInputError, match="04/01/2026"):
        Reduction(START, START - timedelta(days=1), 37, "SICKNESS")
    with pytest.raises(WorkloadInputError):
        Reduction(START, END, -1, "OTHER")


def test_reduction_hours_sum_the_active_ones_capped_at_contracted_hours() -> None:
    reductions = [
        Reduction(START, END, 7.4, "PSO_LEARNING"),
        Reduction(START, None, 10, "TRADE_UNION"),
        Reduction(END + timedelta(days=1), None, 37, "SICKNESS"),
        Reduction(date(2025, 1, 1), date(2025, 12, 31), 5, "OTHER"),
    ]
    assert reduction_hours_on(reductions, 37, START) == pytest.approx(17.4)
    assert reduction_hours_on(reductions, 37, START - timedelta(days=1)) == 0
    assert reduction_hours_on(reductions, 37, END + timedelta(days=1)) == 37
    assert reduction_hours_on([], 37, START) == 0


def test_next_reduction_change_is_the_next_start_or_the_day_after_an_end() -> None:
    reductions = [Reduction(START, END, 7.4, "OTHER"), Reduction(date(2026, 6, 1), None, 5, "X")]
    assert next_reduction_change(reductions, START - timedelta(days=1)) == START
    assert next_reduction_change(reductions, START) == END + timedelta(days=1)
    assert next_reduction_change(reductions, END) == END + timedelta(days=1)
    assert next_reduction_change(reductions, END + timedelta(days=1)) == date(2026, 6, 1)
    assert next_reduction_change(reductions, date(2026, 6, 1)) is None
    assert next_reduction_change([], START) is None


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2025, 11, 15), 2, date(2026, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 3, 31), 0, date(2026, 3, 31)),
        (date(2026, 12, 1), 12, date(2027, 12, 1)),
    ],
)
def test_add_months_clamps_to_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_pqip_reductions_are_three_contiguous_bands() -> None:
    start = date(2025, 9, 1)
    bands = pqip_reductions(start, 37, S)
    assert [(b.start, b.end, b.hours_per_week, b.reason) for b in bands] == [
        (date(2025, 9, 1), date(2026, 2, 28), 29.6, ReductionReason.PQIP_MONTHS_0_6),
        (date(2026, 3, 1), date(2026, 8, 31), 22.2, ReductionReason.PQIP_MONTHS_6_12),
        (date(2026, 9, 1), date(2027, 2, 28), 14.8, ReductionReason.PQIP_MONTHS_12_18),
    ]
    assert reduction_hours_on(bands, 37, date(2027, 3, 1)) == 0
    assert available_points(S, Grade.PQIP, 37, reduction_hours_on(bands, 37, start)) == (
        pytest.approx(435.2)
    )


def test_pqip_bands_from_a_month_end_do_not_drift() -> None:
    bands = pqip_reductions(date(2024, 8, 31), 18.5, S)
    assert [b.start for b in bands] == [date(2024, 8, 31), date(2025, 2, 28), date(2025, 8, 31)]
    assert bands[0].end == date(2025, 2, 27)
    assert [b.hours_per_week for b in bands] == [14.8, 11.1, 7.4]


def test_newly_qualified_reduction_is_nine_months_at_twenty_percent() -> None:
    reduction = newly_qualified_reduction(date(2026, 1, 1), 37, S)
    assert (reduction.end, reduction.hours_per_week) == (date(2026, 9, 30), 7.4)
    assert reduction.reason == ReductionReason.NEWLY_QUALIFIED_PO


@pytest.mark.parametrize(
    ("reason", "hours"),
    [
        (ReductionReason.SICKNESS, 37),
        (ReductionReason.MATERNITY, 37),
        (ReductionReason.TRADE_UNION, 18.5),
        (ReductionReason.PSO_LEARNING, 7.4),
        (ReductionReason.OTHER, None),
    ],
)
def test_default_reduction_hours(reason: ReductionReason, hours: float | None) -> None:
    assert default_reduction_hours(S, reason, 37) == hours
    assert reason.label


# --- A practitioner's load ----------------------------------------------------


def test_practitioner_load_capacity_and_after() -> None:
    load = PractitionerLoad(points_held=1088, available=2176, cases=10, high_cases=2)
    assert load.capacity_percent == 50
    after = load.after(206, Rosh.HIGH).after(79, Rosh.LOW).after(0)
    assert (after.points_held, after.cases) == (1373, 13)
    assert (after.high_cases, after.medium_low_cases, after.not_assessed_cases) == (3, 1, 1)
    assert load.after(10, Rosh.VERY_HIGH).high_cases == 3
    assert load.after(10, Rosh.MEDIUM).medium_low_cases == 1
    assert PractitionerLoad(points_held=5, available=0, cases=1).capacity_percent is None


@pytest.mark.parametrize(
    "kwargs", [{"points_held": -1}, {"cases": -1}, {"available": -1.0}, {"high_cases": -1}]
)
def test_practitioner_load_cannot_be_negative(kwargs: dict[str, Any]) -> None:
    values: dict[str, Any] = {"points_held": 0, "available": 0.0, "cases": 0, **kwargs}
    with pytest.raises(WorkloadInputError):
        PractitionerLoad(**values)


# --- Properties ----------------------------------------------------------------

hours = st.floats(min_value=0, max_value=80, allow_nan=False)


@given(st.sampled_from(list(Grade)), hours, hours, st.integers(min_value=0, max_value=20000))
def test_capacity_is_never_negative(
    grade: Grade, contracted: float, reduction: float, held: int
) -> None:
    available = available_points(S, grade, contracted, reduction)
    assert available >= 0
    percent = capacity_percent(held, available)
    assert percent is None or percent >= 0
    if percent is not None:
        assert capacity_band(percent) in ("ok", "over", "flagged")


@given(hours, hours, hours)
def test_more_reduction_never_gives_more_available_points(
    contracted: float, reduction: float, extra: float
) -> None:
    less = available_points(S, Grade.PO, contracted, reduction + extra)
    assert less <= available_points(S, Grade.PO, contracted, reduction) + 1e-9


@given(
    st.lists(
        st.builds(
            lambda start, days, h: Reduction(start, start + timedelta(days=days), h, "OTHER"),
            st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
            st.integers(min_value=0, max_value=400),
            hours,
        ),
        max_size=5,
    ),
    hours,
    st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 12, 31)),
)
def test_reduction_hours_stay_within_contracted_hours(
    reductions: list[Reduction], contracted: float, as_at: date
) -> None:
    total = reduction_hours_on(reductions, contracted, as_at)
    assert 0 <= total <= contracted
    change = next_reduction_change(reductions, as_at)
    assert change is None or change > as_at
