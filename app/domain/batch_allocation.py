"""Allocate a whole queue at once: a two-stage mixed-integer programme (issue 23).

Case by case, each allocation takes whoever tops the list at that moment:
early cases fill the lightest people and later ones land on whoever is left.
Here the queue is placed as a whole, by HiGHS (``highspy``, MIT):

1. **The ceiling.** The lowest "highest capacity among practitioners who
   receive a case" found, in steps of 0.1%: at a ceiling T, the pairs where
   one case alone would pass T are dropped and each practitioner's points
   after the batch must stay within T. A quick search (the cases in three
   orders, each to whoever keeps the most room) bisects T in milliseconds;
   only when it cannot place every case at the flagged capacity (110%, issue
   16) does the solver find the fewest cases that must be left (a "left
   unallocated" variable with a large cost keeps the model always feasible)
   and bisect T in node-limited steps. Every later stage keeps to that number
   of cases left.
2. **The best fit under it.** Under the lowest ceiling plus a small slack (a
   setting, 2 points), the sum of the terms the desk ranks by (the one set of
   weights of :mod:`app.domain.allocation_weights`): the convex load cost of
   each practitioner, weighted by their available points; continuity,
   specialisms, a female practitioner as asked; a PQiP with High RoSH; the
   PO's mix (a bonus once per PO for the side they lack); each case over the
   7-day count (a penalised slack, or a hard limit); the keep bonus for the
   last proposal's choice; outside the policy where no one else can. The
   ceiling gives way to continuity and needed specialisms up to the rule
   ceiling (a setting, 85%): such a case may take its practitioner above the
   ceiling, while their other cases must fit under it.

Costs are changes from today's loads, so the solver's relative gap is not
swamped by constants. Inputs are sorted canonically (CRN, staff code) and
HiGHS is deterministic: the same queue gives the same proposal every run.
A time limit (a setting, 10 s) keeps the best found so far, and a cancel
request stops at once (:class:`app.domain.progress.Cancelled`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from app.domain.batch_models import Ceiling, Fit, run
from app.domain.batch_problem import Pair, Prepared
from app.domain.batch_search import greedy_fit, improve, shortlist, total_cost
from app.domain.progress import Progress, silent

STEP = 0.1
"""The ceiling's bisection step, in capacity percentage points."""

_EPS = 1e-9


@dataclass(frozen=True)
class Solution:
    """Where each free case goes: case index -> practitioner index, or None (left).

    ``lowest_possible``: the lowest ceiling found (None with nothing to place);
    ``ceiling``: the ceiling the best fit was chosen under (lowest + slack);
    ``optimal``: the best fit proven optimal under the ceiling found (the
    ceiling itself is the lowest the search reached, within 0.1% or so of the
    lowest possible; the search is the same on every run); ``timed_out``: the time limit
    stopped a stage, and the best found so far was kept.
    """

    assignment: Mapping[int, int | None]
    lowest_possible: float | None
    ceiling: float | None
    optimal: bool
    timed_out: bool
    seconds: float


def _highest(prepared: Prepared, assignment: list[int | None]) -> float:
    """The highest capacity after the batch among those who receive a case."""
    index = {(pair.c, pair.p): pair for pair in prepared.pairs}
    added: dict[int, float] = {}
    for c, p in enumerate(assignment):
        if p is not None:
            added[p] = added.get(p, 0.0) + index[(c, p)].share
    return max((prepared.now[k] + v for k, v in added.items()), default=0.0)


@dataclass
class _Clock:
    deadline: float
    timed_out: bool = False

    def left(self) -> float:
        return self.deadline - time.monotonic()


def _interruptible(h: Any, progress: Progress) -> None:
    def check(event: Any) -> None:
        if progress.cancelled:
            event.interrupt()

    h.cbMipInterrupt.subscribe(check)


def _lower_bound(prepared: Prepared) -> float:
    """No ceiling below the case whose lightest possible receiver ends highest."""
    best: dict[int, float] = {}
    for pair in prepared.pairs:
        after = prepared.now[pair.p] + pair.share
        best[pair.c] = min(best.get(pair.c, math.inf), after)
    return max(best.values(), default=0.0)


GREEDY_ORDERS = ("fewest places", "fewest places, biggest first", "biggest first")
"""The orders the quick search places cases in; the lowest ceiling any reaches is kept."""


def _order(prepared: Prepared, by_case: list[list[Pair]], room: list[float], how: str) -> list[int]:
    """The cases in the order the quick search places them (ties by canonical order)."""

    def places(c: int) -> int:
        return sum(q.share <= room[q.p] + _EPS for q in by_case[c])

    if how == "fewest places":
        return sorted(range(len(by_case)), key=lambda c: (places(c), c))
    if how == "fewest places, biggest first":
        return sorted(
            range(len(by_case)), key=lambda c: (places(c), -prepared.cases[c].facts.points, c)
        )
    return sorted(range(len(by_case)), key=lambda c: (-prepared.cases[c].facts.points, c))


def _greedy(
    prepared: Prepared,
    ceiling: float,
    by_case: list[list[Pair]],
    how: str = GREEDY_ORDERS[0],
) -> list[int | None] | None:
    """A quick try at placing every case that has a pair within ``ceiling``.

    The cases in one of the :data:`GREEDY_ORDERS`, each to whoever keeps the
    most room after it. None when it fails.
    """
    room = [ceiling - now for now in prepared.now]
    seven = list(prepared.seven_day_room)
    hard = prepared.weights.seven_day_cap_hard
    order = _order(prepared, by_case, room, how)
    found: list[int | None] = [None] * len(by_case)
    for c in order:
        if not by_case[c]:
            continue
        fits = [
            (room[q.p] - q.share, -q.p, q)
            for q in by_case[c]
            if q.share <= room[q.p] + _EPS and (not hard or seven[q.p] > 0)
        ]
        if not fits:
            return None
        best = max(fits)[2]
        found[c] = best.p
        room[best.p] -= best.share
        seven[best.p] -= 1
    return found


def _by_case(prepared: Prepared) -> list[list[Pair]]:
    by_case: list[list[Pair]] = [[] for _ in prepared.cases]
    for pair in prepared.pairs:
        by_case[pair.c].append(pair)
    return by_case


def solve(prepared: Prepared, progress: Progress | None = None) -> Solution:
    """The proposal's assignment: the lowest ceiling, then the best fit under it (module doc)."""
    progress = progress or silent()
    began = time.monotonic()
    clock = _Clock(began + prepared.weights.time_limit_seconds)
    if not prepared.cases:
        return Solution(MappingProxyType({}), None, None, True, False, 0.0)
    progress.start(2, "Finding the lowest ceiling")
    progress.check()
    by_case = _by_case(prepared)
    lowest, best = _lowest_ceiling(prepared, by_case, clock, progress)
    fewest_left = sum(p is None for p in best)
    flagged = prepared.request.rules.flagged_capacity_percent
    ceiling = min(lowest + prepared.weights.ceiling_slack, flagged)
    progress.advance(1, "Choosing the best fit under the ceiling")
    best, keep = _good_start(prepared, ceiling, best, by_case)
    progress.check()
    stage2 = Fit(prepared, ceiling, fewest_left, keep)
    _interruptible(stage2.h, progress)
    stage2.start_from(best)
    if clock.left() > 0:
        status, found = run(stage2.h, clock.left())
        progress.check()
        if found is not None:
            best = stage2.assignment(found)
        proven = status == "optimal" and not clock.timed_out
        clock.timed_out = clock.timed_out or status == "stopped"
    else:
        proven, clock.timed_out = False, True
    return Solution(
        MappingProxyType(dict(enumerate(best))),
        lowest,
        ceiling,
        proven,
        clock.timed_out,
        time.monotonic() - began,
    )


def _lowest_ceiling(
    prepared: Prepared, by_case: list[list[Pair]], clock: _Clock, progress: Progress
) -> tuple[float, list[int | None]]:
    """The lowest ceiling found, to 0.1%, with an assignment placing the most cases under it.

    When the quick search places every case someone can take at the flagged
    capacity, it also brackets the ceiling (in each of :data:`GREEDY_ORDERS`,
    milliseconds each). Otherwise the solver finds the fewest cases that must
    be left, then bisects the ceiling in node-limited steps.
    """
    flagged = prepared.request.rules.flagged_capacity_percent
    low = math.ceil(_lower_bound(prepared) / STEP - _EPS) - 1
    quick = _greedy(prepared, flagged, by_case)
    if quick is not None:
        top, best = _greedy_bracket(prepared, by_case, low, quick)
        return top * STEP, best
    return _bisect(Ceiling(prepared), low, clock, progress)


def _greedy_bracket(
    prepared: Prepared, by_case: list[list[Pair]], low: int, best: list[int | None]
) -> tuple[int, list[int | None]]:
    """The lowest ceiling (in steps) the quick search reaches in any of its orders."""
    found = math.ceil(_highest(prepared, best) / STEP - _EPS)
    for how in GREEDY_ORDERS:
        top, floor = found, low
        while top - floor > 1:
            mid = (floor + top) // 2
            quick = _greedy(prepared, mid * STEP, by_case, how)
            if quick is None:
                floor = mid
            else:
                reached = math.ceil(_highest(prepared, quick) / STEP - _EPS)
                if reached < found:
                    best, found = quick, reached
                top = min(mid, reached)
    return found, best


SHORTLIST = 8
"""Practitioners per case the best-fit stage weighs, beyond those carrying a bonus."""


def _good_start(
    prepared: Prepared, ceiling: float, fallback: list[int | None], by_case: list[list[Pair]]
) -> tuple[list[int | None], set[tuple[int, int]]]:
    """A quick good answer under the ceiling, and the pairs worth weighing against it."""
    index = {(pair.c, pair.p): pair for pair in prepared.pairs}
    left = sum(p is None for p in fallback)
    packed = [None if p is None else index[(c, p)] for c, p in enumerate(fallback)]
    starts = [packed]
    cheapest = greedy_fit(prepared, ceiling, by_case)
    if cheapest is not None and sum(q is None for q in cheapest) == left:
        starts.insert(0, cheapest)
    # The cheapest-first search and the tightest packing, each improved: the better one.
    improved = [improve(prepared, start, ceiling, by_case) for start in starts]
    chosen = min(improved, key=lambda found: total_cost(prepared, found, ceiling))
    keep = shortlist(prepared, chosen, ceiling, by_case, SHORTLIST)
    return [None if q is None else q.p for q in chosen], keep


STEP_NODES = 10
"""Branch-and-bound nodes a solver step of the ceiling may take before it counts as not reached.

Only when the quick search cannot place every case at the flagged capacity.
Near the lowest ceiling, placing every case is a packing problem that can
take the solver minutes to settle to the last 0.1%; a node limit (not a time
limit), and no large-neighbourhood heuristics in those steps, keep each step
short and the answer the same on every run.
"""
BISECT_STEPS = 6
"""Solver steps of the ceiling at most, in that case."""

_STEP_OPTIONS = {
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
}


def _bisect(
    stage1: Ceiling, low: int, clock: _Clock, progress: Progress
) -> tuple[float, list[int | None]]:
    """The fewest cases left, then the lowest ceiling the solver finds for them in a few steps."""
    prepared = stage1.prepared
    flagged = prepared.request.rules.flagged_capacity_percent
    _interruptible(stage1.h, progress)
    stage1.set_ceiling(flagged)
    stage1.count_only(None)
    _status, values = run(stage1.h, clock.left())
    progress.check()
    if values is None:  # stopped before any answer: every case is left
        clock.timed_out = True
        return 0.0, [None] * len(prepared.cases)
    best = stage1.assignment(values)
    fewest_left = sum(p is None for p in best)
    if fewest_left == len(prepared.cases):
        return 0.0, best
    stage1.count_only(fewest_left + 0.5)
    for option, value in _STEP_OPTIONS.items():
        stage1.h.setOptionValue(option, value)
    high = math.ceil(_highest(prepared, best) / STEP - _EPS)
    for _ in range(BISECT_STEPS):
        if high - low <= 1:
            break
        if clock.left() <= 0:
            clock.timed_out = True
            break
        mid = (low + high) // 2
        progress.advance(0, f"Trying a ceiling of {mid * STEP:.1f}%")
        stage1.set_ceiling(mid * STEP)
        _status, found = run(stage1.h, clock.left(), STEP_NODES)
        progress.check()
        if found is not None:
            best = stage1.assignment(found)
            high = min(mid, math.ceil(_highest(prepared, best) / STEP - _EPS))
        else:
            low = mid
    return high * STEP, best
