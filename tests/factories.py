"""Small builders of records for tests: a PDU with teams, PODs, staff and cases."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    Allocation,
    AppUser,
    Assessment,
    Event,
    Pdu,
    Person,
    Pod,
    Staff,
    Team,
    UserPdu,
    UserRole,
    UserTeam,
)
from app.db.readmodel import refresh_cases
from app.domain.codes import Role
from app.services.caseload import tiers
from app.services.core.actor import Actor, load_actor
from app.services.users import passwords

_crn = itertools.count(100001)
_user = itertools.count(1)
PASSWORD = "correct staple battery horse"
"""The password of every account these factories make."""
_staff = itertools.count(1)
NOW = datetime(2026, 11, 25, 9, 0)


def pdu(session: Session, number: int = 17) -> Pdu:
    found = session.scalar(select(Pdu).where(Pdu.number == number))
    assert found is not None
    return found


def team(session: Session, pdu_id: int, name: str = "Team North") -> Team:
    t = Team(pdu_id=pdu_id, name=name)
    session.add(t)
    session.flush()
    return t


def pod(session: Session, team_id: int, name: str = "POD 1") -> Pod:
    p = Pod(team_id=team_id, name=name)
    session.add(p)
    session.flush()
    return p


def staff(session: Session, pod_: Pod, grade: str = "PO", **kw: Any) -> Staff:
    n = next(_staff)
    values: dict[str, Any] = {
        "staff_code": f"N07T{n:03d}",
        "forename": kw.pop("forename", f"Prac{n}"),
        "surname": kw.pop("surname", f"Titioner{n}"),
        "grade": grade,
        "gender": kw.pop("gender", "F"),
        "contracted_hours": kw.pop("contracted_hours", 37.0),
        "pdu_id": session.get(Team, pod_.team_id).pdu_id,  # type: ignore[union-attr]
        "team_id": pod_.team_id,
        "pod_id": pod_.id,
    }
    values.update(kw)
    s = Staff(**values)
    session.add(s)
    session.flush()
    return s


def case(
    session: Session,
    pdu_id: int,
    *,
    sentence_type: str = "CO",
    sentence_date: date = date(2026, 11, 20),
    release_date: date | None = None,
    requirements: str = "RAR",
    rosh: str | None = "MEDIUM",
    mappa_level: int | None = None,
    gender: str = "M",
    staff_id: int | None = None,
    surname: str | None = None,
    forename: str = "Alex",
    as_at: date = date(2026, 11, 25),
    needs: dict[str, str] | None = None,
    ogrs: int | None = 30,
    female_requested: bool = False,
) -> Person:
    """A person with one sentence, an assessment, a computed tier and a read row."""
    n = next(_crn)
    p = Person(
        crn=f"X{n:06d}",
        forename=forename,
        surname=surname or f"Case{n}",
        date_of_birth=date(1990, 1, 1),
        gender=gender,
        pdu_id=pdu_id,
        female_practitioner_requested=female_requested,
    )
    session.add(p)
    session.flush()
    session.add(
        Event(
            person_id=p.id,
            sentence_type=sentence_type,
            sentence_date=sentence_date,
            release_date=release_date,
            requirements=requirements,
        )
    )
    session.add(
        Assessment(
            person_id=p.id,
            assessment_date=sentence_date,
            rosh=rosh,
            ogrs_percent=ogrs,
            mappa_level=mappa_level,
            needs=json.dumps(needs or {"ACCOMMODATION": "STANDARD"}),
            has_full_assessment=True,
            recorded_at=NOW,
        )
    )
    if staff_id is not None:
        session.add(
            Allocation(person_id=p.id, staff_id=staff_id, start_date=sentence_date, recorded_at=NOW)
        )
    session.flush()
    tiers.recompute(session, [p.id], as_at)
    refresh_cases(session, [p.id], as_at)
    return p


def actor(
    session: Session,
    *roles: Role,
    pdus: tuple[int, ...] = (17,),
    teams: tuple[int, ...] = (),
    staff: Staff | None = None,
    username: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    must_change: bool = False,
) -> Actor:
    """A stored account with these roles, covering PDUs (by number) and teams (by id)."""
    n = next(_user)
    user = AppUser(
        username=username or f"user{n}",
        display_name=name or f"User {n}",
        staff_id=staff.id if staff else None,
        password_hash=passwords.hash_password(session, password),
        active=True,
        failed_attempts=0,
        must_change_password=must_change,
        version=1,
    )
    session.add(user)
    session.flush()
    session.add_all(UserRole(user_id=user.id, role=r.value) for r in roles)
    session.add_all(UserPdu(user_id=user.id, pdu_id=pdu(session, p).id) for p in pdus)
    session.add_all(UserTeam(user_id=user.id, team_id=t) for t in teams)
    session.flush()
    return load_actor(session, user.id)
