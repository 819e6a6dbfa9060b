"""Writing the planned demo rows with Core bulk inserts (fast, in the caller's transaction)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from app.db.models import Assessment, Event, Person, Pod, Reduction, Staff, Team
from app.services.demo.organisation import OrganisationPlan, StaffPlan
from app.services.demo.people import CasePlan, EventPlan
from app.services.demo.risk import AssessmentPlan


def insert_returning_ids(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in one batch; their new ids, in the order given."""
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, list(rows)))


def _staff_row(plan: StaffPlan, pdu_id: int, teams: list[int], pods: list[int]) -> dict[str, Any]:
    return {
        "staff_code": plan.staff_code,
        "forename": plan.forename,
        "surname": plan.surname,
        "grade": plan.grade.value,
        "gender": plan.gender,
        "contracted_hours": plan.contracted_hours,
        "pdu_id": pdu_id,
        "team_id": None if plan.team is None else teams[plan.team],
        "pod_id": None if plan.pod is None else pods[plan.pod],
        "specialisms": ";".join(s.value for s in plan.specialisms),
        "start_date": plan.start_date,
        "leave_date": plan.leave_date,
        "version": 1,
    }


def _reduction_rows(plan: StaffPlan, staff_id: int) -> list[dict[str, Any]]:
    return [
        {
            "staff_id": staff_id,
            "start_date": r.start,
            "end_date": r.end,
            "hours_per_week": r.hours_per_week,
            "reason": str(r.reason),
            "note": r.note,
            "is_absence": absence,
        }
        for absence, group in ((False, plan.reductions), (True, plan.absences))
        for r in group
    ]


def write_organisation(session: Session, pdu_id: int, org: OrganisationPlan) -> list[int]:
    """Teams, PODs, staff (each team led by its SPO) and reductions; the staff ids."""
    teams = insert_returning_ids(
        session,
        Team,
        [
            {"pdu_id": pdu_id, "name": n, "code": c, "spo_id": None, "version": 1}
            for n, c in org.teams
        ],
    )
    pods = insert_returning_ids(
        session, Pod, [{"team_id": teams[t], "name": n, "version": 1} for t, n in org.pods]
    )
    staff_ids = insert_returning_ids(
        session, Staff, [_staff_row(s, pdu_id, teams, pods) for s in org.staff]
    )
    for plan, staff_id in zip(org.staff, staff_ids, strict=True):
        if plan.grade == "SPO" and plan.team is not None:
            session.execute(update(Team).where(Team.id == teams[plan.team]).values(spo_id=staff_id))
    reductions = [
        row
        for plan, staff_id in zip(org.staff, staff_ids, strict=True)
        for row in _reduction_rows(plan, staff_id)
    ]
    if reductions:
        session.execute(insert(Reduction), reductions)
    return staff_ids


def _person_row(plan: CasePlan, pdu_id: int) -> dict[str, Any]:
    who = plan.who
    return {
        "crn": who.crn,
        "forename": who.forename,
        "surname": who.surname,
        "date_of_birth": who.date_of_birth,
        "gender": who.gender,
        "pdu_id": pdu_id,
        "female_practitioner_requested": who.female_requested,
        "ended_on": None,
        "version": 1,
    }


def _event_row(event: EventPlan, person_id: int) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "sentence_type": event.sentence_type.value,
        "sentence_date": event.sentence_date,
        "release_date": event.release_date,
        "end_date": event.end_date,
        "requirements": ";".join(r.value for r in event.requirements),
        "upw_hours_ordered": event.upw_hours_ordered,
        "upw_hours_completed": event.upw_hours_completed,
        "upw_assessment_date": event.upw_assessment_date,
        "upw_start_date": event.upw_start_date,
        "upw_intensive": event.upw_intensive,
        "ended_on": event.ended_on,
    }


def assessment_row(plan: AssessmentPlan, person_id: int) -> dict[str, Any]:
    """An ``assessment`` row: needs as JSON, factors ``;``-separated (as the importer)."""
    return {
        "person_id": person_id,
        "assessment_date": plan.assessment_date,
        "rosh": None if plan.rosh is None else plan.rosh.value,
        "rsr_percent": plan.rsr_percent,
        "ogrs_percent": plan.ogrs_percent,
        "mappa_level": plan.mappa_level,
        "mappa_category": plan.mappa_category,
        "complexity_factors": ";".join(f.value for f in plan.complexity_factors),
        "iom_nominal": plan.iom_nominal,
        "parenting_responsibilities": plan.parenting_responsibilities,
        "impulsivity_or_temper_control": plan.impulsivity_or_temper_control,
        "previous_enforcement": plan.previous_enforcement,
        "needs": json.dumps({n.value: s.value for n, s in plan.needs.items()}),
        "has_full_assessment": plan.has_full_assessment,
        "recorded_at": datetime.combine(plan.assessment_date, time(11, 0)),
    }


def write_cases(session: Session, pdu_id: int, plans: Sequence[CasePlan]) -> list[int]:
    """People, their sentences and first assessments (the earlier one of a staged rise)."""
    ids = insert_returning_ids(session, Person, [_person_row(p, pdu_id) for p in plans])
    events = [_event_row(e, pid) for p, pid in zip(plans, ids, strict=True) for e in p.events]
    session.execute(insert(Event), events)
    first = [(p.earlier or p.assessment, pid) for p, pid in zip(plans, ids, strict=True)]
    rows = [assessment_row(a, pid) for a, pid in first if a is not None]
    if rows:
        session.execute(insert(Assessment), rows)
    return ids


def write_latest_assessments(session: Session, plans: Sequence[tuple[CasePlan, int]]) -> None:
    """The new assessments of staged tier rises, after their earlier tier is recorded."""
    rows = [assessment_row(p.assessment, pid) for p, pid in plans if p.assessment is not None]
    if rows:
        session.execute(insert(Assessment), rows)
