"""The weekly return's workload and balance figures (SPEC.md 7 section 3, DOMAIN.md 2 and 4).

Practitioners are the PDU's PO, PQiP and PSO staff in post on the as-at day
(started by then, not yet left: one who left mid-week is not counted, and
the cases they held add to nobody's load). Each practitioner's capacity % is
DOMAIN.md 4's: the workload points of the cases allocated to them and
active on the as-at day (by each case's tier and sentence type then) over
the points their available hours allow then. Mean and highest are over the
practitioners with available points (one on 100% leave has no capacity %).
Over 100% and over 110% use the capacity settings (a practitioner over 110%
is counted in both). PSOs holding high RoSH and POs without a mix are the
balance screen's exceptions (:mod:`app.domain.balance`), counted per
practitioner.

The same figures are given per team and per POD of the team (practitioners
with no team are under "No team", those with no POD under "No POD").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from app.domain.balance import ExceptionKind, HeldCase, grade_exceptions, mix_exception
from app.domain.codes import Grade
from app.domain.returns import CaseFacts, round_percent
from app.domain.workload import WorkloadSettings, capacity_percent, case_points

NO_TEAM = "No team"
NO_POD = "No POD"


@dataclass(frozen=True)
class PractitionerFacts:
    """A practitioner in post on the as-at day, with the points their hours allow then."""

    staff_id: int
    grade: Grade
    available_points: float
    team: str = ""
    pod: str = ""


@dataclass(frozen=True)
class PractitionerResult:
    """One practitioner's figures on the as-at day."""

    facts: PractitionerFacts
    cases: int
    points: int
    capacity: float | None
    pso_high_rosh: bool
    po_without_mix: bool


@dataclass
class _Held:
    cases: list[HeldCase] = field(default_factory=list)
    points: int = 0


def held_cases(
    cases: Sequence[CaseFacts], as_at: date, settings: WorkloadSettings
) -> dict[int, _Held]:
    """Per staff id, the active cases allocated to them on ``as_at`` and their points."""
    held: dict[int, _Held] = {}
    for case in cases:
        allocation = case.allocation_on(as_at)
        event = case.main_event(as_at)
        if allocation is None or event is None or not case.active_on(as_at):
            continue
        mine = held.setdefault(allocation.staff_id, _Held())
        mine.points += case_points(settings, event.sentence_type, case.tier_on(as_at))
        mine.cases.append(HeldCase(case.rosh_on(as_at), case.mappa_on(as_at), allocation.confirmed))
    return held


def practitioner_results(
    practitioners: Sequence[PractitionerFacts],
    cases: Sequence[CaseFacts],
    as_at: date,
    settings: WorkloadSettings,
    mix_min_cases: int,
) -> list[PractitionerResult]:
    held = held_cases(cases, as_at, settings)
    out = []
    for p in practitioners:
        mine = held.get(p.staff_id, _Held())
        kinds = {e.kind for e in grade_exceptions(p.grade, mine.cases)}
        high = sum(1 for c in mine.cases if c.rosh is not None and c.rosh.is_high)
        medium_low = sum(1 for c in mine.cases if c.rosh is not None and not c.rosh.is_high)
        out.append(
            PractitionerResult(
                facts=p,
                cases=len(mine.cases),
                points=mine.points,
                capacity=capacity_percent(mine.points, p.available_points),
                pso_high_rosh=ExceptionKind.PSO_HIGH_RISK in kinds,
                po_without_mix=mix_exception(p.grade, high, medium_low, mix_min_cases) is not None,
            )
        )
    return out


def _group(results: Sequence[PractitionerResult], settings: WorkloadSettings) -> dict[str, Any]:
    """The figures of a group of practitioners: the whole PDU, a team or a POD."""
    capacities = [r.capacity for r in results if r.capacity is not None]
    mean = None
    if capacities:
        # Exact mean of the exact percentages, rounded once.
        exact = sum((Fraction(c) for c in capacities), Fraction(0)) / len(capacities)
        mean = round_percent(float(exact))
    return {
        "practitioners": len(results),
        "cases": sum(r.cases for r in results),
        "workload_points": sum(r.points for r in results),
        "mean_capacity_pct": mean,
        "max_capacity_pct": round_percent(max(capacities)) if capacities else None,
        "over_100": sum(1 for c in capacities if c > settings.over_capacity_percent),
        "over_110": sum(1 for c in capacities if c > settings.flagged_capacity_percent),
    }


def team_figures(
    results: Sequence[PractitionerResult], settings: WorkloadSettings
) -> list[dict[str, Any]]:
    """Per team (by name), its figures and per POD of it (by name); "No team"/"No POD" last."""
    teams: dict[str, list[PractitionerResult]] = {}
    for r in results:
        teams.setdefault(r.facts.team or NO_TEAM, []).append(r)
    out = []
    for team in sorted(teams, key=lambda name: (name == NO_TEAM, name.casefold(), name)):
        members = teams[team]
        pods: dict[str, list[PractitionerResult]] = {}
        for r in members:
            pods.setdefault(r.facts.pod or NO_POD, []).append(r)
        order = sorted(pods, key=lambda name: (name == NO_POD, name.casefold(), name))
        out.append(
            {
                "team": team,
                **_group(members, settings),
                "pods": [{"pod": pod, **_group(pods[pod], settings)} for pod in order],
            }
        )
    return out


def workload_figures(
    practitioners: Sequence[PractitionerFacts],
    cases: Sequence[CaseFacts],
    as_at: date,
    settings: WorkloadSettings,
    mix_min_cases: int,
) -> dict[str, Any]:
    """The PDU's workload and balance figures with the per-team breakdown (7.3)."""
    results = practitioner_results(practitioners, cases, as_at, settings, mix_min_cases)
    whole = _group(results, settings)
    return {
        "practitioners": whole["practitioners"],
        "cases": whole["cases"],
        "workload_points": whole["workload_points"],
        "mean_capacity_pct": whole["mean_capacity_pct"],
        "max_capacity_pct": whole["max_capacity_pct"],
        "over_100": whole["over_100"],
        "over_110": whole["over_110"],
        "pso_with_high_rosh": sum(r.pso_high_rosh for r in results),
        "po_without_mix": sum(r.po_without_mix for r in results),
        "teams": team_figures(results, settings),
    }
