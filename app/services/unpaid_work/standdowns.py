"""Standing a session down, the people to rebook, and planned closures (issue 18 point 5).

One action stands a session down with its reason and notice: everyone booked
without an outcome gets AASD (in advance: nothing credited) or ATSS (on the
day: the time actually spent credited, within the hours left), and the
person-hours lost are recorded. Those people are listed to rebook, and each
is rebooked onto another suitable session in one step
(:func:`app.services.unpaid_work.booking.rebook`). A planned stand-down is
entered ahead for a known closure (a bank holiday, a site shut) and stands
down every session of those days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app import clock
from app.db.bulk import in_ids
from app.db.models import Person
from app.db.upw_models import UpwAttendance, UpwPlacement, UpwProject, UpwSession, UpwStandDown
from app.domain.parsing import format_date
from app.domain.unpaid_work import Notice, StandDownReason, UnpaidWorkInputError
from app.domain.unpaid_work_booking import Severity, booking_warnings, refusals
from app.domain.unpaid_work_standdowns import stand_down_effect
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import ConflictError, NotFound, UserError
from app.services.core.permissions import guarded_read, write_service
from app.services.unpaid_work import access
from app.services.unpaid_work.facts import (
    bookings_of,
    credits_of,
    other_bookings,
    people_facts,
    sessions_on,
)
from app.services.unpaid_work.facts import session_and_project as _session
from app.services.unpaid_work.locks import lock
from app.services.unpaid_work.requirements import load_requirements
from app.services.unpaid_work.rules import pdu_rules
from app.services.unpaid_work.summary import hours_of
from app.services.unpaid_work.words import check_times, clock_time

REBOOK_WEEKS = 4
"""Rebooking offers the sessions of the coming four weeks."""


@dataclass(frozen=True)
class ToRebook:
    """A person a stand-down (or the service) sent away, still to be rebooked."""

    placement_id: int
    person_id: int
    crn: str
    name: str
    session_id: int
    day: date
    project: str
    outcome: str
    reason: str


@dataclass(frozen=True)
class StandDownResult:
    stand_down_id: int
    session_id: int
    person_minutes_lost: int
    to_rebook: tuple[ToRebook, ...]


def _check_notice(row: UpwSession, notice: Notice, sent_home_at: time | None, today: date) -> None:
    if notice is Notice.ON_THE_DAY:
        if row.day > today:
            raise UserError(
                f"The session on {format_date(row.day)} has not happened yet: stand it down "
                "in advance."
            )
        if sent_home_at is None:
            raise UserError("Say when people were sent home.")


@write_service(*access.RECORDING, action=access.STAND_DOWN)
def stand_down_session(
    session: Session,
    actor: Actor,
    session_id: int,
    expected_version: int,
    reason: StandDownReason,
    notice: Notice,
    *,
    sent_home_at: time | None = None,
    note: str = "",
    planned: bool = False,
) -> StandDownResult:
    """Stand a session down for everyone booked; returns who is to rebook."""
    reason, notice = StandDownReason(reason), Notice(notice)
    row, project = _session(session, session_id)
    access.require_pdu(actor, project.pdu_id, "stand down sessions")
    if reason is StandDownReason.OTHER and not note.strip():
        raise UserError("Say in the note why the session is stood down.")
    _check_notice(row, notice, sent_home_at, clock.today())
    if session.scalar(select(UpwStandDown.id).where(UpwStandDown.session_id == row.id)):
        raise ConflictError("This session has already been stood down; nothing was changed.")
    lock(session, UpwSession, row.id, expected_version)
    stand_down = _new_stand_down(actor, row, reason, notice, sent_home_at, note, planned)
    session.add(stand_down)
    session.flush()
    lost = affected = 0
    for placement, _attendance in _open_bookings(session, row.id):
        minutes = _stand_down_one(session, actor, row, placement, stand_down, sent_home_at)
        lost, affected = lost + minutes, affected + 1
    stand_down.person_minutes_lost, stand_down.people_affected = lost, affected
    session.flush()
    _audit(session, actor, row, project, stand_down)
    people = tuple(r for r in _to_rebook(session, project.pdu_id) if r.session_id == row.id)
    return StandDownResult(stand_down.id, row.id, lost, people)


def _new_stand_down(
    actor: Actor,
    row: UpwSession,
    reason: StandDownReason,
    notice: Notice,
    sent_home_at: time | None,
    note: str,
    planned: bool,
) -> UpwStandDown:
    return UpwStandDown(
        session_id=row.id,
        reason=reason.value,
        notice=notice.value,
        planned=planned,
        note=note.strip(),
        sent_home_at=sent_home_at if notice is Notice.ON_THE_DAY else None,
        people_affected=0,
        person_minutes_lost=0,
        recorded_at=clock.now().replace(tzinfo=None),
        recorded_by=actor.user_id,
    )


def _open_bookings(
    session: Session, session_id: int
) -> list[tuple[UpwPlacement, UpwAttendance | None]]:
    """The bookings a stand-down reaches: those with no outcome yet."""
    rows = session.execute(
        select(UpwPlacement, UpwAttendance)
        .outerjoin(UpwAttendance, UpwAttendance.placement_id == UpwPlacement.id)
        .where(UpwPlacement.session_id == session_id)
        .order_by(UpwPlacement.id)
    ).all()
    return [(p, a) for p, a in rows if a is None]


def _stand_down_one(
    session: Session,
    actor: Actor,
    row: UpwSession,
    placement: UpwPlacement,
    stand_down: UpwStandDown,
    sent_home_at: time | None,
) -> int:
    notice = Notice(stand_down.notice)
    remaining = 0
    if notice is Notice.ON_THE_DAY:
        record = next(
            r
            for r in load_requirements(session, placement.person_id)
            if r.id == placement.requirement_id
        )
        rules = pdu_rules(session, record.pdu_id, row.day)
        credits = credits_of(session, [record.id]).get(record.id, [])
        remaining = hours_of(record, credits, rules, date.max).remaining_minutes
    try:
        effect = stand_down_effect(
            notice,
            row.start_time,
            row.end_time,
            remaining_minutes=remaining,
            sent_home_at=sent_home_at,
        )
    except UnpaidWorkInputError as exc:
        raise UserError(str(exc)) from None
    credited = effect.credited_minutes
    session.add(
        UpwAttendance(
            placement_id=placement.id,
            outcome=effect.outcome.value,
            start_time=row.start_time if credited else None,
            end_time=sent_home_at if credited else None,
            penalty_minutes=0,
            travel_out_minutes=0,
            travel_back_minutes=0,
            work_minutes=credited,
            travel_minutes=0,
            ete_minutes=0,
            lost_minutes=effect.lost_minutes,
            stand_down_id=stand_down.id,
            note="",
            recorded_at=clock.now().replace(tzinfo=None),
            recorded_by=actor.user_id,
        )
    )
    return effect.lost_minutes


def _audit(
    session: Session, actor: Actor, row: UpwSession, project: UpwProject, sd: UpwStandDown
) -> None:
    notice = Notice(sd.notice)
    audit.record(
        session,
        actor,
        "upw.stood_down",
        "upw_session",
        row.id,
        summary=f"{project.name} on {format_date(row.day)} stood down "
        f"({StandDownReason(sd.reason).label}, {notice.label.lower()})",
        after={
            "reason": sd.reason,
            "notice": sd.notice,
            "planned": sd.planned,
            "sent_home_at": clock_time(sd.sent_home_at),
            "people_affected": sd.people_affected,
            "person_minutes_lost": sd.person_minutes_lost,
        },
    )


@write_service(*access.RECORDING, action=access.STAND_DOWN)
def plan_closure(
    session: Session,
    actor: Actor,
    pdu_id: int,
    first_day: date,
    last_day: date,
    reason: StandDownReason,
    note: str = "",
    project_id: int | None = None,
) -> list[int]:
    """Stand down ahead every session of those days (of one project, or all): a planned closure.

    Returns the stand-downs' ids. Sessions already stood down are left alone.
    """
    access.require_pdu(actor, pdu_id, "stand down sessions")
    if last_day < first_day:
        raise UserError("The last day comes before the first.")
    if first_day <= clock.today():
        raise UserError("A planned closure is entered ahead: choose days from tomorrow on.")
    query = (
        select(UpwSession.id, UpwSession.version)
        .join(UpwProject, UpwProject.id == UpwSession.project_id)
        .outerjoin(UpwStandDown, UpwStandDown.session_id == UpwSession.id)
        .where(
            UpwProject.pdu_id == pdu_id,
            UpwSession.day >= first_day,
            UpwSession.day <= last_day,
            UpwStandDown.id.is_(None),
        )
        .order_by(UpwSession.day, UpwSession.id)
    )
    if project_id is not None:
        query = query.where(UpwSession.project_id == project_id)
    made = []
    for sid, version in session.execute(query).all():
        result = stand_down_session(
            session, actor, sid, version, reason, Notice.ADVANCE, note=note, planned=True
        )
        made.append(result.stand_down_id)
    if not made:
        raise UserError("There are no sessions on those days to stand down.")
    return made


@guarded_read(*access.READING, action=access.SEE)
def to_rebook(
    session: Session, actor: Actor, pdu_id: int, since: date | None = None
) -> list[ToRebook]:
    """People sent away by the service (AASD, ATSS, RSSR) and not rebooked yet.

    Only bookings of sessions from ``since`` on (four weeks ago by default)
    and of requirements still running are listed.
    """
    access.require_pdu(actor, pdu_id, access.SEE)
    return _to_rebook(session, pdu_id, since)


def _to_rebook(session: Session, pdu_id: int, since: date | None = None) -> list[ToRebook]:
    first = since or clock.today() - timedelta(weeks=REBOOK_WEEKS)
    later = aliased(UpwPlacement)
    rows = session.execute(
        select(
            UpwPlacement, Person, UpwSession, UpwProject.name, UpwAttendance, UpwStandDown.reason
        )
        .join(UpwAttendance, UpwAttendance.placement_id == UpwPlacement.id)
        .join(UpwSession, UpwSession.id == UpwPlacement.session_id)
        .join(UpwProject, UpwProject.id == UpwSession.project_id)
        .join(Person, Person.id == UpwPlacement.person_id)
        .outerjoin(UpwStandDown, UpwStandDown.id == UpwAttendance.stand_down_id)
        .outerjoin(later, later.rebooked_from_id == UpwPlacement.id)
        .where(
            UpwProject.pdu_id == pdu_id,
            UpwSession.day >= first,
            UpwAttendance.outcome.in_(("AASD", "ATSS", "RSSR")),
            later.id.is_(None),
        )
        .order_by(UpwSession.day, Person.surname, Person.forename)
    ).all()
    found = []
    for placement, person, row, project, attendance, reason in rows:
        why = reason or attendance.sent_away_reason
        found.append(
            ToRebook(
                placement.id,
                person.id,
                person.crn,
                f"{person.forename} {person.surname}",
                row.id,
                row.day,
                project,
                attendance.outcome,
                StandDownReason(why).label if why else "",
            )
        )
    return found


@dataclass(frozen=True)
class SessionChoice:
    """A session someone could be rebooked onto, with what it would need."""

    session_id: int
    version: int
    day: date
    start: time
    end: time
    project: str
    places: int
    booked: int
    needs_reason: bool
    warnings: tuple[str, ...]


@guarded_read(*access.READING, action=access.SEE)
def suitable_sessions(
    session: Session, actor: Actor, placement_id: int, weeks: int = REBOOK_WEEKS
) -> list[SessionChoice]:
    """Sessions from today over the coming weeks this person could be rebooked onto.

    A session whose rules would refuse the person, one stood down and one
    already full are left out; one that needs a reason says so. The rules are
    checked in memory over facts read in a handful of statements.
    """
    old = session.get(UpwPlacement, placement_id)
    if old is None:
        raise NotFound("That booking no longer exists.")
    row, project = _session(session, old.session_id)
    access.require_pdu(actor, project.pdu_id, access.SEE)
    today = clock.today()
    last = today + timedelta(weeks=weeks)
    stood = set(
        session.scalars(
            select(UpwStandDown.session_id)
            .join(UpwSession, UpwSession.id == UpwStandDown.session_id)
            .where(UpwSession.day >= today, UpwSession.day <= last)
        )
    )
    facts = {
        sid: f
        for sid, f in sessions_on(session, project.pdu_id, today, last).items()
        if sid not in stood and sid != row.id
    }
    booked = bookings_of(session, sorted(facts))
    people = people_facts(session, [old.person_id, *(p for ps in booked.values() for p in ps)])
    mine = other_bookings(session, [old.person_id], today, last).get(old.person_id, [])
    person = people[old.person_id]
    versions = {
        sid: version
        for sid, version in session.execute(
            select(UpwSession.id, UpwSession.version).where(in_ids(UpwSession.id, sorted(facts)))
        )
    }
    choices = []
    for sid, f in sorted(facts.items(), key=lambda i: (i[1].day, i[1].start, i[1].project.name)):
        on = booked.get(sid, [])
        if old.person_id in on or len(on) >= f.places:
            continue
        warnings = booking_warnings(
            f, person, [people[p] for p in on], [s for s in mine if s.day == f.day]
        )
        if refusals(warnings):
            continue
        choices.append(
            SessionChoice(
                sid,
                versions[sid],
                f.day,
                f.start,
                f.end,
                f.project.name,
                f.places,
                len(on),
                any(w.severity is Severity.NEEDS_REASON for w in warnings),
                tuple(w.message for w in warnings if w.severity is not Severity.NOTICE),
            )
        )
    return choices


def session_minutes(row: UpwSession) -> int:
    return check_times(row.start_time, row.end_time)
