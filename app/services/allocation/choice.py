"""What an allocation to a chosen practitioner needs recorded (DOMAIN.md 2, issue 16).

Two checks, each asking the SPO for a recorded reason to go ahead and never
silently blocking: the PO allocation policy (a PQiP with a High RoSH case
needs the SPO's confirmation instead), and the safeguards (a practitioner
absent, leaving, or over the flagged capacity after the case). The service
refuses a choice that lacks what it needs; the desk asks for it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    Integer,
    String,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from app.db.models import CaseloadRow, Pdu, Person, Reduction, Region, Staff
from app.db.readmodel import active_case_condition
from app.domain.allocation import (
    Candidate,
    PolicyVerdict,
    RankingRules,
    SafeguardVerdict,
    policy_verdict,
    safeguard_verdict,
)
from app.domain.availability import Absence, Availability
from app.domain.availability import availability as availability_on
from app.domain.codes import PRACTITIONER_GRADES, Grade, Rosh, SentenceType
from app.domain.workload import (
    PractitionerLoad,
    WorkloadSettings,
    available_points,
    case_points,
    reduction_hours_on,
)
from app.domain.workload import Reduction as ReductionRule
from app.services.allocation.queue import row_facts
from app.services.core import settings
from app.services.core.actor import Actor
from app.services.core.errors import UserError
from app.services.core.reference import WALES_REGION


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


def check_choice(session: Session, row: CaseloadRow, staff: Staff, day: date) -> ChoiceCheck:
    """The policy verdict and the safeguard verdict of giving the case to ``staff``.

    Kept to three small queries beyond the settings (the desk's write path is
    counted): the practitioner's cases, their reductions and the PDU's nation.
    """
    workload = settings.workload_settings(session, day, row.pdu_id)
    case = row_facts(row, day, workload)
    policy = policy_verdict(case, staff.grade, staff.gender)
    if staff.grade not in {g.value for g in PRACTITIONER_GRADES}:
        return ChoiceCheck(policy, SafeguardVerdict())  # refused before this is asked
    rules = RankingRules(
        po_mix_min_cases=int(settings.get(session, "po_mix_min_cases", day, row.pdu_id)),
        over_capacity_percent=workload.over_capacity_percent,
        flagged_capacity_percent=workload.flagged_capacity_percent,
    )
    candidate = _candidate(session, row.pdu_id, staff, day, workload)
    return ChoiceCheck(policy, safeguard_verdict(case, candidate, rules))


def _cases_and_reductions(session: Session, staff_id: int, day: date) -> list[Any]:
    """The practitioner's active cases (grouped) and reductions, in one statement.

    Rows are ("case", sentence type, tier, RoSH, count, ...) or ("reduction",
    reason, ..., start, end, hours a week, absence?): the desk's write path is
    counted, and one statement is cheaper than two.
    """
    cases = (
        select(
            literal("case").label("kind"),
            CaseloadRow.sentence_type.label("a"),
            CaseloadRow.tier.label("b"),
            CaseloadRow.rosh.label("c"),
            func.count().label("n"),
            cast(null(), Date).label("start"),
            cast(null(), Date).label("end"),
            cast(null(), Float).label("hours"),
            cast(null(), Boolean).label("absence"),
        )
        .where(CaseloadRow.staff_id == staff_id, active_case_condition(day))
        .group_by(CaseloadRow.sentence_type, CaseloadRow.tier, CaseloadRow.rosh)
    )
    reductions = select(
        literal("reduction"),
        Reduction.reason,
        cast(null(), String),
        cast(null(), String),
        cast(null(), Integer),
        Reduction.start_date,
        Reduction.end_date,
        Reduction.hours_per_week,
        Reduction.is_absence,
    ).where(Reduction.staff_id == staff_id)
    return list(session.execute(union_all(cases, reductions)))


def _candidate(
    session: Session, pdu_id: int, staff: Staff, day: date, workload: WorkloadSettings
) -> Candidate:
    """The practitioner's load and availability on ``day`` (DOMAIN.md 4a, issue 16)."""
    points = high = medium_low = unassessed = 0
    hours, away = [], []
    contracted = staff.contracted_hours
    for kind, a, tier, rosh, n, start, end, per_week, is_absence in _cases_and_reductions(
        session, staff.id, day
    ):
        if kind == "case":
            points += case_points(workload, SentenceType(a), tier) * n
            is_high = rosh is not None and Rosh(rosh).is_high
            high += n if is_high else 0
            medium_low += n if rosh is not None and not is_high else 0
            unassessed += n if rosh is None else 0
            continue
        hours.append(ReductionRule(start, end, contracted if is_absence else per_week, a))
        full = is_absence or (contracted > 0 and per_week >= contracted)
        if full and (end is None or end >= day):
            away.append(Absence(start, end))
    reduced = reduction_hours_on(hours, contracted, day)
    grade = Grade(staff.grade)
    load = PractitionerLoad(
        points,
        available_points(workload, grade, contracted, reduced),
        high + medium_low + unassessed,
        high,
        medium_low,
        unassessed,
    )
    name = f"{staff.forename} {staff.surname}"
    # No absence to come, and leaving (if at all) beyond any reach of the working
    # days looked at: nothing more to look up (the desk's write path is counted).
    days = int(settings.get(session, "safeguard_working_days", day, pdu_id))
    reach = day + timedelta(days=2 * days + 14)
    far = staff.leave_date is None or staff.leave_date > reach
    if not away and far:
        return Candidate(staff.id, name, grade, load)
    return Candidate(
        staff.id, name, grade, load, availability=_availability(session, pdu_id, staff, day, away)
    )


def _availability(
    session: Session, pdu_id: int, staff: Staff, day: date, away: list[Absence]
) -> Availability:
    welsh = (
        session.scalar(
            select(Region.code).join(Pdu, Pdu.region_id == Region.id).where(Pdu.id == pdu_id)
        )
        == WALES_REGION
    )
    return availability_on(
        away,
        staff.leave_date,
        day,
        settings.working_calendar(session, day, welsh=welsh),
        int(settings.get(session, "safeguard_working_days", day, pdu_id)),
        int(settings.get(session, "safeguard_absent_days", day, pdu_id)),
    )


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
