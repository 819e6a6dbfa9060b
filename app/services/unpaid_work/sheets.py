"""The week's session sheets, one PDF per supervisor's session (issue 18 point 3)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Person, Staff
from app.db.upw_models import UpwPlacement, UpwProject, UpwSession, UpwStandDown
from app.domain.unpaid_work import ProjectType, StandDownReason
from app.exports.session_sheets import SessionSheet, SheetPerson, session_sheets_pdf
from app.services.core.actor import Actor
from app.services.core.permissions import guarded_read
from app.services.unpaid_work import access
from app.services.unpaid_work.schedule import week_of


@guarded_read(*access.READING, action=access.SEE)
def week_sheets(
    session: Session, actor: Actor, pdu_id: int, week_start: date
) -> list[SessionSheet]:
    """Each session of the week with its people, in day and project order."""
    access.require_pdu(actor, pdu_id, access.SEE)
    monday = week_of(week_start)
    rows = session.execute(
        select(UpwSession, UpwProject, Staff.forename, Staff.surname, UpwStandDown.reason)
        .join(UpwProject, UpwProject.id == UpwSession.project_id)
        .outerjoin(Staff, Staff.id == UpwSession.supervisor_id)
        .outerjoin(UpwStandDown, UpwStandDown.session_id == UpwSession.id)
        .where(
            UpwProject.pdu_id == pdu_id,
            UpwSession.day >= monday,
            UpwSession.day <= monday + timedelta(days=6),
        )
        .order_by(UpwSession.day, UpwSession.start_time, UpwProject.name)
    ).all()
    people: dict[int, list[SheetPerson]] = {}
    for sid, crn, forename, surname in session.execute(
        select(UpwPlacement.session_id, Person.crn, Person.forename, Person.surname)
        .join(Person, Person.id == UpwPlacement.person_id)
        .where(UpwPlacement.session_id.in_([r[0].id for r in rows]))
        .order_by(Person.surname, Person.forename)
    ):
        people.setdefault(sid, []).append(SheetPerson(f"{forename} {surname}", crn))
    return [
        SessionSheet(
            project=p.name,
            project_type=ProjectType(p.project_type).label,
            address=p.address,
            beneficiary=p.beneficiary,
            day=s.day,
            start=s.start_time,
            end=s.end_time,
            supervisor=f"{forename} {surname}" if forename else "",
            places=s.places,
            people=tuple(people.get(s.id, ())),
            stood_down=StandDownReason(reason).label if reason else "",
        )
        for s, p, forename, surname, reason in rows
    ]


def _file_name(sheet: SessionSheet) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", sheet.project).strip("-").lower()
    return f"{sheet.day:%Y-%m-%d}-{sheet.start:%H%M}-{slug}.pdf"


@guarded_read(*access.READING, action=access.SEE)
def write_week_sheets(
    session: Session, actor: Actor, pdu_id: int, week_start: date, folder: Path
) -> list[Path]:
    """Write one PDF per open session of the week into ``folder``; the files written."""
    sheets = week_sheets(session, actor, pdu_id, week_start)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in sheets:
        if sheet.stood_down:
            continue
        path = folder / _file_name(sheet)
        path.write_bytes(session_sheets_pdf([sheet], title=f"{sheet.project} {sheet.day}"))
        written.append(path)
    return written
