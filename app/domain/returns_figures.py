"""A whole weekly return's figures, as the JSON of SPEC.md 6, and what changed between two.

:func:`build_figures` turns the gathered facts into one nested mapping, in a
fixed key order, every map listing all its keys (zeros included).
:func:`figures_json` is its one text form: the JSON the command line writes,
the database stores and a later export reproduces byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.calendar import WorkingCalendar
from app.domain.returns import (
    AllocationRules,
    CaseFacts,
    Week,
    allocation_figures,
    caseload_figures,
)
from app.domain.returns_upw import (
    UnpaidWorkInputs,
    VictimInputs,
    unpaid_work_figures,
    victim_figures,
)
from app.domain.returns_workload import PractitionerFacts, workload_figures
from app.domain.unpaid_work import DEFAULT_UNPAID_WORK_SETTINGS, UnpaidWorkSettings
from app.domain.victims import DEFAULT_VICTIM_SETTINGS, VictimSettings
from app.domain.workload import DEFAULT_SETTINGS, WorkloadSettings

SECTIONS = ("caseload", "allocation", "workload", "unpaid_work", "victims")


@dataclass(frozen=True)
class ReturnRules:
    """The rules and settings in force on the as-at day, for the PDU."""

    calendar: WorkingCalendar
    allocation_working_days: int = 5
    workload: WorkloadSettings = DEFAULT_SETTINGS
    po_mix_min_cases: int = 5
    unpaid_work: UnpaidWorkSettings = DEFAULT_UNPAID_WORK_SETTINGS
    victims: VictimSettings = DEFAULT_VICTIM_SETTINGS


@dataclass(frozen=True)
class ReturnInputs:
    """Everything a return is built from, gathered for one PDU and one week."""

    pdu_name: str
    pdu_number: int
    week: Week
    cases: tuple[CaseFacts, ...] = ()
    practitioners: tuple[PractitionerFacts, ...] = ()
    unpaid_work: UnpaidWorkInputs = field(default_factory=UnpaidWorkInputs)
    victims: VictimInputs = field(default_factory=VictimInputs)
    audit_head: str = ""


def build_figures(inputs: ReturnInputs, rules: ReturnRules) -> dict[str, Any]:
    """Every figure of SPEC.md 7 for the PDU and week, nested by section (SPEC.md 6)."""
    week = inputs.week
    cases = inputs.cases
    return {
        "pdu": inputs.pdu_name,
        "pdu_number": inputs.pdu_number,
        "week_starting": week.starting.isoformat(),
        "week_ending": week.ending.isoformat(),
        "caseload": caseload_figures(cases, week),
        "allocation": allocation_figures(
            cases, week, AllocationRules(rules.calendar, rules.allocation_working_days)
        ),
        "workload": workload_figures(
            inputs.practitioners, cases, week.ending, rules.workload, rules.po_mix_min_cases
        ),
        "unpaid_work": unpaid_work_figures(
            inputs.unpaid_work, week, rules.calendar, rules.unpaid_work
        ),
        "victims": victim_figures(inputs.victims, week, rules.calendar, rules.victims),
        "audit_head": inputs.audit_head,
    }


def figures_json(figures: Mapping[str, Any]) -> str:
    """The one text form of a return's figures: keys in their order, UTF-8, two-space indent."""
    return json.dumps(figures, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class FigureChange:
    """One figure that differs between two versions of a week's return."""

    path: str
    before: Any
    after: Any


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _leaves(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            name = inner.get("team") or inner.get("pod") if isinstance(inner, Mapping) else None
            yield from _leaves(inner, f"{path}[{name if name is not None else n}]")
    else:
        yield path, value


def flatten(figures: Mapping[str, Any]) -> dict[str, Any]:
    """Every figure by its dotted path: ``caseload.active``, ``workload.teams[North].cases``."""
    return dict(_leaves(figures, ""))


IGNORED_IN_CHANGES = frozenset({"audit_head"})
"""Differs between any two builds: the audit head moves with every change."""


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FigureChange]:
    """The figures that differ, in the order of the newer version (then any gone from it)."""
    old, new = flatten(before), flatten(after)
    found = [
        FigureChange(path, old.get(path), value)
        for path, value in new.items()
        if path not in IGNORED_IN_CHANGES and old.get(path, _MISSING) != value
    ]
    found += [FigureChange(path, value, None) for path, value in old.items() if path not in new]
    return found


_MISSING = object()
