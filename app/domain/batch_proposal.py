"""A proposal for a whole queue, line by line, as the SPO reads it (issue 23).

:func:`propose` prepares the request (:mod:`app.domain.batch_problem`),
solves it (:mod:`app.domain.batch_allocation`) and words each line
(:mod:`app.domain.batch_explain`): the case, the practitioner, their capacity
now, after this case and after the whole batch, one plain reason, and what
accepting it needs (a recorded reason outside the policy or a safeguard, the
SPO's confirmation for a PQiP with High RoSH).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from app.domain.batch_allocation import Solution, solve
from app.domain.batch_explain import WhyNot, left_reason, line_reason, outcome, why_not
from app.domain.batch_problem import BatchRequest, Prepared, assess_pair, prepare
from app.domain.progress import Progress


@dataclass(frozen=True)
class ProposalLine:
    """One case of the proposal; ``staff_id`` None when it is left unallocated.

    ``locked``: the SPO fixed this line. ``outside_policy`` and
    ``safeguard`` (what the desk would say) need a recorded reason to accept;
    ``needs_confirmation`` the SPO's confirmation (a PQiP with High RoSH).
    """

    case_id: int
    staff_id: int | None
    name: str
    reason: str
    capacity_now: float | None
    capacity_after_case: float | None
    capacity_after_batch: float | None
    locked: bool = False
    outside_policy: str = ""
    needs_confirmation: bool = False
    safeguard: str = ""


@dataclass(frozen=True)
class Proposal:
    """The lines, the ceiling reached and the lowest possible (issue 23)."""

    lines: tuple[ProposalLine, ...]
    ceiling_reached: float | None
    lowest_possible: float | None
    slack: float
    optimal: bool
    timed_out: bool
    seconds: float
    cost: float
    prepared: Prepared
    assignment: Mapping[int, int | None]
    rule_ceiling: float | None = None

    @property
    def choices(self) -> dict[int, int]:
        """Case id -> staff id of every allocated line (the next solve's keep bonus)."""
        return {line.case_id: line.staff_id for line in self.lines if line.staff_id is not None}

    def header(self) -> str:
        """ "Nobody who receives a case ends above 86.2% (lowest found 84.4%, ...)"."""
        if self.ceiling_reached is None:
            return "No case could be placed."
        text = f"Nobody who receives a case ends above {self.ceiling_reached:.1f}%"
        if self.lowest_possible is not None:
            text += f" (lowest found {self.lowest_possible:.1f}%; up to {self.slack:g} points"
            rule = self.rule_ceiling
            if rule is not None and rule > self.lowest_possible + self.slack + 1e-9:
                text += (
                    f" more allowed, and up to {rule:g}% for a case going back to its previous"
                    " practitioner or to a specialist it needs)"
                )
            else:
                text += " more allowed for continuity and specialisms)"
        if self.timed_out:
            text += ". The time limit was reached: this is the best found"
        return text + "."


def _lines(prepared: Prepared, assignment: Mapping[int, int | None]) -> list[ProposalLine]:
    request = prepared.request
    after = outcome(prepared, assignment).after
    lines = []
    for c, case in enumerate(prepared.cases):
        p = assignment.get(c)
        if p is None:
            lines.append(
                ProposalLine(case.case_id, None, "", left_reason(prepared, c), None, None, None)
            )
            continue
        who = prepared.practitioners[p]
        pair = prepared.assess(c, p)
        load = who.candidate.load
        lines.append(
            ProposalLine(
                case.case_id,
                who.staff_id,
                who.candidate.name,
                line_reason(prepared, assignment, c),
                load.capacity_percent,
                load.after(case.facts.points, case.facts.rosh).capacity_percent,
                after[p] if load.available > 0 else None,
                outside_policy=pair.policy_reason if pair.outside_policy else "",
                needs_confirmation=pair.needs_confirmation,
                safeguard=pair.blocked,
            )
        )
    by_staff = {who.staff_id: i for i, who in enumerate(prepared.practitioners)}
    for case, p in prepared.locked:
        who = prepared.practitioners[p]
        original = next(x for x in request.practitioners if x.staff_id == who.staff_id)
        pair = assess_pair(0, by_staff[who.staff_id], case, original, request)
        load = original.candidate.load
        lines.append(
            ProposalLine(
                case.case_id,
                who.staff_id,
                who.candidate.name,
                "chosen by you",
                load.capacity_percent,
                load.after(case.facts.points, case.facts.rosh).capacity_percent,
                after[p] if load.available > 0 else None,
                locked=True,
                outside_policy=pair.policy_reason if pair.outside_policy else "",
                needs_confirmation=pair.needs_confirmation,
                safeguard=pair.blocked,
            )
        )
    order = {c.case_id: i for i, c in enumerate(sorted(request.cases, key=lambda c: c.key))}
    return sorted(lines, key=lambda line: order[line.case_id])


def propose(request: BatchRequest, progress: Progress | None = None) -> Proposal:
    """The proposal for the request's cases (see the module)."""
    prepared = prepare(request)
    solution: Solution = solve(prepared, progress)
    assignment = solution.assignment
    result = outcome(prepared, assignment)
    receivers = [p for _c, p in prepared.locked] + [p for p in assignment.values() if p is not None]
    reached = max((result.after[p] for p in receivers), default=None)
    return Proposal(
        lines=tuple(_lines(prepared, assignment)),
        ceiling_reached=reached,
        lowest_possible=solution.lowest_possible,
        slack=request.weights.ceiling_slack,
        optimal=solution.optimal,
        timed_out=solution.timed_out,
        seconds=solution.seconds,
        cost=result.cost,
        prepared=prepared,
        assignment=MappingProxyType(dict(assignment)),
        rule_ceiling=None if solution.ceiling is None else prepared.rule_ceiling(solution.ceiling),
    )


def why_not_in(proposal: Proposal, case_id: int, staff_id: int) -> WhyNot:
    """The exact change in cost of moving one free line's case to another practitioner."""
    prepared = proposal.prepared
    cases = [i for i, case in enumerate(prepared.cases) if case.case_id == case_id]
    staff = [i for i, who in enumerate(prepared.practitioners) if who.staff_id == staff_id]
    if not cases or not staff:
        raise ValueError("Only a line the proposal chose, and a practitioner in it, can be weighed")
    return why_not(prepared, proposal.assignment, cases[0], staff[0], proposal.ceiling_reached)
