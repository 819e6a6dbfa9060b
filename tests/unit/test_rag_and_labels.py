"""Red/amber/green bands (DOMAIN.md 7) and how a changed figure is named to a reader."""

from __future__ import annotations

import pytest

from app.domain.rag import Band, Bands, capacity_rag, percent_band
from app.domain.returns_report import change_text, figure_label


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (100.0, Band.GREEN),
        (87.0, Band.GREEN),
        (86.9, Band.AMBER_GREEN),
        (73.0, Band.AMBER_GREEN),
        (72.9, Band.AMBER_RED),
        (60.0, Band.AMBER_RED),
        (59.9, Band.RED),
        (0.0, Band.RED),
    ],
)
def test_percentages_take_the_audit_quality_bands(percent: float, band: Band) -> None:
    assert percent_band(percent) is band


def test_a_figure_with_no_base_has_no_band() -> None:
    assert percent_band(None) is None
    assert capacity_rag(None) is None


def test_the_bands_are_settings() -> None:
    assert percent_band(80.0, Bands(green=80, amber_green=70, amber_red=50)) is Band.GREEN


@pytest.mark.parametrize(
    ("percent", "band"),
    [(100.0, Band.GREEN), (100.1, Band.AMBER_RED), (110.0, Band.AMBER_RED), (110.1, Band.RED)],
)
def test_capacity_has_its_own_target(percent: float, band: Band) -> None:
    assert capacity_rag(percent) is band


def test_bands_read_as_words() -> None:
    assert [b.label for b in Band] == ["Green", "Amber/green", "Amber/red", "Red"]


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("allocation.unallocated", "Allocation: Unallocated at the end of the week"),
        ("caseload.tiers.B2", "Caseload: tier B2"),
        ("caseload.rosh.Not assessed", "Caseload: RoSH Not assessed"),
        ("unpaid_work.stand_downs_by_reason.weather", "Unpaid work: sessions stood down, Weather"),
        ("workload.teams[North].pods[POD 1].cases", "Workload and balance: North / POD 1: Cases"),
    ],
)
def test_a_changed_figure_is_named_as_a_reader_names_it(path: str, label: str) -> None:
    assert figure_label(path) == label


def test_a_change_reads_before_and_after() -> None:
    assert change_text("allocation.on_time_pct", None, 50.0) == (
        "Allocation: Allocated by the deadline (%) none \u2192 50.0"
    )
