"""The batch proposal against list order on synthetic teams (``pdu-manager bench --batch``).

A synthetic team is 45 practitioners (21 POs, 7 PQiPs, 17 PSOs; part-timers
from 22.5 hours; PQiPs at each stage of their reductions; loads from 55% to
115%; specialists in women, young adults and domestic abuse; four who cannot
take a case now and two with a short absence) and a queue of new cases with
HMPPS's workload points. For each queue size (10, 30, 60) and seed (20), the
proposal and the list order (Manage a Workforce's: POs first, then the lowest
capacity, each case to the top of the list at that moment) are measured on
the same team and queue: the busiest receiver's capacity after the batch, the
soft-rule breaks, the safeguard breaches, and the proposal's solve time.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.allocation import Candidate, CaseForAllocation
from app.domain.availability import Availability
from app.domain.batch_allocation import solve
from app.domain.batch_baseline import list_order
from app.domain.batch_explain import outcome
from app.domain.batch_problem import BatchCase, BatchPractitioner, BatchRequest, Prepared, prepare
from app.domain.codes import Gender, Grade, Rosh, SentenceType, Specialism
from app.domain.tiering import format_tier
from app.domain.workload import DEFAULT_SETTINGS, PractitionerLoad, available_points, case_points

QUEUES = (10, 30, 60)
SEEDS = 20
TEAM = 45

_GRADES = [Grade.PO] * 21 + [Grade.PQIP] * 7 + [Grade.PSO] * 17
_PQIP_SHARES = (0.8, 0.6, 0.4, 0.8, 0.6, 0.4, 0.6)
_AWAY = (
    Availability("absent until 14/12/2026"),
    Availability("absent, with no return date recorded"),
    Availability("absent from 27/11/2026 until 04/12/2026 (4 of the next 5 working days)"),
    Availability("leaves on 30/11/2026"),
)
_NOTES = (
    Availability("", "absent on 30/11/2026 (1 of the next 5 working days)"),
    Availability("", "absent from 01/12/2026 until 02/12/2026 (2 of the next 5 working days)"),
)


def _specialisms(rnd: random.Random, grade: Grade) -> frozenset[Specialism]:
    found = set()
    for specialism, chance in (
        (Specialism.WOMEN, 0.14),
        (Specialism.YOUNG_ADULTS, 0.14),
        (Specialism.DOMESTIC_ABUSE, 0.16 if grade is not Grade.PQIP else 0.0),
    ):
        if rnd.random() < chance:
            found.add(specialism)
    return frozenset(found)


def synthetic_team(seed: int, size: int = TEAM) -> list[BatchPractitioner]:
    """A team of ``size`` practitioners as real teams are (see the module)."""
    rnd = random.Random(seed * 7919 + 1)
    grades = (_GRADES * (size // len(_GRADES) + 1))[:size]
    team = []
    for i, grade in enumerate(grades):
        hours = 37.0 if rnd.random() < 0.7 else rnd.choice((22.5, 30.0, 33.0))
        share = _PQIP_SHARES[i % len(_PQIP_SHARES)] if grade is Grade.PQIP else 0.0
        available = available_points(DEFAULT_SETTINGS, grade, hours, hours * share)
        percent = rnd.uniform(55, 112)
        points = round(available * percent / 100)
        cases = max(1, round(points / 70))
        high_share = {Grade.PO: 0.35, Grade.PQIP: 0.1, Grade.PSO: 0.0}[grade]
        high = min(cases, round(cases * high_share * rnd.uniform(0.3, 1.6)))
        load = PractitionerLoad(points, available, cases, high, cases - high)
        team.append(
            BatchPractitioner(
                Candidate(
                    staff_id=1000 + i,
                    name=f"Practitioner {i + 1:02d}",
                    grade=grade,
                    load=load,
                    gender=Gender.FEMALE if rnd.random() < 0.65 else Gender.MALE,
                    specialisms=_specialisms(rnd, grade),
                    pod_id=1 + i % 6,
                    recent_allocations=rnd.choice((0, 0, 1, 1, 2, 3)),
                ),
                key=f"N07S{i + 1:03d}",
            )
        )
    away = rnd.sample(range(size), len(_AWAY) + len(_NOTES))
    for i, availability in zip(away, (*_AWAY, *_NOTES), strict=True):
        cand = team[i].candidate
        if (
            availability.unavailable.startswith("absent until")
            or "no return" in availability.unavailable
        ):
            cand = _replace_load(
                cand, PractitionerLoad(cand.load.points_held, 0.0, cand.load.cases)
            )
        team[i] = BatchPractitioner(_with(cand, availability), team[i].key)
    return team


def _replace_load(c: Candidate, load: PractitionerLoad) -> Candidate:
    return Candidate(
        c.staff_id,
        c.name,
        c.grade,
        load,
        c.gender,
        c.specialisms,
        c.pod_id,
        c.availability,
        c.recent_allocations,
    )


def _with(c: Candidate, availability: Availability) -> Candidate:
    return Candidate(
        c.staff_id,
        c.name,
        c.grade,
        c.load,
        c.gender,
        c.specialisms,
        c.pod_id,
        availability,
        c.recent_allocations,
    )


_ROSH = [(Rosh.LOW, 25), (Rosh.MEDIUM, 48), (Rosh.HIGH, 22), (Rosh.VERY_HIGH, 3), (None, 2)]
_TYPES = [
    (SentenceType.CO, 45),
    (SentenceType.SSO, 20),
    (SentenceType.LICENCE, 30),
    (SentenceType.PSS, 5),
]
_PROTECT = {Rosh.VERY_HIGH: "A", Rosh.HIGH: "B", Rosh.MEDIUM: "C", Rosh.LOW: "D", None: "D"}


def _pick(rnd: random.Random, weighted: Sequence[tuple[Any, int]]) -> Any:
    return rnd.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def synthetic_queue(seed: int, n: int, team: Sequence[BatchPractitioner]) -> list[BatchCase]:
    """``n`` new cases, some with a previous practitioner in the team."""
    rnd = random.Random(seed * 104729 + n)
    cases = []
    for i in range(n):
        rosh = _pick(rnd, _ROSH)
        kind = _pick(rnd, _TYPES)
        tier = format_tier(_PROTECT[rosh], rnd.choices((1, 2, 3), (30, 45, 25))[0])
        woman = rnd.random() < 0.15
        previous = rnd.choice(team) if rnd.random() < 0.3 else None
        facts = CaseForAllocation(
            sentence_type=kind,
            rosh=rosh,
            mappa_level=2 if rosh is Rosh.HIGH and rnd.random() < 0.1 else None,
            tier=tier,
            points=case_points(DEFAULT_SETTINGS, kind, tier),
            gender=Gender.FEMALE if woman else Gender.MALE,
            female_practitioner_requested=woman and rnd.random() < 0.5,
            previous_staff_id=previous.staff_id if previous else None,
            previous_pod_id=previous.candidate.pod_id if previous else None,
            age=rnd.randint(18, 25) if rnd.random() < 0.2 else rnd.randint(26, 60),
            domestic_abuse=rnd.random() < 0.25,
        )
        cases.append(
            BatchCase(case_id=10_000 + i, key=f"X{700000 + seed * 100 + i:06d}", facts=facts)
        )
    return cases


@dataclass(frozen=True)
class Trial:
    """One team and queue, both methods."""

    cases: int
    seed: int
    seconds: float
    optimal: bool
    proposal_max: float | None
    list_max: float | None
    proposal_breaks: int
    list_breaks: int
    proposal_breaches: int
    list_breaches: int
    proposal_reasons_needed: int
    left: int


def trial(cases: int, seed: int) -> Trial:
    team = synthetic_team(seed)
    request = BatchRequest(tuple(synthetic_queue(seed, cases, team)), tuple(team))
    began = time.perf_counter()
    prepared = prepare(request)
    solution = solve(prepared)
    seconds = time.perf_counter() - began
    ours = outcome(prepared, solution.assignment)
    theirs = outcome(prepared, list_order(prepared))
    return Trial(
        cases,
        seed,
        seconds,
        solution.optimal,
        ours.receivers_max,
        theirs.receivers_max,
        ours.breaks.soft,
        theirs.breaks.soft,
        ours.breaks.safeguard,
        theirs.breaks.safeguard + theirs.breaks.policy,
        ours.breaks.policy,
        ours.left,
    )


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(trials: Sequence[Trial]) -> dict[str, Any]:
    """Medians over the seeds for one queue size, with the issue's targets."""
    med = statistics.median
    ours = med(t.proposal_max or 0.0 for t in trials)
    theirs = med(t.list_max or 0.0 for t in trials)
    breaks, list_breaks = med(t.proposal_breaks for t in trials), med(t.list_breaks for t in trials)
    times = [t.seconds for t in trials]
    return {
        "cases": trials[0].cases,
        "seeds": len(trials),
        "proposal_receivers_max": round(ours, 1),
        "list_order_receivers_max": round(theirs, 1),
        "proposal_soft_breaks": breaks,
        "list_order_soft_breaks": list_breaks,
        "proposal_breaches_without_reason": sum(t.proposal_breaches for t in trials),
        "list_order_breaches_without_reason": sum(t.list_breaches for t in trials),
        "proposal_lines_needing_a_reason": sum(t.proposal_reasons_needed for t in trials),
        "left_unallocated": sum(t.left for t in trials),
        "median_seconds": round(med(times), 3),
        "p95_seconds": round(_percentile(times, 0.95), 3),
        "proven_optimal": sum(t.optimal for t in trials),
    }


def run(queues: Sequence[int] = QUEUES, seeds: int = SEEDS) -> list[dict[str, Any]]:
    return [summary([trial(n, seed) for seed in range(1, seeds + 1)]) for n in queues]


def _met(row: dict[str, Any]) -> list[str]:
    """The issue's targets not met (the 10-point lead is asked at 60 cases)."""
    missed = []
    if row["cases"] >= 60 and row["list_order_receivers_max"] - row["proposal_receivers_max"] < 10:
        missed.append("busiest receiver not 10 points under list order")
    if row["proposal_soft_breaks"] > row["list_order_soft_breaks"] / 2:
        missed.append("soft-rule breaks over half of list order's")
    if row["proposal_breaches_without_reason"]:
        missed.append("a safeguard breached")
    if row["median_seconds"] > 1.0 or row["p95_seconds"] > 3.0:
        missed.append("too slow")
    return missed


def print_table(rows: Sequence[dict[str, Any]]) -> None:
    print("Batch allocation: proposal against list order (medians over the seeds)")
    print(
        f"{'cases':>5}  {'busiest receiver %':>22}  {'soft-rule breaks':>17}  "
        f"{'breaches':>9}  {'median s':>8}  {'p95 s':>6}  {'optimal':>7}  met"
    )
    for r in rows:
        missed = _met(r)
        ours, theirs = r["proposal_receivers_max"], r["list_order_receivers_max"]
        breaks = f"{r['proposal_soft_breaks']:>6} vs {r['list_order_soft_breaks']:>6}"
        breaches = (
            f"{r['proposal_breaches_without_reason']:>3} vs "
            f"{r['list_order_breaches_without_reason']:>3}"
        )
        print(
            f"{r['cases']:>5}  {ours:>9.1f} vs {theirs:>9.1f}  {breaks}  {breaches}"
            f"  {r['median_seconds']:>8.3f}  {r['p95_seconds']:>6.3f}"
            f"  {r['proven_optimal']:>3}/{r['seeds']:<3}  {'; '.join(missed) or 'yes'}"
        )


def run_batch_bench(seeds: int = SEEDS, json_file: Path | None = None) -> int:
    """``pdu-manager bench --batch``: print the table (its last column says what is met)."""
    rows = run(QUEUES, seeds)
    print_table(rows)
    if json_file is not None:
        for row in rows:
            row["met"] = not _met(row)
            row["not_met"] = _met(row)
        json_file.write_text(json.dumps({"batch_allocation": rows}, indent=2), encoding="utf-8")
    return 0


__all__ = ["Prepared", "run_batch_bench", "synthetic_queue", "synthetic_team", "trial"]
