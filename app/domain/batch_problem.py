"""The batch proposal's inputs, and which case may go to whom at what cost (issue 23).

Inputs are plain values, sorted canonically (cases by CRN, practitioners by
staff code) so the same queue always builds the same model. A pair the desk
would ask a reason for is never proposed: a practitioner who cannot take the
case now (absent, leaving, over the flagged capacity after it: issue 16) and
a choice outside the PO policy, unless no one else can take the case
(DOMAIN.md 2). A PQiP with a High RoSH case stays possible at a cost (it
needs the SPO's confirmation). Lines the SPO locked are taken as given: their
cases add to their practitioners' loads before the rest is solved.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from app.domain.allocation import (
    DEFAULT_RULES,
    Candidate,
    CaseForAllocation,
    RankingRules,
    policy_verdict,
    safeguard_verdict,
)
from app.domain.allocation_terms import CONTINUITY, MIX, SEVEN_DAY, SPECIALISM, Term, choice_terms
from app.domain.allocation_weights import DEFAULT_WEIGHTS, AllocationWeights


@dataclass(frozen=True)
class BatchCase:
    """A case in the batch: ``key`` orders the model (the CRN)."""

    case_id: int
    key: str
    facts: CaseForAllocation


@dataclass(frozen=True)
class BatchPractitioner:
    """A practitioner who may receive cases: ``key`` orders the model (the staff code)."""

    candidate: Candidate
    key: str

    @property
    def staff_id(self) -> int:
        return self.candidate.staff_id


def _frozen(mapping: Mapping[int, int]) -> Mapping[int, int]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class BatchRequest:
    """Everything a proposal is built from.

    ``locked``: case id -> staff id the SPO fixed (locked or changed lines);
    ``previous``: the last proposal's choices, worth the keep bonus.
    """

    cases: tuple[BatchCase, ...]
    practitioners: tuple[BatchPractitioner, ...]
    rules: RankingRules = DEFAULT_RULES
    weights: AllocationWeights = DEFAULT_WEIGHTS
    locked: Mapping[int, int] = field(default_factory=dict, hash=False)
    previous: Mapping[int, int] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "locked", _frozen(self.locked))
        object.__setattr__(self, "previous", _frozen(self.previous))
        ids = [c.case_id for c in self.cases]
        staff = [p.staff_id for p in self.practitioners]
        if len(set(ids)) != len(ids) or len(set(staff)) != len(staff):
            raise ValueError("A case or a practitioner appears twice in the batch")
        unknown = set(self.locked.values()) - set(staff)
        if set(self.locked) - set(ids) or unknown:
            raise ValueError("A locked line names a case or practitioner not in the batch")


@dataclass(frozen=True)
class Pair:
    """Case ``c`` to practitioner ``p`` (indices into the prepared lists), if allowed.

    ``cost``: the pair's own terms (continuity, fit, no-mix, PQiP with High,
    the keep bonus, outside policy); the load, the 7-day count and the mix
    bonus depend on the whole batch and are costed by the model. ``share``:
    the capacity % the case adds to the practitioner. ``blocked``: why the
    safeguards forbid the pair ("" when they do not); ``policy_reason``: why
    it is outside the policy or needs confirmation. ``keeps_rule``: the case
    goes back to its previous practitioner or to a specialist it needs (such a
    pair may pass the proposal's ceiling, up to the rule ceiling).
    """

    c: int
    p: int
    cost: float
    share: float
    outside_policy: bool
    needs_confirmation: bool
    adds_lacking_side: bool
    kept: bool
    terms: tuple[Term, ...]
    blocked: str = ""
    policy_reason: str = ""
    keeps_rule: bool = False


@dataclass(frozen=True)
class Prepared:
    """A request made ready to solve: canonical order, loads after locked lines, pairs."""

    request: BatchRequest
    cases: tuple[BatchCase, ...]
    practitioners: tuple[BatchPractitioner, ...]
    locked: tuple[tuple[BatchCase, int], ...]
    pairs: tuple[Pair, ...]
    blocked: Mapping[tuple[int, int], str]
    now: tuple[float, ...]
    seven_day_room: tuple[int, ...]

    @property
    def weights(self) -> AllocationWeights:
        return self.request.weights

    def rule_ceiling(self, ceiling: float) -> float:
        """How high a case may take its previous practitioner or a specialist, above ``ceiling``."""
        flagged = self.request.rules.flagged_capacity_percent
        return max(ceiling, min(flagged, self.weights.rule_ceiling))

    def pairs_of_case(self, c: int) -> list[Pair]:
        return [pair for pair in self.pairs if pair.c == c]

    def assess(self, c: int, p: int) -> Pair:
        """Any pair, allowed or not (for "why not X?" and for other methods' choices)."""
        return assess_pair(c, p, self.cases[c], self.practitioners[p], self.request)


def _after_locked(
    request: BatchRequest, practitioners: list[BatchPractitioner]
) -> tuple[list[BatchPractitioner], list[tuple[BatchCase, int]]]:
    """Loads and 7-day counts once the locked lines are counted."""
    index = {p.staff_id: i for i, p in enumerate(practitioners)}
    locked: list[tuple[BatchCase, int]] = []
    out = list(practitioners)
    for case in sorted(request.cases, key=lambda c: c.key):
        staff = request.locked.get(case.case_id)
        if staff is None:
            continue
        i = index[staff]
        cand = out[i].candidate
        grown = replace(
            cand,
            load=cand.load.after(case.facts.points, case.facts.rosh),
            recent_allocations=cand.recent_allocations + 1,
        )
        out[i] = replace(out[i], candidate=grown)
        locked.append((case, i))
    return out, locked


def assess_pair(
    c: int,
    p: int,
    case: BatchCase,
    who: BatchPractitioner,
    request: BatchRequest,
    outside_too: bool = True,
) -> Pair:
    """What giving ``case`` to ``who`` costs, and whether the safeguards forbid it.

    A pair the safeguards forbid, or outside the policy when ``outside_too`` is
    False, is returned without its terms (it is never proposed).
    """
    facts, cand, rules, w = case.facts, who.candidate, request.rules, request.weights
    guard = safeguard_verdict(facts, cand, rules)
    verdict = policy_verdict(facts, cand.grade, cand.gender)
    available = cand.load.available
    share = 100.0 * facts.points / available if available > 0 else math.inf
    if guard.blocked or (verdict.outside_policy and not outside_too):
        return Pair(
            c,
            p,
            0.0,
            share,
            verdict.outside_policy,
            verdict.needs_confirmation,
            False,
            False,
            (),
            guard.reason,
            verdict.reason,
        )
    terms = tuple(choice_terms(facts, cand, rules, w, with_load=False))
    own = [t for t in terms if t.kind not in (MIX, SEVEN_DAY)]
    kept = request.previous.get(case.case_id) == cand.staff_id
    cost = sum(t.cost for t in own) - (w.keep if kept else 0.0)
    cost += w.outside_policy if verdict.outside_policy else 0.0
    return Pair(
        c=c,
        p=p,
        cost=cost,
        share=share,
        outside_policy=verdict.outside_policy,
        needs_confirmation=verdict.needs_confirmation,
        adds_lacking_side=any(t.kind == MIX for t in terms),
        kept=kept,
        terms=terms,
        blocked=guard.reason,
        policy_reason=verdict.reason,
        keeps_rule=any(t.kind in (CONTINUITY, SPECIALISM) for t in terms),
    )


def prepare(request: BatchRequest) -> Prepared:
    """Sort, count the locked lines, and list the allowed pairs with their costs."""
    practitioners = sorted(request.practitioners, key=lambda p: (p.key, p.staff_id))
    practitioners, locked = _after_locked(request, practitioners)
    free = tuple(
        c
        for c in sorted(request.cases, key=lambda c: (c.key, c.case_id))
        if c.case_id not in request.locked
    )
    pairs: list[Pair] = []
    blocked: dict[tuple[int, int], str] = {}
    for ci, case in enumerate(free):
        found = [
            assess_pair(ci, pi, case, p, request, outside_too=False)
            for pi, p in enumerate(practitioners)
        ]
        # Outside the policy only when no one within it can take the case (DOMAIN.md 2).
        outside_too = not any(not x.blocked and not x.outside_policy for x in found)
        if outside_too:
            found = [assess_pair(ci, pi, case, p, request) for pi, p in enumerate(practitioners)]
        for x in found:
            if x.blocked:
                blocked[(ci, x.p)] = x.blocked
            elif x.outside_policy and not outside_too:
                blocked[(ci, x.p)] = f"outside the policy: {x.policy_reason}"
            else:
                pairs.append(x)
    cap = request.weights.seven_day_cap
    return Prepared(
        request=request,
        cases=free,
        practitioners=tuple(practitioners),
        locked=tuple(locked),
        pairs=tuple(pairs),
        blocked=MappingProxyType(blocked),
        now=tuple(p.candidate.load.capacity_percent or 0.0 for p in practitioners),
        seven_day_room=tuple(max(0, cap - p.candidate.recent_allocations) for p in practitioners),
    )
