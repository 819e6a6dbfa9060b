"""Red, amber and green for the Overview's figures (DOMAIN.md 7, TOM 1901).

Percentage measures use the audit quality scale: GREEN 87% or more,
AMBER/GREEN 73-86%, AMBER/RED 60-72%, RED below 60%; each boundary is a
setting. A measure with its own target says so: capacity is green up to
100%, amber up to 110% and red above (DOMAIN.md 4a's limits, settings too).
A figure with no base (``None``) has no colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.setting_spec import SettingSpec


class Band(StrEnum):
    GREEN = "GREEN"
    AMBER_GREEN = "AMBER_GREEN"
    AMBER_RED = "AMBER_RED"
    RED = "RED"

    @property
    def label(self) -> str:
        return {"GREEN": "Green", "AMBER_GREEN": "Amber/green", "AMBER_RED": "Amber/red"}.get(
            self.value, "Red"
        )

    @property
    def colour(self) -> str:
        """A background that black text reads well on."""
        return _COLOURS[self]


_COLOURS = {
    Band.GREEN: "#b7e1b0",
    Band.AMBER_GREEN: "#dfe7a6",
    Band.AMBER_RED: "#f6cf8f",
    Band.RED: "#f2a7a7",
}

_TOM = "Target Operating Model (2021), audit quality scale (TOM 1901)"

RAG_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("rag_green_percent", float, 87.0, "Green from (%)", _TOM, 0, 100),
    SettingSpec("rag_amber_green_percent", float, 73.0, "Amber/green from (%)", _TOM, 0, 100),
    SettingSpec(
        "rag_amber_red_percent", float, 60.0, "Amber/red from (%); red below", _TOM, 0, 100
    ),
    # The Overview's other number: how far ahead "sessions without a supervisor" looks.
    SettingSpec(
        "overview_supervisor_look_ahead_days",
        int,
        7,
        "Overview: days ahead checked for sessions without a supervisor",
        "PDU Manager (today and the following six days by default)",
        1,
        56,
    ),
)


@dataclass(frozen=True)
class Bands:
    """The lower bounds of green, amber/green and amber/red; red is below the last."""

    green: float = 87.0
    amber_green: float = 73.0
    amber_red: float = 60.0


def percent_band(percent: float | None, bands: Bands = Bands()) -> Band | None:
    """The band of a percentage measure where more is better (on time, within deadline)."""
    if percent is None:
        return None
    if percent >= bands.green:
        return Band.GREEN
    if percent >= bands.amber_green:
        return Band.AMBER_GREEN
    if percent >= bands.amber_red:
        return Band.AMBER_RED
    return Band.RED


def capacity_rag(percent: float | None, over: float = 100.0, flagged: float = 110.0) -> Band | None:
    """Capacity against its own target: green to 100%, amber to 110%, red above."""
    if percent is None:
        return None
    if percent <= over:
        return Band.GREEN
    if percent <= flagged:
        return Band.AMBER_RED
    return Band.RED
