"""A small PDU with a known week, for the weekly return's service, file and screen tests.

Week ending Friday 27/11/2026 (the clock is set to that Friday):

- Team North, POD 1: a PO (Pat Officer) holding a B-tier High RoSH community
  case and a Medium one; a PSO (Sam Services) holding a High RoSH case.
- Team South, no POD: a PO who left on Wednesday 25/11 (not in post on the
  as-at day).
- One unallocated case sentenced Wednesday 18/11: its deadline (five working
  days later) is Wednesday 25/11, in the week, missed.
- A case ended on Tuesday 24/11.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.db.models import Event, Person
from app.domain.codes import Role
from app.services.core.actor import Actor
from tests import factories

WEEK_ENDING = date(2026, 11, 27)
FRIDAY = "2026-11-27"
AS_AT = date(2026, 11, 25)


@dataclass(frozen=True)
class Known:
    pdu_id: int
    po_id: int
    pso_id: int
    unallocated_id: int
    people: tuple[Person, ...]


def admin(session: Session) -> Actor:
    """A case administrator of PDU 17 (the factories' PDU): Ada, made on first need."""
    from sqlalchemy import select

    from app.db.models import AppUser
    from app.services.core.actor import load_actor

    found = session.scalar(select(AppUser.id).where(AppUser.username == "ada"))
    if found is not None:
        return load_actor(session, found)
    return factories.actor(session, Role.ADMIN, username="ada", name="Ada Admin")


def build_pdu(session: Session) -> Known:
    pdu = factories.pdu(session)
    north = factories.team(session, pdu.id, "Team North")
    pod1 = factories.pod(session, north.id, "POD 1")
    south = factories.team(session, pdu.id, "Team South")
    nopod = factories.pod(session, south.id, "POD S")
    po = factories.staff(session, pod1, "PO", forename="Pat", surname="Officer")
    pso = factories.staff(session, pod1, "PSO", forename="Sam", surname="Services")
    leaver = factories.staff(
        session, nopod, "PO", forename="Lee", surname="Leaver", leave_date=date(2026, 11, 25)
    )
    leaver.pod_id = None
    old = date(2026, 6, 1)
    people = [
        factories.case(session, pdu.id, sentence_date=old, rosh="HIGH", staff_id=po.id),
        factories.case(session, pdu.id, sentence_date=old, rosh="MEDIUM", staff_id=po.id),
        factories.case(session, pdu.id, sentence_date=old, rosh="HIGH", staff_id=pso.id),
        factories.case(session, pdu.id, sentence_date=old, rosh="LOW", staff_id=leaver.id),
    ]
    unallocated = factories.case(session, pdu.id, sentence_date=date(2026, 11, 18), rosh=None)
    ended = factories.case(session, pdu.id, sentence_date=old, rosh="LOW", staff_id=po.id)
    event = session.query(Event).filter(Event.person_id == ended.id).one()
    event.end_date = date(2026, 11, 24)
    session.flush()
    from app.db.readmodel import refresh_cases

    refresh_cases(session, [ended.id], AS_AT)
    return Known(pdu.id, po.id, pso.id, unallocated.id, (*people, unallocated, ended))
