"""Allocate the whole queue at once: propose, then accept lines one by one (issue 23).

- :func:`proposable_cases`: the PDU's unallocated cases no one else has open in
  a proposal (the default batch).
- :func:`open_proposal` marks the cases chosen as held by this SPO (a hold
  lapses after a few hours, a setting), so two SPOs never propose the same
  cases; :func:`close_proposal` lets them go. Nothing is allocated by a hold.
- :func:`propose` builds the proposal (a read: nothing is written), over the
  practitioners of the SPO's team or the teams chosen, with the lines the SPO
  locked or changed and the last proposal's choices (the keep bonus).
- :func:`accept` turns the lines accepted into ordinary allocations through
  :func:`app.services.allocation.writes.allocate`: permission, optimistic
  locking, the recorded reason outside the policy or a safeguard, the audit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import ProposalHold
from app.domain.availability import AVAILABLE
from app.domain.batch_problem import BatchCase, BatchPractitioner, BatchRequest
from app.domain.batch_proposal import Proposal
from app.domain.batch_proposal import propose as propose_batch
from app.domain.progress import Progress
from app.services.allocation import writes
from app.services.allocation.availability import availabilities
from app.services.allocation.queue import CaseBrief, case_facts, queue, ranking_rules, to_candidate
from app.services.allocation.views import home_team
from app.services.allocation.weights import allocation_weights
from app.services.core import audit, settings
from app.services.core.actor import Actor
from app.services.core.errors import UserError
from app.services.teams.workload import PractitionerSummary, practitioner_loads


@dataclass(frozen=True)
class ProposalView:
    """A proposal with what the screen shows of its cases and practitioners.

    ``cases``: person id -> the case as the desk shows it (CRN, name, the
    version that guards its allocation); ``practitioners``: staff id -> their
    load; ``teams``: the teams proposed over (None: every team of the PDU).
    """

    proposal: Proposal
    cases: Mapping[int, CaseBrief]
    practitioners: Mapping[int, PractitionerSummary]
    teams: tuple[int, ...] | None


@dataclass(frozen=True)
class Acceptance:
    """One line the SPO accepts, with what it needs (a reason, a confirmation)."""

    person_id: int
    staff_id: int
    expected_version: int
    note: str = ""
    policy_reason: str = ""
    confirmed: bool = False
    safeguard_reason: str = ""


def _now() -> datetime:
    return clock.now().replace(tzinfo=None)


def _live_since(session: Session, pdu_id: int, as_at: date) -> datetime:
    hours = float(settings.get(session, "allocation_proposal_hold_hours", as_at, pdu_id))
    return _now() - timedelta(hours=hours)


def held_by_others(session: Session, actor: Actor, pdu_id: int, as_at: date) -> dict[int, int]:
    """Cases held in another user's open proposal: person id -> user id."""
    since = _live_since(session, pdu_id, as_at)
    return {
        person: user
        for person, user in session.execute(
            select(ProposalHold.person_id, ProposalHold.user_id).where(
                ProposalHold.pdu_id == pdu_id,
                ProposalHold.opened_at >= since,
                ProposalHold.user_id != actor.user_id,
            )
        )
    }


def proposable_cases(session: Session, actor: Actor, pdu_id: int, as_at: date) -> list[int]:
    """The PDU's unallocated cases that no one else has open in a proposal, oldest first."""
    others = held_by_others(session, actor, pdu_id, as_at)
    return [
        item.case.person_id
        for item in queue(session, pdu_id, as_at)
        if item.case.person_id not in others
    ]


def open_proposal(
    session: Session,
    actor: Actor,
    pdu_id: int,
    person_ids: Sequence[int],
    *,
    as_at: date | None = None,
) -> tuple[int, ...]:
    """Hold these cases for the actor's proposal; those held by someone else are left out."""
    actor.require(*writes.ALLOCATING_ROLES, action="propose allocations")
    day = as_at or clock.today()
    others = held_by_others(session, actor, pdu_id, day)
    session.execute(
        delete(ProposalHold).where(
            (ProposalHold.user_id == actor.user_id)
            | (ProposalHold.person_id.in_(list(person_ids)))
            & (ProposalHold.person_id.not_in(list(others)))
        )
    )
    held = tuple(p for p in dict.fromkeys(person_ids) if p not in others)
    now = _now()
    session.add_all(
        ProposalHold(person_id=p, user_id=actor.user_id, pdu_id=pdu_id, opened_at=now) for p in held
    )
    audit.record(
        session,
        actor,
        "proposal.opened",
        "pdu",
        str(pdu_id),
        summary=f"Batch proposal opened for {len(held)} cases",
        after={"cases": list(held), "left_out": sorted(set(person_ids) & set(others))},
    )
    return held


def close_proposal(session: Session, actor: Actor, pdu_id: int) -> int:
    """Let go of the actor's held cases (the proposal is closed); how many were held."""
    ids = list(
        session.scalars(
            select(ProposalHold.id).where(
                ProposalHold.user_id == actor.user_id, ProposalHold.pdu_id == pdu_id
            )
        )
    )
    if ids:
        session.execute(delete(ProposalHold).where(ProposalHold.id.in_(ids)))
        audit.record(
            session, actor, "proposal.closed", "pdu", str(pdu_id), summary="Batch proposal closed"
        )
    return len(ids)


def _request_parts(
    session: Session,
    pdu_id: int,
    person_ids: Sequence[int],
    team_ids: Sequence[int] | None,
    as_at: date,
) -> tuple[list[CaseBrief], list[PractitionerSummary], BatchRequest]:
    workload = settings.workload_settings(session, as_at, pdu_id)
    wanted = set(person_ids)
    briefs = [item.case for item in queue(session, pdu_id, as_at) if item.case.person_id in wanted]
    teams = None if team_ids is None else set(team_ids)
    loads = [
        p
        for p in practitioner_loads(session, pdu_id, as_at, workload)
        if teams is None or p.team_id in teams
    ]
    away = availabilities(session, pdu_id, [p.staff_id for p in loads], as_at)
    request = BatchRequest(
        cases=tuple(BatchCase(b.person_id, b.crn, case_facts(b, as_at, workload)) for b in briefs),
        practitioners=tuple(
            BatchPractitioner(to_candidate(p, away.get(p.staff_id, AVAILABLE)), p.staff_code)
            for p in loads
        ),
        rules=ranking_rules(session, pdu_id, as_at),
        weights=allocation_weights(session, as_at, pdu_id),
    )
    return briefs, loads, request


def propose(
    session: Session,
    actor: Actor,
    pdu_id: int,
    person_ids: Sequence[int],
    as_at: date,
    team_ids: Sequence[int] | None = None,
    *,
    locked: Mapping[int, int] | None = None,
    previous: Mapping[int, int] | None = None,
    progress: Progress | None = None,
) -> ProposalView:
    """The proposal for these cases over the teams' practitioners (nothing is written).

    ``team_ids`` None: the SPO's own team (every team for the Head of PDU);
    ``locked``: lines the SPO fixed, case -> practitioner; ``previous``: the
    last proposal's choices, kept where nothing better comes of moving them.
    """
    actor.require(*writes.ALLOCATING_ROLES, action="propose allocations")
    if team_ids is None:
        home = home_team(session, actor)
        team_ids = None if home is None else (home,)
    briefs, loads, request = _request_parts(session, pdu_id, person_ids, team_ids, as_at)
    staff = {p.staff_id for p in loads}
    cases = {b.person_id for b in briefs}
    fixed = {c: s for c, s in (locked or {}).items() if c in cases}
    if set(fixed.values()) - staff:
        raise UserError("A locked line names a practitioner outside the teams proposed over.")
    request = BatchRequest(
        request.cases,
        request.practitioners,
        request.rules,
        request.weights,
        locked=fixed,
        previous={c: s for c, s in (previous or {}).items() if c in cases and s in staff},
    )
    return ProposalView(
        proposal=propose_batch(request, progress),
        cases=MappingProxyType({b.person_id: b for b in briefs}),
        practitioners=MappingProxyType({p.staff_id: p for p in loads}),
        teams=None if team_ids is None else tuple(team_ids),
    )


def accept(
    session: Session, actor: Actor, lines: Sequence[Acceptance], *, as_at: date | None = None
) -> list[int]:
    """Allocate each accepted line through the desk's own service; all or nothing.

    Returns the new allocations' ids; their cases leave the actor's proposal.
    """
    if not lines:
        raise UserError("Choose the lines to accept.")
    ids = [
        writes.allocate(
            session,
            actor,
            line.person_id,
            line.staff_id,
            line.expected_version,
            note=line.note,
            policy_reason=line.policy_reason,
            confirmed=line.confirmed,
            safeguard_reason=line.safeguard_reason,
            as_at=as_at,
        )
        for line in lines
    ]
    session.execute(
        delete(ProposalHold).where(ProposalHold.person_id.in_([line.person_id for line in lines]))
    )
    return ids


__all__ = [
    "Acceptance",
    "ProposalView",
    "accept",
    "close_proposal",
    "open_proposal",
    "proposable_cases",
    "propose",
]
