"""A quick, good assignment under a ceiling, to start the solver from and to fall back on.

The solver proves the best fit; on a large queue that can take longer than
the time limit. This builds a good answer in milliseconds first: each case,
the one with the fewest places left first, to the practitioner it costs
least to give it to at that moment (the same cost the solver minimises), then
single moves and swaps while any lowers the cost, all within the ceiling.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from app.domain.allocation_weights import FULL_TIME_POINTS, cost_of_load
from app.domain.batch_problem import Pair, Prepared

_EPS = 1e-9


class _State:
    """Loads, counts and the cost per practitioner of an assignment being improved."""

    def __init__(self, prepared: Prepared, ceiling: float) -> None:
        self.p = prepared
        self.ceiling = ceiling
        self.high = prepared.rule_ceiling(ceiling)
        self.w = prepared.weights
        self.hard = self.w.seven_day_cap_hard
        n = len(prepared.practitioners)
        self.load = [0.0] * n
        self.count = [0] * n
        self.mixing = [0] * n
        self.others = [0.0] * n
        self.share_of = [
            p.candidate.load.available / FULL_TIME_POINTS for p in prepared.practitioners
        ]
        self.base = [cost_of_load(self.w, now) for now in prepared.now]
        self.cost = [0.0] * n
        """Each practitioner's part of the cost as things stand."""

    def practitioner_cost(self, p: int, load: float, count: int, mixing: int) -> float:
        w = self.w
        cost = self.share_of[p] * (cost_of_load(w, self.p.now[p] + load) - self.base[p])
        over = count - self.p.seven_day_room[p]
        if over > 0:
            cost += w.seven_day_over * over
        return cost - w.mix_bonus if mixing else cost

    def room(self, p: int, load: float, others: float) -> bool:
        """Within the rule ceiling, and the cases not kept by a rule within the ceiling."""
        now = self.p.now[p]
        if now + load > self.high + _EPS:
            return False
        return others <= 0 or now + others <= self.ceiling + _EPS

    def fits(self, pair: Pair) -> bool:
        """Within the ceiling; a case back or to a specialist may pass it, to the rule ceiling."""
        p = pair.p
        others = self.others[p] + (0.0 if pair.keeps_rule else pair.share)
        if not self.room(p, self.load[p] + pair.share, others):
            return False
        return not self.hard or self.count[p] < self.p.seven_day_room[p]

    def add_cost(self, pair: Pair) -> float:
        p = pair.p
        after = self.practitioner_cost(
            p, self.load[p] + pair.share, self.count[p] + 1, self.mixing[p] + pair.adds_lacking_side
        )
        return pair.cost + after - self.cost[p]

    def remove_cost(self, pair: Pair) -> float:
        p = pair.p
        after = self.practitioner_cost(
            p, self.load[p] - pair.share, self.count[p] - 1, self.mixing[p] - pair.adds_lacking_side
        )
        return -pair.cost + after - self.cost[p]

    def apply(self, pair: Pair, sign: int) -> None:
        p = pair.p
        self.load[p] += sign * pair.share
        self.count[p] += sign
        self.mixing[p] += sign * pair.adds_lacking_side
        if not pair.keeps_rule:
            self.others[p] += sign * pair.share
        self.cost[p] = self.practitioner_cost(p, self.load[p], self.count[p], self.mixing[p])

    def exchange_cost(self, out: Pair, into: Pair) -> float | None:
        """The change at ``out.p`` if ``out`` leaves and ``into`` arrives; None past the ceiling."""
        p = out.p
        load = self.load[p] - out.share + into.share
        others = self.others[p]
        others -= 0.0 if out.keeps_rule else out.share
        others += 0.0 if into.keeps_rule else into.share
        if not self.room(p, load, others):
            return None
        mixing = self.mixing[p] - out.adds_lacking_side + into.adds_lacking_side
        after = self.practitioner_cost(p, load, self.count[p], mixing)
        return into.cost - out.cost + after - self.cost[p]


def greedy_fit(
    prepared: Prepared, ceiling: float, by_case: Sequence[Sequence[Pair]]
) -> list[Pair | None] | None:
    """Every case with a pair placed within ``ceiling`` at the least cost then, or None."""
    state = _State(prepared, ceiling)
    chosen: list[Pair | None] = [None] * len(by_case)
    left = set(range(len(by_case)))
    while left:
        options = {c: [q for q in by_case[c] if state.fits(q)] for c in left}
        c = min(left, key=lambda k: (len(options[k]) if by_case[k] else math.inf, k))
        left.discard(c)
        if not by_case[c]:
            continue
        if not options[c]:
            return None
        best = min(options[c], key=lambda q: (state.add_cost(q), q.p))
        chosen[c] = best
        state.apply(best, +1)
    return chosen


def improve(
    prepared: Prepared,
    chosen: list[Pair | None],
    ceiling: float,
    by_case: Sequence[Sequence[Pair]],
    passes: int = 6,
) -> list[Pair | None]:
    """Single moves and swaps within the ceiling while any lowers the cost."""
    state = _State(prepared, ceiling)
    for pair in chosen:
        if pair is not None:
            state.apply(pair, +1)
    index = {(q.c, q.p): q for qs in by_case for q in qs}
    for _ in range(passes):
        moved = _moves(state, chosen, by_case) + _swaps(state, chosen, index)
        if not moved:
            break
    return chosen


def total_cost(prepared: Prepared, chosen: Sequence[Pair | None], ceiling: float) -> float:
    """What the best-fit stage would charge for ``chosen`` (cases left aside)."""
    state = _State(prepared, ceiling)
    for pair in chosen:
        if pair is not None:
            state.apply(pair, +1)
    return sum(state.cost) + sum(pair.cost for pair in chosen if pair is not None)


def _moves(state: _State, chosen: list[Pair | None], by_case: Sequence[Sequence[Pair]]) -> int:
    moved = 0
    for c, current in enumerate(chosen):
        if current is None:
            continue
        out = state.remove_cost(current)
        state.apply(current, -1)
        best, gain = current, 0.0
        for q in by_case[c]:
            if q.p != current.p and state.fits(q):
                delta = out + state.add_cost(q)
                if delta < gain - 1e-7:
                    best, gain = q, delta
        state.apply(best, +1)
        if best is not current:
            chosen[c] = best
            moved += 1
    return moved


def _swaps(state: _State, chosen: list[Pair | None], index: dict[tuple[int, int], Pair]) -> int:
    moved = 0
    placed = [c for c, q in enumerate(chosen) if q is not None]
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            qa, qb = chosen[a], chosen[b]
            assert qa is not None and qb is not None
            if qa.p == qb.p:
                continue
            na, nb = index.get((a, qb.p)), index.get((b, qa.p))
            if na is None or nb is None:
                continue
            at_a = state.exchange_cost(qa, nb)  # a leaves qa.p, b arrives there
            if at_a is None:
                continue
            at_b = state.exchange_cost(qb, na)
            if at_b is None or at_a + at_b >= -1e-7:
                continue
            state.apply(qa, -1)
            state.apply(qb, -1)
            state.apply(na, +1)
            state.apply(nb, +1)
            chosen[a], chosen[b] = na, nb
            moved += 1
    return moved


def shortlist(
    prepared: Prepared,
    chosen: Sequence[Pair | None],
    ceiling: float,
    by_case: Sequence[Sequence[Pair]],
    size: int,
) -> set[tuple[int, int]]:
    """The pairs worth the solver's time: per case, the ``size`` cheapest given the
    start's other choices, every pair carrying a bonus, and the start's own pair.
    """
    state = _State(prepared, ceiling)
    for pair in chosen:
        if pair is not None:
            state.apply(pair, +1)
    keep: set[tuple[int, int]] = set()
    for c, current in enumerate(chosen):
        if current is not None:
            keep.add((c, current.p))
            state.apply(current, -1)
        ranked = sorted(by_case[c], key=lambda q: (state.add_cost(q), q.p))
        keep.update((c, q.p) for q in ranked[:size])
        keep.update((c, q.p) for q in by_case[c] if q.cost < 0)
        if current is not None:
            state.apply(current, +1)
    return keep
