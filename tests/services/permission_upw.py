"""The unpaid work records of one PDU for the permission matrix, and how each service is called.

:func:`stage` writes, in a PDU, what every unpaid work service needs to run
for real: two projects, a session to come with one booking, a second session
of that day with a supervisor, a session stood down ahead (its person to
rebook), a past session with an enforceable outcome (its practitioner to
tell), a person with a running requirement not yet booked, and a spare
supervisor. Each table says who may call each service and calls it on a
place's records (``WRITES``, ``READS``); ``tests/services/test_permissions.py`` turns
them into rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Pod
from app.db.upw_models import UpwAttendance, UpwRequirement, UpwSession
from app.domain.codes import Role
from app.domain.unpaid_work import Notice, Outcome, ProjectType, StandDownReason
from app.domain.unpaid_work_deadlines import MilestoneKind
from app.services.core.actor import Actor
from app.services.unpaid_work import (
    attendance,
    booking,
    projects,
    requirements,
    schedule,
    sheets,
    standdown_view,
    standdowns,
    summary,
)
from app.services.unpaid_work.access import MANAGING, READING, RECORDING
from app.services.unpaid_work.attendance import AttendanceEntry
from app.services.unpaid_work.projects import ProjectInput
from tests import factories as f
from tests.services import upw_helpers as h

DAY = date(2026, 11, 28)
"""The coming Saturday: the session booked, and the second session of that day."""
STOOD_DOWN_DAY = date(2026, 11, 27)
PAST_DAY = date(2026, 11, 24)
NEW = ProjectInput("NEW1", "New", ProjectType.GROUP, 5, frozenset({5}), time(9), time(16))
WEATHER = StandDownReason.WEATHER


@dataclass(frozen=True)
class UpwPlace:
    """One PDU's unpaid work records, by id."""

    pdu_id: int
    project: int
    session: int
    other: int
    supervisor: int
    person: int
    requirement: int
    placement: int
    sent_away: int
    notice: int
    sheets: Path
    """Where the week's session sheets are written."""


def stage(session: Session, pdu_id: int, number: int, pod: Pod, sheets: Path) -> UpwPlace:
    """Write the PDU's unpaid work through the services, as its own unpaid work manager."""
    manager = f.actor(session, Role.UPW_MANAGER, pdus=(number,), username=f"upw.{number}")
    first = f.staff(session, pod, "CP_SUPERVISOR")
    spare = f.staff(session, pod, "CP_SUPERVISOR")
    project = h.project(session, pdu_id)
    booked = h.upw_session(session, project, DAY)
    other = h.upw_session(session, h.project(session, pdu_id), DAY, supervisor_id=first.id)
    stood = h.upw_session(session, project, STOOD_DOWN_DAY)
    past = h.upw_session(session, project, PAST_DAY)
    person, req = h.person(session, pdu_id)
    on, away, absent = (h.person(session, pdu_id)[0] for _ in range(3))
    placement = booking.book(session, manager, booked.id, 1, on)
    sent_away = booking.book(session, manager, stood.id, 1, away)
    standdowns.stand_down_session(session, manager, stood.id, 2, WEATHER, Notice.ADVANCE)
    missed = booking.book(session, manager, past.id, 1, absent)
    attendance.record_one(session, manager, past.id, 2, AttendanceEntry(missed, Outcome.UACP))
    notice = session.scalar(select(UpwAttendance.id).where(UpwAttendance.placement_id == missed))
    assert notice is not None
    return UpwPlace(
        pdu_id,
        project.id,
        booked.id,
        other.id,
        spare.id,
        person,
        req.id,
        placement,
        sent_away,
        notice,
        sheets,
    )


def _v(s: Session, session_id: int) -> int:
    return int(s.scalar(select(UpwSession.version).where(UpwSession.id == session_id)))


def _rv(s: Session, requirement_id: int) -> int:
    found = s.scalar(select(UpwRequirement.version).where(UpwRequirement.id == requirement_id))
    return int(found)


UpwCall = Callable[[Session, Actor, UpwPlace], object]


def _attend(s: Session, a: Actor, u: UpwPlace) -> object:
    entry = AttendanceEntry(u.placement, Outcome.AAME)
    return attendance.record_attendance(s, a, u.session, _v(s, u.session), [entry])


WRITES: dict[str, tuple[tuple[Role, ...], UpwCall]] = {
    "projects.save_project": (
        MANAGING,
        lambda s, a, u: projects.save_project(s, a, u.pdu_id, NEW),
    ),
    "projects.create_sessions": (
        MANAGING,
        lambda s, a, u: projects.create_sessions(
            s, a, u.project, date(2026, 12, 1), date(2026, 12, 2)
        ),
    ),
    "projects.add_session": (
        MANAGING,
        lambda s, a, u: projects.add_session(s, a, u.project, date(2026, 11, 30)),
    ),
    "projects.change_session": (
        MANAGING,
        lambda s, a, u: projects.change_session(
            s, a, u.session, _v(s, u.session), time(9), time(15), 6
        ),
    ),
    "projects.assign_supervisor": (
        MANAGING,
        lambda s, a, u: projects.assign_supervisor(s, a, u.session, _v(s, u.session), u.supervisor),
    ),
    "projects.swap_supervisors": (
        MANAGING,
        lambda s, a, u: projects.swap_supervisors(
            s, a, u.session, _v(s, u.session), u.other, _v(s, u.other)
        ),
    ),
    "booking.book": (
        MANAGING,
        lambda s, a, u: booking.book(s, a, u.session, _v(s, u.session), u.person),
    ),
    "booking.unbook": (
        MANAGING,
        lambda s, a, u: booking.unbook(s, a, u.placement, _v(s, u.session)),
    ),
    "booking.rebook": (
        RECORDING,
        lambda s, a, u: booking.rebook(s, a, u.sent_away, u.other, _v(s, u.other)),
    ),
    "attendance.record_attendance": (RECORDING, _attend),
    "attendance.record_one": (
        RECORDING,
        lambda s, a, u: attendance.record_one(
            s, a, u.session, _v(s, u.session), AttendanceEntry(u.placement, Outcome.AAME)
        ),
    ),
    "attendance.mark_notified": (
        RECORDING,
        lambda s, a, u: attendance.mark_notified(s, a, u.notice),
    ),
    "standdowns.stand_down_session": (
        RECORDING,
        lambda s, a, u: standdowns.stand_down_session(
            s, a, u.session, _v(s, u.session), WEATHER, Notice.ADVANCE
        ),
    ),
    "standdowns.plan_closure": (
        RECORDING,
        lambda s, a, u: standdowns.plan_closure(s, a, u.pdu_id, DAY, DAY, WEATHER),
    ),
    "requirements.record_milestone": (
        RECORDING,
        lambda s, a, u: requirements.record_milestone(
            s, a, u.requirement, _rv(s, u.requirement), MilestoneKind.ASSESSMENT, date(2026, 9, 5)
        ),
    ),
    "requirements.record_consent": (
        RECORDING,
        lambda s, a, u: requirements.record_consent(
            s, a, u.requirement, _rv(s, u.requirement), True
        ),
    ),
    "requirements.record_ending": (
        RECORDING,
        lambda s, a, u: requirements.record_ending(
            s, a, u.requirement, _rv(s, u.requirement), "completed", date(2026, 11, 1)
        ),
    ),
    "requirements.record_extension": (
        RECORDING,
        lambda s, a, u: requirements.record_extension(
            s, a, u.requirement, _rv(s, u.requirement), date(2027, 12, 1)
        ),
    ),
}
"""Each unpaid work write by its name under ``app.services.unpaid_work``."""


READS: dict[str, tuple[tuple[Role, ...], UpwCall]] = {
    "projects.list_projects": (READING, lambda s, a, u: projects.list_projects(s, a, u.pdu_id)),
    "projects.supervisors": (READING, lambda s, a, u: projects.supervisors(s, a, u.pdu_id, DAY)),
    "schedule.schedule": (READING, lambda s, a, u: schedule.schedule(s, a, u.pdu_id, DAY)),
    "schedule.bookable_people": (
        READING,
        lambda s, a, u: schedule.bookable_people(s, a, u.pdu_id),
    ),
    "sheets.week_sheets": (READING, lambda s, a, u: sheets.week_sheets(s, a, u.pdu_id, DAY)),
    "sheets.write_week_sheets": (
        READING,
        lambda s, a, u: sheets.write_week_sheets(s, a, u.pdu_id, DAY, u.sheets),
    ),
    "attendance.practitioner_notices": (
        READING,
        lambda s, a, u: attendance.practitioner_notices(s, a, u.pdu_id),
    ),
    "standdowns.to_rebook": (READING, lambda s, a, u: standdowns.to_rebook(s, a, u.pdu_id)),
    "standdowns.suitable_sessions": (
        READING,
        lambda s, a, u: standdowns.suitable_sessions(s, a, u.sent_away),
    ),
    "standdown_view.stand_downs_view": (
        READING,
        lambda s, a, u: standdown_view.stand_downs_view(s, a, u.pdu_id, DAY),
    ),
    "summary.person_summary": (READING, lambda s, a, u: summary.person_summary(s, a, u.person)),
    "summary.find_people": (READING, lambda s, a, u: summary.find_people(s, a, u.pdu_id)),
}
"""Each unpaid work read (every role, in the PDUs they cover) by its name."""
