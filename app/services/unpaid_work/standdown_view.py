"""The stand-downs view: this week's and the coming weeks', planned and unplanned (issue 18).

Each stand-down with its reason, notice and the people it affected; and for
each week the figures side by side under their own names (DOMAIN.md 5): the
**stand-down rate** (sessions stood down / sessions scheduled) and the
**hours lost to stand-downs** (person-hours lost / person-hours offered).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import AppUser, Person
from app.db.upw_models import UpwAttendance, UpwPlacement, UpwProject, UpwSession, UpwStandDown
from app.domain.unpaid_work import Notice, Outcome, StandDownReason
from app.domain.unpaid_work_hours import minutes_between
from app.domain.unpaid_work_standdowns import (
    ScheduledSession,
    SessionStandDown,
    StandDownFigures,
    StoodDownBooking,
    stand_down_figures,
)
from app.services.core.actor import Actor
from app.services.core.permissions import guarded_read
from app.services.unpaid_work import access
from app.services.unpaid_work.schedule import week_of


@dataclass(frozen=True)
class StandDownRow:
    stand_down_id: int
    session_id: int
    day: date
    project: str
    reason: str
    reason_label: str
    notice: str
    notice_label: str
    planned: bool
    people: tuple[str, ...]
    person_minutes_lost: int
    recorded_by: str
    note: str


@dataclass(frozen=True)
class WeekFigures:
    week_start: date
    figures: StandDownFigures


@dataclass(frozen=True)
class StandDownsView:
    first_day: date
    last_day: date
    rows: tuple[StandDownRow, ...]
    weeks: tuple[WeekFigures, ...]

    @property
    def total(self) -> StandDownFigures:
        """The figures of the whole period."""
        return _sum([w.figures for w in self.weeks])


def _sum(items: list[StandDownFigures]) -> StandDownFigures:
    by_reason: dict[str, int] = {r.value: 0 for r in StandDownReason}
    by_notice: dict[str, int] = {n.value: 0 for n in Notice}
    for f in items:
        for k, v in f.by_reason.items():
            by_reason[k] += v
        for k, v in f.by_notice.items():
            by_notice[k] += v
    return StandDownFigures(
        sessions_scheduled=sum(f.sessions_scheduled for f in items),
        sessions_stood_down=sum(f.sessions_stood_down for f in items),
        sessions_stood_down_on_the_day=sum(f.sessions_stood_down_on_the_day for f in items),
        by_reason=by_reason,
        by_notice=by_notice,
        person_minutes_offered=sum(f.person_minutes_offered for f in items),
        person_minutes_lost=sum(f.person_minutes_lost for f in items),
    )


@guarded_read(*access.READING, action=access.SEE)
def stand_downs_view(
    session: Session, actor: Actor, pdu_id: int, week_start: date, weeks: int = 4
) -> StandDownsView:
    """The stand-downs of ``weeks`` weeks from the week of ``week_start`` on."""
    access.require_pdu(actor, pdu_id, access.SEE)
    first = week_of(week_start)
    last = first + timedelta(days=7 * weeks - 1)
    per_week: dict[date, list[ScheduledSession]] = defaultdict(list)
    for day, scheduled in scheduled_sessions(session, pdu_id, first, last):
        per_week[week_of(day)].append(scheduled)
    figures = tuple(
        WeekFigures(
            first + timedelta(weeks=n),
            stand_down_figures(per_week.get(first + timedelta(weeks=n), [])),
        )
        for n in range(weeks)
    )
    return StandDownsView(first, last, tuple(_rows(session, pdu_id, first, last)), figures)


def scheduled_sessions(
    session: Session, pdu_id: int, first_day: date, last_day: date
) -> list[tuple[date, ScheduledSession]]:
    """Every session of the PDU's projects on those days, as the stand-down figures count it.

    Three statements: the sessions with their stand-downs, the places booked,
    the bookings stood down. The weekly return counts its week with these too.
    """
    sessions = session.execute(
        select(UpwSession, UpwStandDown)
        .join(UpwProject, UpwProject.id == UpwSession.project_id)
        .outerjoin(UpwStandDown, UpwStandDown.session_id == UpwSession.id)
        .where(UpwProject.pdu_id == pdu_id, UpwSession.day >= first_day, UpwSession.day <= last_day)
        .order_by(UpwSession.day, UpwSession.id)
    ).all()
    ids = [s.id for s, _sd in sessions]
    booked = _booked_counts(session, ids)
    stood = _stood_down_bookings(session, ids)
    return [
        (
            s.day,
            ScheduledSession(
                minutes=minutes_between(s.start_time, s.end_time),
                booked=booked.get(s.id, 0),
                stand_down=SessionStandDown(StandDownReason(sd.reason), Notice(sd.notice))
                if sd is not None
                else None,
                stood_down_bookings=tuple(stood.get(s.id, ())),
            ),
        )
        for s, sd in sessions
    ]


def _booked_counts(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return {
        sid: count
        for sid, count in session.execute(
            select(UpwPlacement.session_id, func.count())
            .where(UpwPlacement.session_id.in_(ids))
            .group_by(UpwPlacement.session_id)
        )
    }


def _stood_down_bookings(session: Session, ids: list[int]) -> dict[int, list[StoodDownBooking]]:
    """Bookings stood down with their session, or sent away alone with a reason."""
    found: dict[int, list[StoodDownBooking]] = defaultdict(list)
    if not ids:
        return found
    for sid, outcome, work, sd_id, reason in session.execute(
        select(
            UpwPlacement.session_id,
            UpwAttendance.outcome,
            UpwAttendance.work_minutes,
            UpwAttendance.stand_down_id,
            UpwAttendance.sent_away_reason,
        )
        .join(UpwPlacement, UpwPlacement.id == UpwAttendance.placement_id)
        .where(UpwPlacement.session_id.in_(ids), UpwAttendance.outcome.in_(("AASD", "ATSS")))
    ):
        if sd_id is not None or reason is not None:
            found[sid].append(StoodDownBooking(Outcome(outcome), work))
    return found


def _rows(session: Session, pdu_id: int, first: date, last: date) -> list[StandDownRow]:
    rows = session.execute(
        select(UpwStandDown, UpwSession.day, UpwProject.name, AppUser.display_name)
        .join(UpwSession, UpwSession.id == UpwStandDown.session_id)
        .join(UpwProject, UpwProject.id == UpwSession.project_id)
        .outerjoin(AppUser, AppUser.id == UpwStandDown.recorded_by)
        .where(UpwProject.pdu_id == pdu_id, UpwSession.day >= first, UpwSession.day <= last)
        .order_by(UpwSession.day, UpwProject.name)
    ).all()
    names: dict[int, list[str]] = defaultdict(list)
    if rows:
        for sd_id, crn, forename, surname in session.execute(
            select(UpwAttendance.stand_down_id, Person.crn, Person.forename, Person.surname)
            .join(UpwPlacement, UpwPlacement.id == UpwAttendance.placement_id)
            .join(Person, Person.id == UpwPlacement.person_id)
            .where(UpwAttendance.stand_down_id.in_([sd.id for sd, *_ in rows]))
            .order_by(Person.surname, Person.forename)
        ):
            if sd_id is not None:
                names[sd_id].append(f"{forename} {surname} ({crn})")
    return [
        StandDownRow(
            sd.id,
            sd.session_id,
            day,
            project,
            sd.reason,
            StandDownReason(sd.reason).label,
            sd.notice,
            Notice(sd.notice).label,
            sd.planned,
            tuple(names.get(sd.id, ())),
            sd.person_minutes_lost,
            by or "",
            sd.note,
        )
        for sd, day, project, by in rows
    ]
