"""The demo PDU's unpaid work, written after its cases (issue 18 point 8).

16 projects of every type, sessions from 8 weeks back to 4 weeks ahead,
bookings and realistic attendance, stand-downs of several reasons with both
notices (planned ones too), people rebooked, and people at risk of missing
their 12 months. Deterministic for a seed and relative to the clock; its own
random stream, so the rest of the demo is the same with or without it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Staff
from app.services.core.changes import Kind
from app.services.core.unit_of_work import touch
from app.services.demo.upw_people import Slot, UpwPeople
from app.services.demo.upw_projects import first_day, write_projects, write_sessions, write_staff
from app.services.unpaid_work.requirements import sync_requirements
from app.services.unpaid_work.rules import pdu_rules

_KINDS = (
    Kind.UPW_REQUIREMENT,
    Kind.UPW_PROJECT,
    Kind.UPW_SESSION,
    Kind.UPW_PLACEMENT,
    Kind.UPW_ATTENDANCE,
    Kind.UPW_STAND_DOWN,
    Kind.STAFF,
)


@dataclass(frozen=True)
class UpwDemo:
    projects: int
    sessions: int
    bookings: int
    stood_down: int
    rebooked: int


def write_unpaid_work(
    session: Session, pdu_id: int, seed: int, today: date, recorded_by: int | None
) -> UpwDemo:
    """Write the demo's unpaid work into the PDU, in the caller's transaction.

    A step of :func:`app.services.demo.generate.generate_demo`, which only the
    system account may run: it is not a service of its own and takes no actor,
    only the account its bookings and outcomes are recorded by.
    """
    rng = random.Random(seed * 7919 + 18)
    sync_requirements(session, None, today)
    rules = pdu_rules(session, pdu_id, today)
    codes = set(session.scalars(select(Staff.staff_code)))
    supervisors, _manager = write_staff(session, pdu_id, codes)
    projects = write_projects(session, pdu_id)
    rows = write_sessions(session, rng, projects, supervisors, today, rules.calendar)
    slots = [Slot(row, project) for row, project in rows]
    people = UpwPeople(session, rng, rules, today, recorded_by, first_day(today))
    people.load(pdu_id)
    people.book(slots)
    stood = people.record(slots)
    people.plan_closures(slots)
    rebooked = people.rebook(stood, slots)
    people.requirement_facts()
    session.flush()
    for kind in _KINDS:
        touch(session, kind, bulk=True)
    return UpwDemo(
        projects=len(projects),
        sessions=len(slots),
        bookings=sum(len(s.people) for s in slots),
        stood_down=people.stood_down,
        rebooked=rebooked,
    )
