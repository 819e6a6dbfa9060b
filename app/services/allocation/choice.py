"""What an allocation to a chosen practitioner needs recorded (DOMAIN.md 2, issue 16).

Two checks, each asking the SPO for a recorded reason to go ahead and never
silently blocking: the PO allocation policy (a PQiP with a High RoSH case
needs the SPO's confirmation instead), and the safeguards (a practitioner
absent, leaving, or over the flagged capacity after the case). The service
refuses a choice that lacks what it needs; the desk asks for it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.db.models import Person, Staff
from app.domain.allocation import (
    PolicyVerdict,
    SafeguardVerdict,
    policy_verdict,
    safeguard_verdict,
)
from app.domain.availability import AVAILABLE
from app.services.allocation.availability import availabilities
from app.services.allocation.queue import case_brief, case_facts, ranking_rules, to_candidate
from app.services.core import settings
from app.services.core.actor import Actor
from app.services.core.errors import UserError
from app.services.teams.workload import practitioner_loads


@dataclass(frozen=True)
class ChoiceCheck:
    """The policy and the safeguards for one case and one practitioner on a day."""

    policy: PolicyVerdict
    safeguard: SafeguardVerdict


@dataclass(frozen=True)
class Recorded:
    """What the allocation row keeps: outside policy and why; the safeguard overridden and why."""

    outside_policy: bool
    policy_reason: str
    safeguard_warning: str
    safeguard_reason: str


def check_choice(session: Session, person: Person, staff: Staff, day: date) -> ChoiceCheck:
    """The policy verdict and the safeguard verdict of giving ``person`` to ``staff``."""
    brief = case_brief(session, person.id)
    workload = settings.workload_settings(session, day, person.pdu_id)
    case = case_facts(brief, day, workload)
    policy = policy_verdict(case, staff.grade, staff.gender)
    loads = practitioner_loads(session, person.pdu_id, day, workload, staff_ids=[staff.id])
    if not loads:  # not in post: refused before this is asked
        return ChoiceCheck(policy, SafeguardVerdict())
    away = availabilities(session, person.pdu_id, [staff.id], day)
    candidate = to_candidate(loads[0], away.get(staff.id, AVAILABLE))
    rules = ranking_rules(session, person.pdu_id, day)
    return ChoiceCheck(policy, safeguard_verdict(case, candidate, rules))


def recorded(
    actor: Actor,
    person: Person,
    staff: Staff,
    check: ChoiceCheck,
    policy_reason: str,
    confirmed: bool,
    safeguard_reason: str,
) -> Recorded:
    """The reasons to keep, or UserError naming what is missing (DOMAIN.md 2, issue 16)."""
    name = f"{staff.forename} {staff.surname}"
    verdict, safeguard = check.policy, check.safeguard
    if verdict.outside_policy and not policy_reason:
        raise UserError(
            f"Allocating {person.crn} to {name} is outside the allocation policy "
            f"({verdict.reason}). Record a reason to go ahead."
        )
    if verdict.needs_confirmation and not confirmed:
        raise UserError(
            f"{name} is a PQiP: holding a High RoSH case needs the SPO's recorded "
            "confirmation. Tick the confirmation to go ahead."
        )
    if safeguard.blocked and not safeguard_reason:
        raise UserError(
            f"{name} cannot take {person.crn} now ({safeguard.reason}). "
            "Record a reason to go ahead."
        )
    kept = policy_reason if verdict.outside_policy else ""
    if verdict.needs_confirmation:
        confirmation = f"PQiP holding a High RoSH case confirmed by {actor.display_name}"
        kept = f"{confirmation}; {kept}" if kept else confirmation
    if not safeguard.blocked:
        return Recorded(verdict.outside_policy, kept, "", "")
    return Recorded(verdict.outside_policy, kept, safeguard.reason, safeguard_reason)
