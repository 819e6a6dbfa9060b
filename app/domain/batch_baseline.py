"""The list order a case-by-case desk follows, to measure the batch proposal against.

HMPPS's Manage a Workforce lists probation officers first (qualified, then in
training, as one group), then the lowest capacity; each case in the queue, in
turn, goes to whoever tops the list at that moment, and the list is updated
before the next. It knows nothing of the safeguards of issue 16 beyond
leaving out those with no available hours today.
"""

from __future__ import annotations

from app.domain.batch_problem import Prepared
from app.domain.codes import Grade

_OFFICERS = (Grade.PO, Grade.PQIP)


def list_order(prepared: Prepared) -> dict[int, int | None]:
    """Each case, in queue order, to the top of the list at that moment."""
    loads = [p.candidate.load for p in prepared.practitioners]
    found: dict[int, int | None] = {}
    for c, case in enumerate(prepared.cases):
        listed = [
            (p.candidate.grade not in _OFFICERS, percent, p.key, i)
            for i, p in enumerate(prepared.practitioners)
            if (percent := loads[i].capacity_percent) is not None
        ]
        if not listed:
            found[c] = None
            continue
        i = min(listed)[3]
        found[c] = i
        loads[i] = loads[i].after(case.facts.points, case.facts.rosh)
    return found
