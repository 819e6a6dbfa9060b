"""Unpaid work and victim liaison records with a known week, for the return's sections 4 and 5.

Week ending Friday 27/11/2026 (Saturday 21/11 to Friday 27/11; no bank
holiday near it). Every figure below is counted by hand in the tests.

Unpaid work (group project 09:00-16:00, 7 hours; ETE project 10:00-14:00, 4 hours):

- Fri 20/11 (the week before): A works 7 hours.
- Mon 23/11 group: A works 7 hours, B 5 hours (2 booked).
- Tue 24/11 group: stood down in advance (weather); C booked, AASD, 7 hours lost.
- Wed 25/11 ETE: A works 4 hours on ETE (1 booked).
- Thu 26/11 group: stood down on the day (supervisor absent); B sent home after
  2 hours (ATSS), 5 hours lost.
- Sat 28/11 no supervisor; Sun 29/11 a supervisor; Mon 30/11 no supervisor but
  stood down; Fri 04/12 no supervisor (past the Overview's 7 days).

Requirements (hours ordered): A 01/09 (100), B 01/10 (50), C 01/10 (40);
F 09/11 (40, assessed 20/11: its 10-day deadline 23/11 met); H 10/11 (40, not
assessed: deadline 24/11 missed); G 02/11 (40, started 25/11: its 15-day
deadline 23/11 missed); R 25/05 (100: its 6-month review 25/11 due and
overdue); Q 20/02 (100, first review recorded, the 9-month one of 20/11
overdue; at risk: 100 hours left, 12 whole weeks to 20/02/2027 at 7 a
week); D 01/10 (60, completed 10/11: not active); E 01/10 (30, sentence
ended 20/11: not active).

Victim liaison: V1 referred 26/10 (first-offer deadline 23/11, offered 20/11:
in time); V2 referred 27/10 (deadline 24/11, its victim offered 25/11: late);
V3 referred 01/06 (release 10/12 and parole review 20/12: both within 4
weeks); V4 closed 20/11; V5 referred 30/11, after the week. V3's tasks:
T1 due 24/11 done 24/11; T2 due 26/11 open; T3 due 20/11 done 23/11; T4 due
18/11 open; T5 due 25/11 cancelled; T6 due 27/11 open; T7 due 10/12 open;
T8 due 25/11 done 30/11 (after the week).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Event
from app.db.upw_models import (
    UpwAttendance,
    UpwPlacement,
    UpwRequirement,
    UpwSession,
    UpwStandDown,
)
from app.db.victim_models import VcsCase, Victim, VictimTask
from tests import factories
from tests.services import upw_helpers as upw

NOW = datetime(2026, 11, 27, 9, 0)
D = date


def _attend(
    session: Session,
    row: UpwSession,
    req: UpwRequirement,
    outcome: str,
    work: int,
    *,
    ete: int = 0,
    lost: int = 0,
    stand_down: UpwStandDown | None = None,
) -> None:
    placement = UpwPlacement(
        session_id=row.id, requirement_id=req.id, person_id=req.person_id, booked_at=NOW
    )
    session.add(placement)
    session.flush()
    session.add(
        UpwAttendance(
            placement_id=placement.id,
            outcome=outcome,
            start_time=row.start_time if work else None,
            end_time=row.end_time if work else None,
            work_minutes=work,
            ete_minutes=ete,
            lost_minutes=lost,
            stand_down_id=stand_down.id if stand_down else None,
            recorded_at=NOW,
        )
    )
    session.flush()


def _stand_down(
    session: Session, row: UpwSession, reason: str, notice: str, lost: int, people: int
) -> UpwStandDown:
    sd = UpwStandDown(
        session_id=row.id,
        reason=reason,
        notice=notice,
        sent_home_at=time(11, 0) if notice == "on_the_day" else None,
        people_affected=people,
        person_minutes_lost=lost,
        recorded_at=NOW,
    )
    session.add(sd)
    session.flush()
    return sd


def _requirement(session: Session, pdu_id: int, sentenced: date, hours: float) -> UpwRequirement:
    _pid, req = upw.person(session, pdu_id, hours=hours, sentence_date=sentenced)
    return req


def build_unpaid_work(session: Session, pdu_id: int, supervisor_id: int) -> None:
    group = upw.project(session, pdu_id, name="Park clearance")
    ete = upw.project(
        session, pdu_id, name="Skills", project_type="ETE", start=time(10), end=time(14)
    )
    a = _requirement(session, pdu_id, D(2026, 9, 1), 100)
    b = _requirement(session, pdu_id, D(2026, 10, 1), 50)
    c = _requirement(session, pdu_id, D(2026, 10, 1), 40)
    _requirement(session, pdu_id, D(2026, 11, 9), 40).assessed_on = D(2026, 11, 20)  # F
    _requirement(session, pdu_id, D(2026, 11, 10), 40)  # H
    _requirement(session, pdu_id, D(2026, 11, 2), 40).started_on = D(2026, 11, 25)  # G
    _requirement(session, pdu_id, D(2026, 5, 25), 100)  # R
    _requirement(session, pdu_id, D(2026, 2, 20), 100).first_review_on = D(2026, 8, 20)  # Q
    _requirement(session, pdu_id, D(2026, 10, 1), 60).completed_on = D(2026, 11, 10)  # D
    e = _requirement(session, pdu_id, D(2026, 10, 1), 30)
    event = session.scalar(select(Event).where(Event.id == e.event_id))
    assert event is not None
    event.end_date = D(2026, 11, 20)
    sup = {"supervisor_id": supervisor_id}
    _attend(session, upw.upw_session(session, group, D(2026, 11, 20), **sup), a, "ATTC", 420)
    monday = upw.upw_session(session, group, D(2026, 11, 23), **sup)
    _attend(session, monday, a, "ATTC", 420)
    _attend(session, monday, b, "ATTC", 300)
    tuesday = upw.upw_session(session, group, D(2026, 11, 24), **sup)
    sd = _stand_down(session, tuesday, "weather", "advance", 420, 1)
    _attend(session, tuesday, c, "AASD", 0, lost=420, stand_down=sd)
    wednesday = upw.upw_session(session, ete, D(2026, 11, 25), **sup)
    _attend(session, wednesday, a, "ATTC", 240, ete=240)
    thursday = upw.upw_session(session, group, D(2026, 11, 26), **sup)
    sd = _stand_down(session, thursday, "supervisor_absent", "on_the_day", 300, 1)
    _attend(session, thursday, b, "ATSS", 120, lost=300, stand_down=sd)
    upw.upw_session(session, group, D(2026, 11, 28))
    upw.upw_session(session, group, D(2026, 11, 29), **sup)
    closed = upw.upw_session(session, group, D(2026, 11, 30))
    _stand_down(session, closed, "weather", "advance", 0, 0)
    upw.upw_session(session, group, D(2026, 12, 4))
    session.flush()


def _vcs(session: Session, pdu_id: int, ref: str, referred: date, **kw: object) -> VcsCase:
    person = factories.case(session, pdu_id, sentence_type="CUSTODY")
    case = VcsCase(
        vcs_case_ref=ref,
        person_id=person.id,
        pdu_id=pdu_id,
        eligibility="statutory",
        referral_date=referred,
        listed_offence=False,
        created_at=NOW,
        version=1,
        **kw,
    )
    session.add(case)
    session.flush()
    return case


def build_victims(session: Session, pdu_id: int) -> None:
    _vcs(session, pdu_id, "VCS-1", D(2026, 10, 26), first_offer_date=D(2026, 11, 20))
    late = _vcs(session, pdu_id, "VCS-2", D(2026, 10, 27), expected_release_date=D(2027, 1, 10))
    session.add(
        Victim(vcs_case_id=late.id, relationship="VICTIM", first_offer_date=D(2026, 11, 25))
    )
    v3 = _vcs(
        session,
        pdu_id,
        "VCS-3",
        D(2026, 6, 1),
        expected_release_date=D(2026, 12, 10),
        parole_review_date=D(2026, 12, 20),
    )
    _vcs(
        session,
        pdu_id,
        "VCS-4",
        D(2026, 6, 1),
        closed_on=D(2026, 11, 20),
        expected_release_date=D(2026, 12, 5),
    )
    _vcs(session, pdu_id, "VCS-5", D(2026, 11, 30))
    for due, status, done in [
        (D(2026, 11, 24), "COMPLETED", D(2026, 11, 24)),
        (D(2026, 11, 26), "OPEN", None),
        (D(2026, 11, 20), "COMPLETED", D(2026, 11, 23)),
        (D(2026, 11, 18), "OPEN", None),
        (D(2026, 11, 25), "CANCELLED", None),
        (D(2026, 11, 27), "OPEN", None),
        (D(2026, 12, 10), "OPEN", None),
        (D(2026, 11, 25), "COMPLETED", D(2026, 11, 30)),
    ]:
        session.add(
            VictimTask(
                vcs_case_id=v3.id,
                task_type="FIRST_OFFER",
                due_date=due,
                status=status,
                completed_on=done,
                created_at=NOW,
            )
        )
    session.flush()


def build(session: Session) -> int:
    """The PDU (17) with both sections' records; its id."""
    setup = upw.setup(session)
    build_unpaid_work(session, setup.pdu_id, setup.supervisor_id)
    build_victims(session, setup.pdu_id)
    return setup.pdu_id
