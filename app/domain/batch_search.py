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
        n = len(prepared.practitioners)
        self.load = [0.0] * n
        self.count = [0] * n
        self.mixing = [0] * n
        self.back = [0] * n
        self.share_of = [
            p.candidate.load.available / FULL_TIME_POINTS for p in prepared.practitioners
        ]

    def practitioner_cost(self, p: int, load: float, count: int, mixing: int) -> float:
        now = self.p.now[p]
        cost = self.share_of[p] * (cost_of_load(self.w, now + load) - cost_of_load(self.w, now))
        cost += self.w.seven_day_over * max(0, count - self.p.seven_day_room[p])
        return cost - (self.w.mix_bonus if mixing else 0.0)

    def limit(self, p: int, back: int) -> float:
        """A practitioner given a case back may go up to the continuity ceiling."""
        return self.high if back > 0 else self.ceiling

    def ok(self, p: int) -> bool:
        return self.p.now[p] + self.load[p] <= self.limit(p, self.back[p]) + _EPS

    def fits(self, pair: Pair) -> bool:
        after = self.p.now[pair.p] + self.load[pair.p] + pair.share
        if after > self.limit(pair.p, self.back[pair.p] + pair.keeps_rule) + _EPS:
            return False
        hard = self.w.seven_day_cap_hard
        return not hard or self.count[pair.p] < self.p.seven_day_room[pair.p]

    def add_cost(self, pair: Pair) -> float:
        p = pair.p
        before = self.practitioner_cost(p, self.load[p], self.count[p], self.mixing[p])
        after = self.practitioner_cost(
            p, self.load[p] + pair.share, self.count[p] + 1, self.mixing[p] + pair.adds_lacking_side
        )
        return pair.cost + after - before

    def remove_cost(self, pair: Pair) -> float:
        p = pair.p
        before = self.practitioner_cost(p, self.load[p], self.count[p], self.mixing[p])
        after = self.practitioner_cost(
            p, self.load[p] - pair.share, self.count[p] - 1, self.mixing[p] - pair.adds_lacking_side
        )
        return -pair.cost + after - before

    def apply(self, pair: Pair, sign: int) -> None:
        self.load[pair.p] += sign * pair.share
        self.count[pair.p] += sign
        self.mixing[pair.p] += sign * pair.adds_lacking_side
        self.back[pair.p] += sign * pair.keeps_rule


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


def _moves(state: _State, chosen: list[Pair | None], by_case: Sequence[Sequence[Pair]]) -> int:
    moved = 0
    for c, current in enumerate(chosen):
        if current is None:
            continue
        out = state.remove_cost(current)
        state.apply(current, -1)
        best, gain = current, 0.0
        if not state.ok(current.p):  # it holds others above the ceiling only with this case
            state.apply(current, +1)
            continue
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
            before = state.remove_cost(qa)
            state.apply(qa, -1)
            before += state.remove_cost(qb)
            state.apply(qb, -1)
            ok = state.fits(na)
            delta = before + (state.add_cost(na) if ok else 0.0)
            if ok:
                state.apply(na, +1)
                ok = state.fits(nb)
                delta += state.add_cost(nb) if ok else 0.0
                state.apply(na, -1)
            if ok and delta < -1e-7:
                state.apply(na, +1)
                state.apply(nb, +1)
                chosen[a], chosen[b] = na, nb
                moved += 1
            else:
                state.apply(qa, +1)
                state.apply(qb, +1)
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
