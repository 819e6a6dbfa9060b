"""The demo PDU's unpaid work: its supervisors, 16 projects of every type and their sessions.

Synthetic throughout: project names and addresses are made up for Leeds,
supervisors' names come from a fixed list. Sessions run on each project's
days from 8 weeks before this week to 4 weeks after it (bank holidays
skipped); a few coming sessions have no supervisor yet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy.orm import Session

from app.db.models import Staff
from app.db.upw_models import UpwProject, UpwSession
from app.domain.calendar import WorkingCalendar
from app.domain.codes import Grade

PAST_WEEKS, FUTURE_WEEKS = 8, 4


@dataclass(frozen=True)
class ProjectSpec:
    code: str
    name: str
    kind: str
    places: int
    days: tuple[int, ...]
    start: time
    end: time
    women_only: bool = False
    high_rosh: bool = False
    beneficiary: str = ""
    address: str = ""


_DAY = (time(9, 0), time(16, 0))
_HALF = (time(9, 30), time(13, 0))
PROJECTS = (
    ProjectSpec(
        "LDS-G01",
        "Towpath clearance, Kirkstall",
        "GROUP",
        10,
        (5, 6),
        *_DAY,
        high_rosh=True,
        beneficiary="Canal and river volunteers",
        address="Kirkstall Lock, Leeds LS5",
    ),
    ProjectSpec(
        "LDS-G02",
        "Roundhay Park footpaths",
        "GROUP",
        10,
        (5,),
        *_DAY,
        beneficiary="Parks and countryside",
        address="Roundhay Park depot, Leeds LS8",
    ),
    ProjectSpec(
        "LDS-G03",
        "Community centre decorating",
        "GROUP",
        8,
        (1, 3),
        *_DAY,
        beneficiary="Harehills community association",
        address="Harehills Lane, Leeds LS9",
    ),
    ProjectSpec(
        "LDS-G04",
        "Allotment restoration",
        "GROUP",
        8,
        (2, 6),
        *_DAY,
        high_rosh=True,
        beneficiary="Allotments federation",
        address="Meanwood allotments, Leeds LS6",
    ),
    ProjectSpec(
        "LDS-G05",
        "Graffiti removal crew",
        "GROUP",
        6,
        (0, 4),
        *_DAY,
        beneficiary="Neighbourhood services",
        address="City depot, Leeds LS10",
    ),
    ProjectSpec(
        "LDS-G06",
        "Litter picks, city centre",
        "GROUP",
        12,
        (5,),
        *_HALF,
        beneficiary="Clean streets partnership",
        address="Kirkgate Market, Leeds LS2",
    ),
    ProjectSpec(
        "LDS-G07",
        "Women's community garden",
        "GROUP",
        6,
        (2, 4),
        *_DAY,
        women_only=True,
        beneficiary="Women's centre",
        address="Chapeltown Road, Leeds LS7",
    ),
    ProjectSpec(
        "LDS-G08",
        "Woodland management",
        "GROUP",
        8,
        (6,),
        *_DAY,
        high_rosh=True,
        beneficiary="Woodland trust volunteers",
        address="Middleton Woods, Leeds LS11",
    ),
    ProjectSpec(
        "LDS-G09",
        "Charity furniture workshop",
        "GROUP",
        8,
        (0, 2),
        *_DAY,
        beneficiary="Furniture reuse charity",
        address="Armley Road, Leeds LS12",
    ),
    ProjectSpec(
        "LDS-I01",
        "Charity shop placement, Headingley",
        "INDIVIDUAL",
        2,
        (0, 1, 2, 3, 4),
        *_DAY,
        beneficiary="Hospice shops",
        address="Otley Road, Leeds LS6",
    ),
    ProjectSpec(
        "LDS-I02",
        "Food bank warehouse",
        "INDIVIDUAL",
        3,
        (1, 3),
        *_DAY,
        beneficiary="Food bank network",
        address="Pudsey Road, Leeds LS13",
    ),
    ProjectSpec(
        "LDS-I03",
        "Partner-supervised library support",
        "INDIVIDUAL",
        2,
        (2,),
        *_HALF,
        women_only=True,
        beneficiary="Library service",
        address="Central Library, Leeds LS1",
    ),
    ProjectSpec(
        "LDS-E01",
        "Digital skills course",
        "ETE",
        8,
        (1,),
        *_HALF,
        beneficiary="Adult learning",
        address="Learning centre, Leeds LS2",
    ),
    ProjectSpec(
        "LDS-E02",
        "Construction skills card training",
        "ETE",
        8,
        (3,),
        *_DAY,
        beneficiary="College partnership",
        address="Park Lane campus, Leeds LS3",
    ),
    ProjectSpec(
        "LDS-N01",
        "Induction, city office",
        "INDUCTION",
        10,
        (0,),
        *_HALF,
        beneficiary="Probation Service",
        address="Probation office, Leeds LS1",
    ),
    ProjectSpec(
        "LDS-N02",
        "Induction, south office",
        "INDUCTION",
        10,
        (3,),
        *_HALF,
        beneficiary="Probation Service",
        address="Probation office, Leeds LS11",
    ),
)
SUPERVISORS = (
    ("Dean", "Holloway", "M"),
    ("Fiona", "Marsh", "F"),
    ("Gary", "Pickles", "M"),
    ("Helen", "Rawson", "F"),
    ("Imran", "Sadiq", "M"),
    ("Joanne", "Tate", "F"),
    ("Kevin", "Ushaw", "M"),
    ("Lorraine", "Vickers", "F"),
    ("Mark", "Walsh", "M"),
    ("Nadia", "Yousaf", "F"),
)


def write_staff(session: Session, pdu_id: int, codes: set[str]) -> tuple[list[int], int]:
    """The supervisors and the unpaid work manager; their ids."""
    made = []
    for n, (forename, surname, gender) in enumerate(SUPERVISORS, start=1):
        made.append(
            _staff(
                session,
                pdu_id,
                f"N07U{100 + n:03d}",
                forename,
                surname,
                gender,
                Grade.CP_SUPERVISOR,
                codes,
            )
        )
    manager = _staff(session, pdu_id, "N07U100", "Olivia", "Brennan", "F", Grade.UPW_MANAGER, codes)
    session.flush()
    return [s.id for s in made], manager.id


def _staff(
    session: Session,
    pdu_id: int,
    code: str,
    forename: str,
    surname: str,
    gender: str,
    grade: Grade,
    codes: set[str],
) -> Staff:
    while code in codes:  # staff codes are the PDU's 7 characters: N07 and four more
        code = code[:4] + f"{(int(code[4:]) + 50) % 1000:03d}"
    codes.add(code)
    staff = Staff(
        staff_code=code,
        forename=forename,
        surname=surname,
        grade=grade.value,
        gender=gender,
        contracted_hours=37.0,
        pdu_id=pdu_id,
        specialisms="",
        version=1,
    )
    session.add(staff)
    return staff


def write_projects(session: Session, pdu_id: int) -> list[UpwProject]:
    projects = [
        UpwProject(
            pdu_id=pdu_id,
            code=p.code,
            name=p.name,
            project_type=p.kind,
            beneficiary=p.beneficiary,
            address=p.address,
            places=p.places,
            women_only=p.women_only,
            high_rosh_suitable=p.high_rosh,
            days=",".join(str(d) for d in p.days),
            start_time=p.start,
            end_time=p.end,
            active=True,
            version=1,
        )
        for p in PROJECTS
    ]
    session.add_all(projects)
    session.flush()
    return projects


def first_day(today: date) -> date:
    return today - timedelta(days=today.weekday()) - timedelta(weeks=PAST_WEEKS)


def write_sessions(
    session: Session,
    rng: random.Random,
    projects: list[UpwProject],
    supervisors: list[int],
    today: date,
    calendar: WorkingCalendar,
) -> list[tuple[UpwSession, UpwProject]]:
    """Every session of the 12 weeks, each with a supervisor free at that time."""
    start = first_day(today)
    found: list[tuple[UpwSession, UpwProject]] = []
    waiting = False  # the first session after today always waits for its supervisor
    for offset in range(7 * (PAST_WEEKS + FUTURE_WEEKS + 1)):
        day = start + timedelta(days=offset)
        if calendar.holidays_between(day, day):
            continue
        free = list(supervisors)
        rng.shuffle(free)
        for project in projects:
            if str(day.weekday()) not in project.days.split(","):
                continue
            # A few coming sessions wait for a supervisor: the grid warns of them.
            unassigned = day > today and (rng.random() < 0.08 or not waiting)
            waiting = waiting or unassigned
            supervisor = None if unassigned or not free else free.pop()
            row = UpwSession(
                project_id=project.id,
                day=day,
                start_time=project.start_time,
                end_time=project.end_time,
                places=project.places,
                supervisor_id=supervisor,
                version=1,
            )
            found.append((row, project))
    session.add_all([row for row, _p in found])
    session.flush()
    return found
