"""Every unpaid work write, called as every role: allowed or refused in the service (SPEC.md 1).

The unpaid work manager manages projects, sessions, supervisors and
placements; the unpaid work manager and case administrators record
attendance, stand-downs, rebookings and requirement details; SPOs, the Head
of PDU, VLOs and the command line only read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

import pytest

from app.domain.codes import Role
from app.domain.unpaid_work import Notice, Outcome, ProjectType, StandDownReason
from app.domain.unpaid_work_deadlines import MilestoneKind
from app.services.core.errors import PermissionDenied
from app.services.unpaid_work import attendance, booking, projects, requirements, standdowns
from app.services.unpaid_work.attendance import AttendanceEntry
from app.services.unpaid_work.projects import ProjectInput
from tests.services import upw_helpers as h

MANAGER = {Role.UPW_MANAGER}
RECORDERS = {Role.UPW_MANAGER, Role.ADMIN}
DAY = date(2026, 11, 28)
NEW = ProjectInput("NEW1", "New", ProjectType.GROUP, 5, frozenset({5}), time(9), time(16))

WRITES: dict[str, tuple[set[Role], Callable[..., Any]]] = {
    "save_project": (MANAGER, lambda s, a, w: projects.save_project(s, a, w["pdu"], NEW)),
    "create_sessions": (
        MANAGER,
        lambda s, a, w: projects.create_sessions(s, a, w["project"], DAY, DAY),
    ),
    "add_session": (
        MANAGER,
        lambda s, a, w: projects.add_session(s, a, w["project"], date(2026, 11, 30)),
    ),
    "change_session": (
        MANAGER,
        lambda s, a, w: projects.change_session(s, a, w["session"], 1, time(9), time(15), 6),
    ),
    "assign_supervisor": (
        MANAGER,
        lambda s, a, w: projects.assign_supervisor(s, a, w["session"], 1, w["supervisor"]),
    ),
    "swap_supervisors": (
        MANAGER,
        lambda s, a, w: projects.swap_supervisors(s, a, w["session"], 1, w["other"], 1),
    ),
    "book": (MANAGER, lambda s, a, w: booking.book(s, a, w["session"], 1, w["person"])),
    "unbook": (MANAGER, lambda s, a, w: booking.unbook(s, a, w["placement"], 1)),
    "rebook": (RECORDERS, lambda s, a, w: booking.rebook(s, a, w["placement"], w["other"], 1)),
    "record_attendance": (
        RECORDERS,
        lambda s, a, w: attendance.record_attendance(
            s, a, w["session"], 1, [AttendanceEntry(w["placement"], Outcome.AAME)]
        ),
    ),
    "mark_notified": (RECORDERS, lambda s, a, w: attendance.mark_notified(s, a, 1)),
    "stand_down": (
        RECORDERS,
        lambda s, a, w: standdowns.stand_down_session(
            s, a, w["session"], 1, StandDownReason.WEATHER, Notice.ADVANCE
        ),
    ),
    "plan_closure": (
        RECORDERS,
        lambda s, a, w: standdowns.plan_closure(s, a, w["pdu"], DAY, DAY, StandDownReason.WEATHER),
    ),
    "record_milestone": (
        RECORDERS,
        lambda s, a, w: requirements.record_milestone(
            s, a, w["requirement"], 1, MilestoneKind.ASSESSMENT, date(2026, 9, 5)
        ),
    ),
    "record_consent": (
        RECORDERS,
        lambda s, a, w: requirements.record_consent(s, a, w["requirement"], 1, True),
    ),
    "record_ending": (
        RECORDERS,
        lambda s, a, w: requirements.record_ending(
            s, a, w["requirement"], 1, "completed", date(2026, 11, 1)
        ),
    ),
    "record_extension": (
        RECORDERS,
        lambda s, a, w: requirements.record_extension(s, a, w["requirement"], 1, date(2027, 12, 1)),
    ),
}


@pytest.fixture
def world(session):  # type: ignore[no-untyped-def]
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id)
    s = h.upw_session(session, p, DAY)
    other = h.upw_session(session, h.project(session, upw.pdu_id), DAY)
    pid, req = h.person(session, upw.pdu_id)
    second, _ = h.person(session, upw.pdu_id)
    placement = booking.book(session, upw.manager, s.id, 1, second)
    session.commit()
    return {
        "pdu": upw.pdu_id,
        "project": p.id,
        "session": s.id,
        "other": other.id,
        "person": pid,
        "requirement": req.id,
        "placement": placement,
        "supervisor": upw.supervisor_id,
    }


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_write_is_allowed_only_to_its_roles(session, world, role: Role) -> None:
    """One store per role (a store per call would take minutes); each call rolled back."""
    who = h.actor(session, role)
    session.commit()
    wrong = []
    for name, (allowed, call) in sorted(WRITES.items()):
        try:
            call(session, who, world)
            refused = False
        except PermissionDenied as exc:
            assert "may not" in str(exc)
            refused = True
        except Exception:  # other rules may refuse these made-up arguments
            refused = False
        session.rollback()
        if refused == (role in allowed):
            wrong.append(name)
    assert wrong == []
