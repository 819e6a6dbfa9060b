"""The bench's unpaid work figure: the weekly grid of a PDU opening (issue 18 point 10).

A PDU with 20 projects, 12 weeks of sessions (8 past, this week, 3 ahead)
and 600 people on unpaid work, about one booking a week each and the past
weeks' attendance. "Opens" is what the screen reads to show the week: the
grid with its warnings and the people to book. The floor is the same rows
read with raw sqlite3. One hook in the bench (:func:`figure`), so this
module moves with the bench as it is.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from app import clock
from app.bench.figures import Figure

NAME = "unpaid work weekly grid of a PDU (20 projects, 12 weeks, 600 people)"
TARGET = 0.2
PEOPLE, PROJECTS, RUNS = 600, 20, 7
PDU_NUMBER = 17


def _people(session: Any, pdu_id: int, rng: random.Random, today: date) -> list[int]:
    from sqlalchemy import select

    from app.db.bulk import bulk_insert
    from app.db.models import Event, Person

    people = [
        {
            "crn": f"U{n:06d}",
            "forename": f"Person{n}",
            "surname": f"Upw{n:04d}",
            "date_of_birth": date(1990, 1, 1),
            "gender": "F" if n % 6 == 0 else "M",
            "pdu_id": pdu_id,
            "female_practitioner_requested": False,
            "version": 1,
        }
        for n in range(PEOPLE)
    ]
    bulk_insert(session, Person, people)
    ids = list(session.scalars(select(Person.id).order_by(Person.id)))
    events = [
        {
            "person_id": pid,
            "sentence_type": "CO",
            "sentence_date": today - timedelta(days=rng.randint(30, 330)),
            "requirements": "UPW",
            "upw_hours_ordered": float(rng.choice((60, 80, 100, 150, 200, 300))),
            "upw_hours_completed": float(rng.randint(0, 40)),
            "upw_intensive": rng.random() < 0.05,
        }
        for pid in ids
    ]
    bulk_insert(session, Event, events)
    return ids


def _sessions(session: Any, pdu_id: int, supervisors: list[int], today: date) -> list[Any]:
    from app.db.upw_models import UpwProject, UpwSession

    projects = [
        UpwProject(
            pdu_id=pdu_id,
            code=f"B{n:02d}",
            name=f"Bench project {n:02d}",
            project_type=("GROUP", "GROUP", "INDIVIDUAL", "ETE", "INDUCTION")[n % 5],
            places=10,
            women_only=n == 3,
            high_rosh_suitable=n % 4 == 0,
            days=",".join(str((n + k * 2) % 7) for k in range(3)),
            start_time=clock_time(9),
            end_time=clock_time(16),
            beneficiary="",
            address="",
            active=True,
            version=1,
        )
        for n in range(PROJECTS)
    ]
    session.add_all(projects)
    session.flush()
    monday = today - timedelta(days=today.weekday())
    rows = []
    for offset in range(-8 * 7, 4 * 7):
        day = monday + timedelta(days=offset)
        for n, p in enumerate(projects):
            if str(day.weekday()) in p.days.split(","):
                sup = supervisors[(n + offset) % len(supervisors)] if (n + offset) % 9 else None
                rows.append(
                    UpwSession(
                        project_id=p.id,
                        day=day,
                        start_time=p.start_time,
                        end_time=p.end_time,
                        places=10,
                        supervisor_id=sup,
                        version=1,
                    )
                )
    session.add_all(rows)
    session.flush()
    return rows


def _bookings(session: Any, rows: list[Any], reqs: dict[int, int], today: date) -> None:
    from sqlalchemy import select

    from app.db.bulk import bulk_insert
    from app.db.upw_models import UpwAttendance, UpwPlacement

    people = sorted(reqs)
    now = datetime.combine(today, clock_time(9))
    placements, n = [], 0
    for row in rows:
        for _ in range(8):
            pid = people[n % len(people)]
            n += 1
            placements.append(
                {
                    "session_id": row.id,
                    "requirement_id": reqs[pid],
                    "person_id": pid,
                    "override_reason": "",
                    "booked_at": now,
                }
            )
    # One booking per person per session: drop repeats the round-robin made.
    unique = {(p["session_id"], p["person_id"]): p for p in placements}
    bulk_insert(session, UpwPlacement, list(unique.values()))
    days = {row.id: row.day for row in rows}
    attendance = [
        {
            "placement_id": pid,
            "outcome": "ATTC",
            "start_time": clock_time(9),
            "end_time": clock_time(16),
            "penalty_minutes": 0,
            "travel_out_minutes": 0,
            "travel_back_minutes": 0,
            "work_minutes": 420,
            "travel_minutes": 0,
            "ete_minutes": 0,
            "lost_minutes": 0,
            "note": "",
            "recorded_at": now,
        }
        for pid, sid in session.execute(select(UpwPlacement.id, UpwPlacement.session_id))
        if days[sid] < today
    ]
    bulk_insert(session, UpwAttendance, attendance)


def build(path: Path) -> int:
    """The bench PDU's unpaid work in a new store; returns the PDU's id."""
    from sqlalchemy import select

    from app.db.models import Pdu
    from app.db.readmodel import refresh_cases
    from app.db.upw_models import UpwRequirement
    from app.services.core.store import open_store
    from app.services.unpaid_work.requirements import sync_requirements

    today = clock.today()
    rng = random.Random(18)
    store = open_store(str(path))
    try:
        with store.sessions.begin() as session:
            pdu_id = session.scalar(select(Pdu.id).where(Pdu.number == PDU_NUMBER))
            assert pdu_id is not None
            supervisors = _organisation(session, pdu_id)
            ids = _people(session, pdu_id, rng, today)
            refresh_cases(session, ids, today)
            sync_requirements(session, ids, today - timedelta(weeks=9))
            reqs = {
                pid: rid
                for pid, rid in session.execute(select(UpwRequirement.person_id, UpwRequirement.id))
            }
            rows = _sessions(session, pdu_id, supervisors, today)
            _bookings(session, rows, reqs, today)
    finally:
        store.close()
    return int(pdu_id)


def _organisation(session: Any, pdu_id: int) -> list[int]:
    from app.db.models import Pod, Staff, Team

    team = Team(pdu_id=pdu_id, name="Unpaid work", version=1)
    session.add(team)
    session.flush()
    pod = Pod(team_id=team.id, name="Community payback", version=1)
    session.add(pod)
    session.flush()
    staff = [
        Staff(
            staff_code=f"BUPS{n:02d}",
            forename="Sup",
            surname=f"Ervisor{n}",
            grade="CP_SUPERVISOR",
            gender="M",
            contracted_hours=37.0,
            pdu_id=pdu_id,
            team_id=team.id,
            pod_id=pod.id,
            specialisms="",
            version=1,
        )
        for n in range(8)
    ]
    session.add_all(staff)
    session.flush()
    return [s.id for s in staff]


def _ours(path: Path, pdu_id: int, week: date) -> float:
    """Seconds to read the grid with its warnings and the people to book, in a new session."""
    from app.services.core.actor import system_actor
    from app.services.core.store import open_store
    from app.services.unpaid_work import schedule

    store = open_store(str(path))
    try:
        with store.sessions.begin() as session:
            actor = system_actor(session)
        times = []
        for _ in range(RUNS):
            with store.sessions() as session:
                start = time.perf_counter()
                grid = schedule.schedule(session, actor, pdu_id, week)
                people = schedule.bookable_people(session, actor, pdu_id)
                times.append(time.perf_counter() - start)
            assert grid.cells and people
        return statistics.median(times[1:])
    finally:
        store.close()


FLOOR_SQL = (
    "SELECT s.*, st.forename, st.surname, sd.reason FROM upw_session s "
    "JOIN upw_project p ON p.id = s.project_id LEFT JOIN staff st ON st.id = s.supervisor_id "
    "LEFT JOIN upw_stand_down sd ON sd.session_id = s.id "
    "WHERE p.pdu_id = :pdu AND s.day BETWEEN :first AND :last",
    "SELECT pl.id, pl.session_id, pe.crn, pe.forename, pe.surname, pe.gender, c.rosh, a.outcome "
    "FROM upw_placement pl JOIN upw_session s ON s.id = pl.session_id "
    "JOIN upw_project p ON p.id = s.project_id JOIN person pe ON pe.id = pl.person_id "
    "LEFT JOIN caseload_row c ON c.person_id = pe.id "
    "LEFT JOIN upw_attendance a ON a.placement_id = pl.id "
    "WHERE p.pdu_id = :pdu AND s.day BETWEEN :first AND :last",
    "SELECT r.id, pe.crn, pe.forename, pe.surname, r.ordered_minutes, "
    "r.extract_completed_minutes, e.sentence_date, "
    "(SELECT sum(a.work_minutes + a.travel_minutes) FROM upw_placement pl "
    "JOIN upw_attendance a ON a.placement_id = pl.id WHERE pl.requirement_id = r.id) "
    "FROM upw_requirement r JOIN event e ON e.id = r.event_id "
    "JOIN person pe ON pe.id = r.person_id WHERE pe.pdu_id = :pdu "
    "AND r.completed_on IS NULL AND r.terminated_on IS NULL",
)


def _floor(path: Path, pdu_id: int, week: date) -> float:
    """The same rows read with raw sqlite3: the least the grid could cost."""
    params = {
        "pdu": pdu_id,
        "first": week.isoformat(),
        "last": (week + timedelta(days=6)).isoformat(),
    }
    conn = sqlite3.connect(path)
    try:
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            for sql in FLOOR_SQL:
                conn.execute(sql, params).fetchall()
            times.append(time.perf_counter() - start)
        return statistics.median(times[1:])
    finally:
        conn.close()


def figure(workdir: Path) -> Figure:
    """The figure: our grid's opening against the raw-SQL floor, target 200 ms."""
    path = workdir / "upw.sqlite3"
    pdu_id = build(path)
    week = clock.today() - timedelta(days=clock.today().weekday())
    return Figure(NAME, _ours(path, pdu_id, week), _floor(path, pdu_id, week), TARGET)
