"""What a batch assignment does, line by line, in words an SPO reads (issue 23).

- :func:`outcome`: the loads after the batch, the exact cost the proposal
  minimises (so "why not X?" is exact) and the soft-rule breaks (continuity,
  specialism, outside the policy, a PQiP with High RoSH, a PO's mix) and
  breaches of the desk's safeguards, for any assignment: the proposal's or
  the list order's.
- :func:`line_reason`: one plain reason for each line.
- :func:`why_not`: the exact change in cost of moving one case to someone else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.allocation_terms import CONTINUITY, FEMALE, SAME_POD, SPECIALISM
from app.domain.allocation_weights import FULL_TIME_POINTS, cost_of_load
from app.domain.batch_problem import Pair, Prepared
from app.domain.codes import Gender, Grade, Specialism

Assignment = Mapping[int, int | None]


@dataclass(frozen=True)
class Breaks:
    """Soft rules a batch breaks, and the desk's safeguards it breaches (issue 16, 23)."""

    policy: int = 0
    pqip_high: int = 0
    continuity: int = 0
    specialism: int = 0
    mix: int = 0
    safeguard: int = 0

    @property
    def soft(self) -> int:
        """Continuity, specialism, outside the policy, PQiP with High, PO mix."""
        return self.policy + self.pqip_high + self.continuity + self.specialism + self.mix


@dataclass(frozen=True)
class Outcome:
    """An assignment's effect: capacity after the batch, its cost, its breaks."""

    cost: float
    after: tuple[float, ...]
    receivers_max: float | None
    breaks: Breaks
    left: int


def _pair(prepared: Prepared, c: int, p: int, cache: dict[tuple[int, int], Pair]) -> Pair:
    if (c, p) not in cache:
        cache[(c, p)] = prepared.assess(c, p)
    return cache[(c, p)]


def _cache(prepared: Prepared) -> dict[tuple[int, int], Pair]:
    return {(pair.c, pair.p): pair for pair in prepared.pairs}


def _needs(prepared: Prepared, c: int) -> set[Specialism]:
    facts, rules = prepared.cases[c].facts, prepared.request.rules
    low, high = rules.young_adult_ages
    needs = set()
    if facts.gender == Gender.FEMALE:
        needs.add(Specialism.WOMEN)
    if facts.age is not None and low <= facts.age <= high:
        needs.add(Specialism.YOUNG_ADULTS)
    if facts.domestic_abuse:
        needs.add(Specialism.DOMESTIC_ABUSE)
    return needs


def _open_to(pair: Pair) -> bool:
    """Could take the case without a reason: not blocked, within the policy."""
    return not pair.blocked and not pair.outside_policy


def _missed(
    prepared: Prepared, assignment: Assignment, cache: dict[tuple[int, int], Pair]
) -> tuple[int, int]:
    """Continuity and specialism missed where someone who could have kept them was free."""
    index = {p.staff_id: i for i, p in enumerate(prepared.practitioners)}
    continuity = specialism = 0
    for c, case in enumerate(prepared.cases):
        given = assignment.get(c)
        prev = index.get(case.facts.previous_staff_id or -1)
        if prev is not None and given != prev and _open_to(_pair(prepared, c, prev, cache)):
            continuity += 1
        needs = _needs(prepared, c)
        if not needs:
            continue
        fits = [
            i
            for i, p in enumerate(prepared.practitioners)
            if needs & p.candidate.specialisms and _open_to(_pair(prepared, c, i, cache))
        ]
        got = given is not None and needs & prepared.practitioners[given].candidate.specialisms
        if fits and not got:
            specialism += 1
    return continuity, specialism


def _mix_breaks(prepared: Prepared, received: dict[int, list[int]]) -> int:
    """POs the batch leaves with enough cases, all on one side (TOM 817)."""
    count = 0
    for p, cases in received.items():
        cand = prepared.practitioners[p].candidate
        if cand.grade is not Grade.PO:
            continue
        load = cand.load
        for c in cases:
            load = load.after(prepared.cases[c].facts.points, prepared.cases[c].facts.rosh)
        assessed = load.high_cases + load.medium_low_cases
        if assessed >= prepared.request.rules.po_mix_min_cases and 0 in (
            load.high_cases,
            load.medium_low_cases,
        ):
            count += 1
    return count


def outcome(prepared: Prepared, assignment: Assignment) -> Outcome:
    """The loads, the exact cost and the breaks of an assignment (any pairs at all)."""
    w = prepared.weights
    cache = _cache(prepared)
    received: dict[int, list[int]] = {}
    cost = policy = pqip = safeguard = left = 0.0
    mixed: set[int] = set()
    for c in range(len(prepared.cases)):
        p = assignment.get(c)
        if p is None:
            left += 1
            continue
        pair = _pair(prepared, c, p, cache)
        received.setdefault(p, []).append(c)
        cost += pair.cost
        policy += pair.outside_policy
        pqip += pair.needs_confirmation
        safeguard += bool(pair.blocked)
        if pair.adds_lacking_side:
            mixed.add(p)
    after: list[float] = list(prepared.now)
    for p, cases in received.items():
        share = sum(_pair(prepared, c, p, cache).share for c in cases)
        after[p] = prepared.now[p] + share
        available = prepared.practitioners[p].candidate.load.available
        cost += (
            available
            / FULL_TIME_POINTS
            * (cost_of_load(w, prepared.now[p] + share) - cost_of_load(w, prepared.now[p]))
        )
        cost += w.seven_day_over * max(0, len(cases) - prepared.seven_day_room[p])
    cost += -w.mix_bonus * len(mixed) + w.unallocated * left
    continuity, specialism = _missed(prepared, assignment, cache)
    breaks = Breaks(
        int(policy),
        int(pqip),
        continuity,
        specialism,
        _mix_breaks(prepared, received),
        int(safeguard),
    )
    highest = max((after[p] for p in received), default=None)
    return Outcome(cost, tuple(after), highest, breaks, int(left))


# --- reasons -------------------------------------------------------------------------

_FIRST = (CONTINUITY, SAME_POD, SPECIALISM, FEMALE)


def _lowest_load(prepared: Prepared, c: int, p: int) -> bool:
    mine = prepared.now[p] + prepared.assess(c, p).share
    return all(mine <= prepared.now[q.p] + q.share + 0.05 for q in prepared.pairs_of_case(c))


def _high(prepared: Prepared, c: int) -> bool:
    facts = prepared.cases[c].facts
    return (facts.rosh is not None and facts.rosh.is_high) or facts.mappa_level in (2, 3)


def left_reason(prepared: Prepared, c: int) -> str:
    """Why a case is left unallocated: who could not take it, in words."""
    if prepared.pairs_of_case(c):
        limit = prepared.request.rules.flagged_capacity_percent
        return f"no one can take it with the rest of the batch without going over {limit:g}%"
    said = sorted(
        {prepared.blocked.get((c, p), "") for p in range(len(prepared.practitioners))} - {""}
    )
    if not said:
        return "no practitioner in the chosen teams"
    kinds = []
    for word, label in (
        ("absent", "absent"),
        ("leave", "leaving"),
        ("left", "leaving"),
        ("after this case", "over capacity"),
        ("no available", "no hours"),
        ("policy", "outside the policy"),
    ):
        if any(word in s for s in said) and label not in kinds:
            kinds.append(label)
    return "no one can take it now: " + ", ".join(kinds)


def line_reason(prepared: Prepared, assignment: Assignment, c: int) -> str:
    """One plain reason for the line ("previous practitioner", "women's specialist"...)."""
    p = assignment.get(c)
    if p is None:
        return left_reason(prepared, c)
    pair = prepared.assess(c, p)
    if pair.outside_policy:
        return f"no one within the policy can take it ({pair.policy_reason})"
    for kind in _FIRST:
        found = [t.reason for t in pair.terms if t.kind == kind]
        if found:
            return found[0].removesuffix(" (continuity)")
    if pair.adds_lacking_side:
        return (
            "adds High RoSH to a PO who holds none"
            if _high(prepared, c)
            else ("adds Medium or Low RoSH to a PO who holds only High")
        )
    if pair.kept:
        return "kept from the last proposal"
    if _lowest_load(prepared, c, p):
        return "lowest load able to take High RoSH" if _high(prepared, c) else "lowest load"
    return "the lighter loads are needed for other cases in the batch"


@dataclass(frozen=True)
class WhyNot:
    """What moving one case to another practitioner would change (issue 23: "Why not X?")."""

    cost_change: float
    capacity_after_batch: float | None
    over_ceiling: bool
    blocked: str
    outside_policy: str
    lost: tuple[str, ...]
    text: str


def why_not(
    prepared: Prepared, assignment: Assignment, c: int, p: int, ceiling: float | None
) -> WhyNot:
    """The exact change in the proposal's cost if case ``c`` went to ``p`` instead."""
    moved = dict(assignment)
    moved[c] = p
    before, after = outcome(prepared, assignment), outcome(prepared, moved)
    pair = prepared.assess(c, p)
    name = prepared.practitioners[p].candidate.name
    capacity = after.after[p]
    over = ceiling is not None and capacity is not None and capacity > ceiling + 1e-9
    current = assignment.get(c)
    kept = {t.reason for t in pair.terms}
    lost = tuple(
        t.reason
        for t in (prepared.assess(c, current).terms if current is not None else ())
        if t.kind in _FIRST and t.reason not in kept
    )
    delta = after.cost - before.cost
    parts = [
        f"{name} instead would cost {delta:.0f} more"
        if delta >= 0
        else (f"{name} instead would cost {-delta:.0f} less")
    ]
    if pair.blocked:
        parts.append(f"cannot take it now: {pair.blocked}")
    if pair.outside_policy:
        parts.append(f"outside the policy: {pair.policy_reason}")
    if capacity is not None and over and ceiling is not None:
        parts.append(f"would end at {capacity:.1f}%, above the proposal's {ceiling:.1f}%")
    elif capacity is not None:
        parts.append(f"would end at {capacity:.0f}%")
    if lost:
        parts.append("loses: " + ", ".join(x.removesuffix(" (continuity)") for x in lost))
    return WhyNot(
        delta,
        capacity,
        over,
        pair.blocked,
        pair.policy_reason if pair.outside_policy else "",
        lost,
        "; ".join(parts),
    )
