"""Projects, their sessions and supervisors: the unpaid work manager's records (SPEC.md 1).

A project runs on some days of the week between its usual times; its
sessions are made for the days it runs (bank holidays skipped, as NDelius
skips non-working days), each with one supervisor and a number of places.
A supervisor is a community payback supervisor (or the unpaid work manager)
of the PDU, in post on the day and not supervising another session at the
same time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Staff
from app.db.upw_models import UpwPlacement, UpwProject, UpwSession, UpwStandDown
from app.domain.codes import Grade
from app.domain.parsing import format_date
from app.domain.unpaid_work import ProjectType
from app.domain.unpaid_work_hours import minutes_between
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import ConflictError, NotFound, UserError
from app.services.core.permissions import guarded_read, write_service
from app.services.unpaid_work import access
from app.services.unpaid_work.facts import session_and_project as _session
from app.services.unpaid_work.locks import lock
from app.services.unpaid_work.rules import pdu_rules
from app.services.unpaid_work.words import check_times

SUPERVISOR_GRADES = (Grade.CP_SUPERVISOR.value, Grade.UPW_MANAGER.value)
MAX_SESSIONS = 400
"""Sessions one request may create (a year of a project running daily, and more)."""


@dataclass(frozen=True)
class ProjectInput:
    """What the manager types for a project."""

    code: str
    name: str
    project_type: ProjectType
    places: int
    days: frozenset[int]
    start_time: time
    end_time: time
    women_only: bool = False
    high_rosh_suitable: bool = False
    beneficiary: str = ""
    address: str = ""
    active: bool = True


@dataclass(frozen=True)
class ProjectView:
    id: int
    code: str
    name: str
    project_type: ProjectType
    places: int
    days: frozenset[int]
    start_time: time
    end_time: time
    women_only: bool
    high_rosh_suitable: bool
    beneficiary: str
    address: str
    active: bool
    version: int


@dataclass(frozen=True)
class SupervisorView:
    id: int
    staff_code: str
    name: str


def days_text(days: frozenset[int]) -> str:
    return ",".join(str(d) for d in sorted(days))


def days_of(text: str) -> frozenset[int]:
    return frozenset(int(d) for d in text.split(",") if d.strip())


def _check_project(data: ProjectInput) -> None:
    if not data.code.strip() or not data.name.strip():
        raise UserError("A project needs a code and a name.")
    if not 1 <= data.places <= 100:
        raise UserError("A project has between 1 and 100 places.")
    if not data.days <= frozenset(range(7)):
        raise UserError("The days a project runs are Monday to Sunday.")
    check_times(data.start_time, data.end_time)


def _values(data: ProjectInput) -> dict[str, object]:
    return {
        "code": data.code.strip().upper(),
        "name": data.name.strip(),
        "project_type": data.project_type.value,
        "places": data.places,
        "days": days_text(data.days),
        "start_time": data.start_time,
        "end_time": data.end_time,
        "women_only": data.women_only,
        "high_rosh_suitable": data.high_rosh_suitable,
        "beneficiary": data.beneficiary.strip(),
        "address": data.address.strip(),
        "active": data.active,
    }


@write_service(*access.MANAGING, action=access.MANAGE_PROJECTS)
def save_project(
    session: Session,
    actor: Actor,
    pdu_id: int,
    data: ProjectInput,
    project_id: int | None = None,
    expected_version: int | None = None,
) -> int:
    """Add a project, or change one (with the version the user saw); returns its id."""
    access.require_pdu(actor, pdu_id, "manage the projects")
    _check_project(data)
    values = _values(data)
    clash = session.scalar(
        select(UpwProject.id).where(UpwProject.pdu_id == pdu_id, UpwProject.code == values["code"])
    )
    if clash is not None and clash != project_id:
        raise UserError(f"There is already a project with the code {values['code']}.")
    if project_id is None:
        project = UpwProject(pdu_id=pdu_id, **values)
        session.add(project)
        session.flush()
        before: dict[str, object] | None = None
    else:
        found = session.get(UpwProject, project_id)
        if found is None or found.pdu_id != pdu_id:
            raise NotFound("That project no longer exists.")
        lock(session, UpwProject, found.id, expected_version or 0)
        project = found
        before = {name: getattr(project, name) for name in values}
        for name, value in values.items():
            setattr(project, name, value)
    audit.record(
        session,
        actor,
        "upw.project.saved",
        "upw_project",
        project.id,
        summary=f"Project {project.code} {'changed' if before else 'added'}",
        before=before,
        after=values,
    )
    return project.id


@guarded_read(*access.READING, action=access.SEE)
def list_projects(
    session: Session, actor: Actor, pdu_id: int, active_only: bool = False
) -> list[ProjectView]:
    """The PDU's projects (only those running when ``active_only``), by name."""
    access.require_pdu(actor, pdu_id, access.SEE)
    query = select(UpwProject).where(UpwProject.pdu_id == pdu_id)
    if active_only:
        query = query.where(UpwProject.active.is_(True))
    return [
        ProjectView(
            p.id,
            p.code,
            p.name,
            ProjectType(p.project_type),
            p.places,
            days_of(p.days),
            p.start_time,
            p.end_time,
            p.women_only,
            p.high_rosh_suitable,
            p.beneficiary,
            p.address,
            p.active,
            p.version,
        )
        for p in session.scalars(query.order_by(UpwProject.name, UpwProject.code))
    ]


def _project(session: Session, actor: Actor, project_id: int) -> UpwProject:
    project = session.get(UpwProject, project_id)
    if project is None:
        raise NotFound("That project no longer exists.")
    access.require_pdu(actor, project.pdu_id, "manage the sessions")
    return project


@write_service(*access.MANAGING, action=access.MANAGE_SESSIONS)
def create_sessions(
    session: Session,
    actor: Actor,
    project_id: int,
    first_day: date,
    last_day: date,
    supervisor_id: int | None = None,
) -> list[int]:
    """A session on each day the project runs from ``first_day`` to ``last_day``.

    Days that already have a session, and bank holidays, are skipped.
    Returns the new sessions' ids.
    """
    project = _project(session, actor, project_id)
    if last_day < first_day:
        raise UserError("The last day comes before the first.")
    if (last_day - first_day).days > MAX_SESSIONS:
        raise UserError(f"Make sessions for at most {MAX_SESSIONS} days at a time.")
    calendar = pdu_rules(session, project.pdu_id, first_day).calendar
    have = set(
        session.scalars(
            select(UpwSession.day).where(
                UpwSession.project_id == project.id,
                UpwSession.day >= first_day,
                UpwSession.day <= last_day,
            )
        )
    )
    runs = days_of(project.days)
    days = [
        first_day + timedelta(days=n)
        for n in range((last_day - first_day).days + 1)
        if (first_day + timedelta(days=n)).weekday() in runs
    ]
    days = [d for d in days if d not in have and not calendar.holidays_between(d, d)]
    made = [
        _new_session(session, project, d, project.start_time, project.end_time, project.places)
        for d in days
    ]
    for row, day in zip(made, days, strict=True):
        if supervisor_id is not None:
            _set_supervisor(session, row, supervisor_id, project.pdu_id, day)
    session.flush()
    audit.record(
        session,
        actor,
        "upw.sessions.created",
        "upw_project",
        project.id,
        summary=f"{len(made)} session(s) of {project.code} from {format_date(first_day)} "
        f"to {format_date(last_day)}",
        extra={"days": days},
    )
    return [row.id for row in made]


def _new_session(
    session: Session, project: UpwProject, day: date, start: time, end: time, places: int
) -> UpwSession:
    row = UpwSession(
        project_id=project.id, day=day, start_time=start, end_time=end, places=places, version=1
    )
    session.add(row)
    return row


@write_service(*access.MANAGING, action=access.MANAGE_SESSIONS)
def add_session(
    session: Session,
    actor: Actor,
    project_id: int,
    day: date,
    start: time | None = None,
    end: time | None = None,
    places: int | None = None,
) -> int:
    """One session of a project on a day (any day: a one-off); returns its id."""
    project = _project(session, actor, project_id)
    start, end = start or project.start_time, end or project.end_time
    check_times(start, end)
    count = project.places if places is None else places
    if not 1 <= count <= 100:
        raise UserError("A session has between 1 and 100 places.")
    exists = session.scalar(
        select(UpwSession.id).where(UpwSession.project_id == project.id, UpwSession.day == day)
    )
    if exists is not None:
        raise UserError(f"{project.name} already has a session on {format_date(day)}.")
    row = _new_session(session, project, day, start, end, count)
    session.flush()
    audit.record(
        session,
        actor,
        "upw.session.added",
        "upw_session",
        row.id,
        summary=f"Session of {project.code} on {format_date(day)}",
    )
    return row.id


@write_service(*access.MANAGING, action=access.MANAGE_SESSIONS)
def change_session(
    session: Session,
    actor: Actor,
    session_id: int,
    expected_version: int,
    start: time,
    end: time,
    places: int,
) -> int:
    """Change a session's times or places (the version the user saw)."""
    row, project = _session(session, session_id)
    access.require_pdu(actor, project.pdu_id, "manage the sessions")
    check_times(start, end)
    booked = len(
        session.scalars(select(UpwPlacement.id).where(UpwPlacement.session_id == row.id)).all()
    )
    if not 1 <= places <= 100:
        raise UserError("A session has between 1 and 100 places.")
    if places < booked:
        raise UserError(f"{booked} people are booked: unbook some before cutting the places.")
    lock(session, UpwSession, row.id, expected_version)
    before = {"start_time": row.start_time, "end_time": row.end_time, "places": row.places}
    row.start_time, row.end_time, row.places = start, end, places
    audit.record(
        session,
        actor,
        "upw.session.changed",
        "upw_session",
        row.id,
        summary=f"Session of {project.code} on {format_date(row.day)} changed",
        before=before,
        after={"start_time": start, "end_time": end, "places": places},
    )
    return row.id


# --- supervisors -----------------------------------------------------------------------


@guarded_read(*access.READING, action=access.SEE)
def supervisors(session: Session, actor: Actor, pdu_id: int, day: date) -> list[SupervisorView]:
    """The PDU's community payback supervisors (and UPW managers) in post on a day."""
    access.require_pdu(actor, pdu_id, access.SEE)
    rows = session.scalars(
        select(Staff)
        .where(Staff.pdu_id == pdu_id, Staff.grade.in_(SUPERVISOR_GRADES))
        .order_by(Staff.surname, Staff.forename)
    )
    return [
        SupervisorView(s.id, s.staff_code, f"{s.forename} {s.surname}")
        for s in rows
        if _in_post(s, day)
    ]


def _in_post(staff: Staff, day: date) -> bool:
    return not (staff.start_date and staff.start_date > day) and not (
        staff.leave_date and staff.leave_date <= day
    )


def _set_supervisor(
    session: Session, row: UpwSession, supervisor_id: int | None, pdu_id: int, day: date
) -> None:
    if supervisor_id is None:
        row.supervisor_id = None
        return
    staff = session.get(Staff, supervisor_id)
    if staff is None:
        raise NotFound("That supervisor is no longer on the staff list.")
    name = f"{staff.forename} {staff.surname}"
    if staff.pdu_id != pdu_id or staff.grade not in SUPERVISOR_GRADES:
        raise UserError(f"{name} is not a community payback supervisor of this PDU.")
    if not _in_post(staff, day):
        raise UserError(f"{name} is not in post on {format_date(day)}.")
    session.flush()
    for other, project in session.execute(
        select(UpwSession, UpwProject)
        .join(UpwProject, UpwProject.id == UpwSession.project_id)
        .where(
            UpwSession.supervisor_id == staff.id,
            UpwSession.day == day,
            UpwSession.id != row.id,
        )
    ):
        if other.start_time < row.end_time and row.start_time < other.end_time:
            raise UserError(
                f"{name} already supervises {project.name} on {format_date(day)} at that time."
            )
    row.supervisor_id = staff.id


@write_service(*access.MANAGING, action=access.ASSIGN_SUPERVISORS)
def assign_supervisor(
    session: Session,
    actor: Actor,
    session_id: int,
    expected_version: int,
    supervisor_id: int | None,
) -> int:
    """Give a session its supervisor (None takes the supervisor off)."""
    row, project = _session(session, session_id)
    access.require_pdu(actor, project.pdu_id, "assign supervisors")
    _not_stood_down(session, row)
    before = row.supervisor_id
    _set_supervisor(session, row, supervisor_id, project.pdu_id, row.day)
    lock(session, UpwSession, row.id, expected_version)
    audit.record(
        session,
        actor,
        "upw.supervisor.assigned",
        "upw_session",
        row.id,
        summary=f"Supervisor of {project.code} on {format_date(row.day)}",
        before={"supervisor_id": before},
        after={"supervisor_id": supervisor_id},
    )
    return row.id


@write_service(*access.MANAGING, action=access.ASSIGN_SUPERVISORS)
def swap_supervisors(
    session: Session,
    actor: Actor,
    first_id: int,
    first_version: int,
    second_id: int,
    second_version: int,
) -> tuple[int, int]:
    """Exchange the supervisors of two sessions of one day."""
    first, first_project = _session(session, first_id)
    second, second_project = _session(session, second_id)
    for project in (first_project, second_project):
        access.require_pdu(actor, project.pdu_id, "assign supervisors")
    if first.day != second.day or first.id == second.id:
        raise UserError("Supervisors are swapped between two sessions of the same day.")
    for row in (first, second):
        _not_stood_down(session, row)
    a, b = first.supervisor_id, second.supervisor_id
    first.supervisor_id = second.supervisor_id = None
    session.flush()
    _set_supervisor(session, first, b, first_project.pdu_id, first.day)
    _set_supervisor(session, second, a, second_project.pdu_id, second.day)
    lock(session, UpwSession, first.id, first_version)
    lock(session, UpwSession, second.id, second_version)
    for row, project, before, after in (
        (first, first_project, a, b),
        (second, second_project, b, a),
    ):
        audit.record(
            session,
            actor,
            "upw.supervisor.swapped",
            "upw_session",
            row.id,
            summary=f"Supervisor of {project.code} on {format_date(row.day)} swapped",
            before={"supervisor_id": before},
            after={"supervisor_id": after},
        )
    return first.id, second.id


def _not_stood_down(session: Session, row: UpwSession) -> None:
    if session.scalar(select(UpwStandDown.id).where(UpwStandDown.session_id == row.id)):
        raise ConflictError(f"The session on {format_date(row.day)} has been stood down.")


def session_minutes(row: UpwSession) -> int:
    return minutes_between(row.start_time, row.end_time)
