"""Allocating the whole queue at once: propose, hold, accept (issue 23)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Allocation, AuditEntry, ProposalHold
from app.services.allocation import proposal as batch
from app.services.allocation.proposal import Acceptance
from app.services.core.errors import ConflictError, UserError
from tests import factories as f
from tests.conftest import TODAY
from tests.services.test_allocation import desk, open_allocations, spo_actor


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _queue(session: Session, pdu_id: int, n: int = 4) -> list[int]:
    return [
        f.case(
            session, pdu_id, rosh="LOW" if i % 2 else "MEDIUM", sentence_date=date(2026, 11, 16 + i)
        ).id
        for i in range(n)
    ]


def _acceptances(view: batch.ProposalView) -> list[Acceptance]:
    return [
        Acceptance(
            line.case_id,
            line.staff_id,
            view.cases[line.case_id].version,
            policy_reason="No one else" if line.outside_policy else "",
            confirmed=line.needs_confirmation,
            safeguard_reason="Agreed" if line.safeguard else "",
        )
        for line in view.proposal.lines
        if line.staff_id is not None
    ]


def test_a_proposal_writes_nothing_and_accepting_allocates_every_line(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    cases = _queue(session, d.pdu_id)
    session.commit()
    allocations = _count(session, Allocation)
    assert batch.proposable_cases(session, head, d.pdu_id, TODAY) == cases
    view = batch.propose(session, head, d.pdu_id, cases, TODAY)
    assert _count(session, Allocation) == allocations  # nothing written
    assert {line.case_id for line in view.proposal.lines} == set(cases)
    assert all(line.staff_id in view.practitioners for line in view.proposal.lines)
    assert view.proposal.header().startswith("Nobody who receives a case ends above")
    session.rollback()
    ids = batch.accept(session, head, _acceptances(view), as_at=TODAY)
    session.commit()
    assert len(ids) == len(cases)
    for line in view.proposal.lines:
        [row] = open_allocations(session, line.case_id)
        assert (row.staff_id, row.allocated_by) == (line.staff_id, head.user_id)
    assert batch.proposable_cases(session, head, d.pdu_id, TODAY) == []


def test_two_spos_never_propose_the_same_cases(session) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    cases = _queue(session, d.pdu_id)
    first, second = spo_actor(session, None, "spo1"), spo_actor(session, None, "spo2")
    session.commit()
    held = batch.open_proposal(session, first, d.pdu_id, cases[:3], as_at=TODAY)
    session.commit()
    assert held == tuple(cases[:3])
    assert batch.proposable_cases(session, second, d.pdu_id, TODAY) == [cases[3]]
    assert batch.open_proposal(session, second, d.pdu_id, cases, as_at=TODAY) == (cases[3],)
    session.commit()
    assert batch.proposable_cases(session, first, d.pdu_id, TODAY) == cases[:3]
    assert batch.close_proposal(session, first, d.pdu_id) == 3
    session.commit()
    assert batch.proposable_cases(session, second, d.pdu_id, TODAY) == cases
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"proposal.opened", "proposal.closed"} <= actions


def test_a_case_allocated_meanwhile_refuses_the_acceptance_whole(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    cases = _queue(session, d.pdu_id, 2)
    session.commit()
    view = batch.propose(session, head, d.pdu_id, cases, TODAY)
    session.rollback()
    from app.services.allocation import writes

    writes.allocate(session, head, cases[1], d.man.id, view.cases[cases[1]].version)
    session.commit()
    with pytest.raises(ConflictError):
        batch.accept(session, head, _acceptances(view), as_at=TODAY)
    session.rollback()
    assert open_allocations(session, cases[0]) == []


def test_a_line_outside_the_policy_needs_its_reason_when_accepted(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    high = f.case(session, d.pdu_id, rosh="HIGH").id
    session.commit()
    view = batch.propose(session, head, d.pdu_id, [high], TODAY, locked={high: d.pso.id})
    [line] = view.proposal.lines
    assert line.locked and line.outside_policy.startswith("a PSO holds Low and Medium")
    session.rollback()
    bare = Acceptance(high, d.pso.id, view.cases[high].version)
    with pytest.raises(UserError, match="outside the allocation policy"):
        batch.accept(session, head, [bare], as_at=TODAY)
    session.rollback()
    batch.accept(session, head, _acceptances(view), as_at=TODAY)
    session.commit()
    [row] = open_allocations(session, high)
    assert row.outside_policy and row.policy_reason == "No one else"


def test_an_spo_proposes_over_their_own_team_only(session) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    other = f.staff(session, f.pod(session, f.team(session, d.pdu_id, "Team West").id), "PO")
    spo = spo_actor(session, d.po)  # sits in the desk's team
    cases = _queue(session, d.pdu_id, 3)
    session.commit()
    view = batch.propose(session, spo, d.pdu_id, cases, TODAY)
    assert other.id not in view.practitioners and view.teams == (d.team.id,)
    both = batch.propose(session, spo, d.pdu_id, cases, TODAY, [d.team.id, other.team_id])
    assert other.id in both.practitioners


def test_holds_lapse_after_the_hours_set(session, head) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    d = desk(session)
    cases = _queue(session, d.pdu_id, 2)
    first = spo_actor(session, None, "spo1")
    session.add(
        ProposalHold(
            person_id=cases[0],
            user_id=first.user_id,
            pdu_id=d.pdu_id,
            opened_at=datetime(2020, 1, 1),
        )
    )
    session.commit()
    assert batch.proposable_cases(session, head, d.pdu_id, TODAY) == cases
