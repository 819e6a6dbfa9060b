"""Builders for unpaid work tests: actors of each role, projects, sessions, people to book."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Event
from app.db.upw_models import UpwProject, UpwRequirement, UpwSession
from app.domain.codes import Role
from app.services.core.actor import Actor
from app.services.unpaid_work.requirements import sync_requirements
from tests import factories

_users = itertools.count(1)
TODAY = date(2026, 11, 25)  # a Wednesday
MONDAY = date(2026, 11, 23)


def actor(session: Session, role: Role, pdu_number: int = 17) -> Actor:
    """A signed-in user with one role, covering one PDU (17, the tests' PDU, unless told)."""
    n = next(_users)
    return factories.actor(session, role, pdus=(pdu_number,), name=f"{role.label} {n}")


@dataclass
class Upw:
    """A PDU with a supervisor, a team to hold cases, and the actors."""

    pdu_id: int
    manager: Actor
    admin: Actor
    supervisor_id: int
    second_supervisor_id: int
    pod_id: int


def setup(session: Session) -> Upw:
    pdu = factories.pdu(session)
    team = factories.team(session, pdu.id)
    pod = factories.pod(session, team.id)
    first = factories.staff(session, pod, grade="CP_SUPERVISOR", forename="Sam", surname="Sup")
    second = factories.staff(session, pod, grade="CP_SUPERVISOR", forename="Kim", surname="Vise")
    return Upw(
        pdu.id,
        actor(session, Role.UPW_MANAGER),
        actor(session, Role.ADMIN),
        first.id,
        second.id,
        pod.id,
    )


_codes = itertools.count(1)


def project(
    session: Session,
    pdu_id: int,
    *,
    project_type: str = "GROUP",
    places: int = 6,
    women_only: bool = False,
    high_rosh_suitable: bool = False,
    days: str = "0,1,2,3,4,5,6",
    name: str | None = None,
    start: time = time(9, 0),
    end: time = time(16, 0),
) -> UpwProject:
    n = next(_codes)
    p = UpwProject(
        pdu_id=pdu_id,
        code=f"P{n:03d}",
        name=name or f"Project {n}",
        project_type=project_type,
        beneficiary="Parks",
        address="1 Canal Street, Leeds",
        places=places,
        women_only=women_only,
        high_rosh_suitable=high_rosh_suitable,
        days=days,
        start_time=start,
        end_time=end,
    )
    session.add(p)
    session.flush()
    return p


def upw_session(
    session: Session,
    p: UpwProject,
    day: date,
    *,
    supervisor_id: int | None = None,
    places: int | None = None,
    start: time | None = None,
    end: time | None = None,
) -> UpwSession:
    s = UpwSession(
        project_id=p.id,
        day=day,
        start_time=start or p.start_time,
        end_time=end or p.end_time,
        places=places or p.places,
        supervisor_id=supervisor_id,
        version=1,
    )
    session.add(s)
    session.flush()
    return s


def person(
    session: Session,
    pdu_id: int,
    *,
    hours: float = 100,
    done: float | None = None,
    gender: str = "M",
    rosh: str = "MEDIUM",
    sentence_date: date = date(2026, 9, 1),
    intensive: bool = False,
    surname: str | None = None,
    consent: bool = False,
) -> tuple[int, UpwRequirement]:
    """A person on a community order with unpaid work hours, and their requirement."""
    p = factories.case(
        session,
        pdu_id,
        sentence_date=sentence_date,
        requirements="UPW",
        gender=gender,
        rosh=rosh,
        surname=surname,
    )
    event = session.scalar(select(Event).where(Event.person_id == p.id))
    assert event is not None
    event.upw_hours_ordered = hours
    event.upw_hours_completed = done
    event.upw_intensive = intensive
    session.flush()
    sync_requirements(session, [p.id], sentence_date + timedelta(days=1))
    req = session.scalar(select(UpwRequirement).where(UpwRequirement.person_id == p.id))
    assert req is not None
    req.all_male_group_consent = consent
    session.flush()
    return p.id, req


def version(session: Session, session_id: int) -> int:
    found = session.scalar(select(UpwSession.version).where(UpwSession.id == session_id))
    assert found is not None
    return found
