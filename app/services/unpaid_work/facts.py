"""Reading what the booking rules and the hours need: sessions, people, credits, bookings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.bulk import in_ids
from app.db.models import CaseloadRow, Person
from app.db.upw_models import (
    UpwAttendance,
    UpwPlacement,
    UpwProject,
    UpwRequirement,
    UpwSession,
)
from app.domain.codes import Gender, Rosh
from app.domain.unpaid_work import ProjectType
from app.domain.unpaid_work_booking import PersonFacts, ProjectFacts, SessionFacts
from app.domain.unpaid_work_hours import CreditedSession
from app.services.core.errors import NotFound

_GENDERS = {g.value for g in Gender}
_ROSH = {r.value for r in Rosh}


def project_facts(project: UpwProject) -> ProjectFacts:
    return ProjectFacts(
        project.id,
        project.name,
        ProjectType(project.project_type),
        project.women_only,
        project.high_rosh_suitable,
    )


def session_facts_of(row: UpwSession, project: UpwProject) -> SessionFacts:
    return SessionFacts(
        row.id,
        project_facts(project),
        row.day,
        row.start_time,
        row.end_time,
        row.places,
        row.supervisor_id,
    )


def sessions_on(
    session: Session, pdu_id: int, first_day: date, last_day: date
) -> dict[int, SessionFacts]:
    """Every session of the PDU's projects from ``first_day`` to ``last_day``."""
    rows = session.execute(
        select(UpwSession, UpwProject)
        .join(UpwProject, UpwProject.id == UpwSession.project_id)
        .where(
            UpwProject.pdu_id == pdu_id,
            UpwSession.day >= first_day,
            UpwSession.day <= last_day,
        )
    ).all()
    return {s.id: session_facts_of(s, p) for s, p in rows}


def people_facts(session: Session, person_ids: Iterable[int]) -> dict[int, PersonFacts]:
    """Name, gender, RoSH and a woman's recorded consent to an all-male group."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    consent: set[int] = set(
        session.scalars(
            select(UpwRequirement.person_id).where(
                in_ids(UpwRequirement.person_id, ids),
                UpwRequirement.all_male_group_consent.is_(True),
            )
        )
    )
    found: dict[int, PersonFacts] = {}
    for pid, forename, surname, gender, rosh in session.execute(
        select(Person.id, Person.forename, Person.surname, Person.gender, CaseloadRow.rosh)
        .outerjoin(CaseloadRow, CaseloadRow.person_id == Person.id)
        .where(in_ids(Person.id, ids))
    ):
        found[pid] = PersonFacts(
            pid,
            f"{forename} {surname}",
            Gender(gender) if gender in _GENDERS else None,
            Rosh(rosh) if rosh in _ROSH else None,
            pid in consent,
        )
    return found


def bookings_of(session: Session, session_ids: Sequence[int]) -> dict[int, list[int]]:
    """The people booked on each session (stood-down bookings included)."""
    booked: dict[int, list[int]] = defaultdict(list)
    if not session_ids:
        return booked
    for sid, pid in session.execute(
        select(UpwPlacement.session_id, UpwPlacement.person_id)
        .where(in_ids(UpwPlacement.session_id, sorted(session_ids)))
        .order_by(UpwPlacement.id)
    ):
        booked[sid].append(pid)
    return booked


def other_bookings(
    session: Session, person_ids: Iterable[int], first_day: date, last_day: date
) -> dict[int, list[SessionFacts]]:
    """Each person's bookings on those days, with the session's facts."""
    ids = sorted(set(person_ids))
    found: dict[int, list[SessionFacts]] = defaultdict(list)
    if not ids:
        return found
    for pid, row, project in session.execute(
        select(UpwPlacement.person_id, UpwSession, UpwProject)
        .join(UpwSession, UpwSession.id == UpwPlacement.session_id)
        .join(UpwProject, UpwProject.id == UpwSession.project_id)
        .where(
            in_ids(UpwPlacement.person_id, ids),
            UpwSession.day >= first_day,
            UpwSession.day <= last_day,
        )
    ):
        found[pid].append(session_facts_of(row, project))
    return found


def credits_of(
    session: Session, requirement_ids: Sequence[int], *, leave_out: int | None = None
) -> dict[int, list[CreditedSession]]:
    """The credited attendance of each requirement, by session day.

    ``leave_out``: a placement whose own attendance is being recorded again.
    """
    found: dict[int, list[CreditedSession]] = defaultdict(list)
    if not requirement_ids:
        return found
    query = (
        select(
            UpwPlacement.requirement_id,
            UpwSession.day,
            UpwAttendance.work_minutes,
            UpwAttendance.travel_minutes,
            UpwAttendance.ete_minutes,
        )
        .join(UpwPlacement, UpwPlacement.id == UpwAttendance.placement_id)
        .join(UpwSession, UpwSession.id == UpwPlacement.session_id)
        .where(in_ids(UpwPlacement.requirement_id, sorted(set(requirement_ids))))
    )
    if leave_out is not None:
        query = query.where(UpwPlacement.id != leave_out)
    for rid, day, work, travel, ete in session.execute(query):
        if work or travel:
            found[rid].append(CreditedSession(day, work, travel, ete))
    return found


def session_and_project(session: Session, session_id: int) -> tuple[UpwSession, UpwProject]:
    """A session and its project; NotFound when the session has gone."""
    found = session.execute(
        select(UpwSession, UpwProject)
        .join(UpwProject, UpwProject.id == UpwSession.project_id)
        .where(UpwSession.id == session_id)
    ).first()
    if found is None:
        raise NotFound("That session no longer exists.")
    return found[0], found[1]
