"""Recording attendance: a whole session at once, or one person (issue 18 point 4).

Each outcome credits end - start - penalty (and supervised travel, capped)
within the hours left and, on ETE projects, within the ETE allowance. A
session still to come takes only acceptable absences. An enforceable outcome
is flagged for the practitioner with the date they must be told by (one
business day, DOMAIN.md 5). One person sent away alone (AASD or ATSS with a
reason) counts in the person-hours lost without standing the session down.
Recording takes the session's version: two people recording one session
cannot overwrite each other (SPEC.md 9).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Person
from app.db.upw_models import UpwAttendance, UpwPlacement, UpwProject, UpwSession, UpwStandDown
from app.domain.parsing import format_date
from app.domain.unpaid_work import Outcome, ProjectType, StandDownReason, UnpaidWorkInputError
from app.domain.unpaid_work_booking import outcome_problem, practitioner_notice_due
from app.domain.unpaid_work_hours import credit_attendance
from app.domain.unpaid_work_standdowns import person_minutes_lost
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import ConflictError, NotFound, UserError
from app.services.core.permissions import guarded_read, write_service
from app.services.unpaid_work import access
from app.services.unpaid_work.facts import credits_of
from app.services.unpaid_work.facts import session_and_project as _session
from app.services.unpaid_work.locks import lock
from app.services.unpaid_work.requirements import RequirementRecord, load_requirements
from app.services.unpaid_work.rules import PduRules, pdu_rules
from app.services.unpaid_work.summary import hours_of
from app.services.unpaid_work.words import check_times


@dataclass(frozen=True)
class AttendanceEntry:
    """One person's outcome as typed: times default to the session's."""

    placement_id: int
    outcome: Outcome
    start: time | None = None
    end: time | None = None
    penalty_minutes: int = 0
    travel_out_minutes: int = 0
    travel_back_minutes: int = 0
    sent_away_reason: StandDownReason | None = None
    note: str = ""


@dataclass(frozen=True)
class RecordedOutcome:
    """What one entry recorded; ``notice_due`` when the practitioner must be told."""

    placement_id: int
    crn: str
    name: str
    outcome: Outcome
    work_minutes: int
    travel_minutes: int
    limited_by: tuple[str, ...]
    notice_due: date | None


@dataclass(frozen=True)
class AttendanceResult:
    session_id: int
    recorded: tuple[RecordedOutcome, ...]

    @property
    def for_practitioner(self) -> tuple[RecordedOutcome, ...]:
        """Enforceable outcomes the practitioner must be told of (one business day)."""
        return tuple(r for r in self.recorded if r.notice_due is not None)


@write_service(*access.RECORDING, action=access.RECORD_ATTENDANCE)
def record_attendance(
    session: Session,
    actor: Actor,
    session_id: int,
    expected_version: int,
    entries: Sequence[AttendanceEntry],
) -> AttendanceResult:
    """Record the outcomes of some or all of a session's bookings, all or none."""
    row, project = _session(session, session_id)
    access.require_pdu(actor, project.pdu_id, "record attendance")
    if not entries:
        raise UserError("Choose an outcome for at least one person.")
    if session.scalar(select(UpwStandDown.id).where(UpwStandDown.session_id == row.id)):
        raise ConflictError("This session has been stood down: its outcomes are recorded.")
    rules = pdu_rules(session, project.pdu_id, row.day)
    today = clock.today()
    placements = _placements(session, row.id, [e.placement_id for e in entries])
    recorded = [
        _record_one(session, actor, row, project, placements[e.placement_id], e, rules, today)
        for e in entries
    ]
    lock(session, UpwSession, row.id, expected_version)
    audit.record(
        session,
        actor,
        "upw.attendance.recorded",
        "upw_session",
        row.id,
        summary=f"{len(recorded)} outcome(s) for {project.name} on {format_date(row.day)}",
        extra={
            "outcomes": {
                r.crn: [r.outcome.value, r.work_minutes, r.travel_minutes] for r in recorded
            }
        },
    )
    return AttendanceResult(row.id, tuple(recorded))


@write_service(*access.RECORDING, action=access.RECORD_ATTENDANCE)
def record_one(
    session: Session,
    actor: Actor,
    session_id: int,
    expected_version: int,
    entry: AttendanceEntry,
) -> AttendanceResult:
    """Record one person's outcome."""
    return record_attendance(session, actor, session_id, expected_version, [entry])


def _placements(
    session: Session, session_id: int, ids: Sequence[int]
) -> dict[int, tuple[UpwPlacement, Person]]:
    if len(set(ids)) != len(ids):
        raise UserError("Each person takes one outcome.")
    found = {
        p.id: (p, person)
        for p, person in session.execute(
            select(UpwPlacement, Person)
            .join(Person, Person.id == UpwPlacement.person_id)
            .where(UpwPlacement.session_id == session_id, UpwPlacement.id.in_(ids))
        )
    }
    if len(found) != len(ids):
        raise ConflictError("Someone was taken off this session meanwhile; nothing was recorded.")
    return found


def _requirement(session: Session, placement: UpwPlacement) -> RequirementRecord:
    for record in load_requirements(session, placement.person_id):
        if record.id == placement.requirement_id:
            return record
    raise NotFound("That unpaid work requirement no longer exists.")


def _record_one(
    session: Session,
    actor: Actor,
    row: UpwSession,
    project: UpwProject,
    found: tuple[UpwPlacement, Person],
    entry: AttendanceEntry,
    rules: PduRules,
    today: date,
) -> RecordedOutcome:
    placement, person = found
    name = f"{person.forename} {person.surname}"
    problem = outcome_problem(entry.outcome, row.day, today)
    if problem:
        raise UserError(f"{name}: {problem}.")
    if entry.sent_away_reason is not None and not entry.outcome.is_stand_down:
        raise UserError(f"{name}: only AASD or ATSS sends one person away with a reason.")
    start = entry.start or row.start_time
    end = entry.end or row.end_time
    length = check_times(row.start_time, row.end_time)
    record = _requirement(session, placement)
    credits = credits_of(session, [record.id], leave_out=placement.id).get(record.id, [])
    hours = hours_of(record, credits, rules, date.max)
    try:
        credit = credit_attendance(
            entry.outcome,
            ProjectType(project.project_type),
            start,
            end,
            remaining_minutes=hours.remaining_minutes,
            ete_left_minutes=hours.ete_left_minutes,
            penalty_minutes=entry.penalty_minutes,
            travel_out_minutes=entry.travel_out_minutes,
            travel_back_minutes=entry.travel_back_minutes,
            travel_cap_each_way=rules.settings.upw_travel_credit_minutes_each_way,
        )
    except UnpaidWorkInputError as exc:
        raise UserError(f"{name}: {exc}.") from None
    due = practitioner_notice_due(entry.outcome, row.day, rules.calendar, rules.settings)
    attendance = session.scalar(
        select(UpwAttendance).where(UpwAttendance.placement_id == placement.id)
    )
    if attendance is None:
        attendance = UpwAttendance(placement_id=placement.id)
        session.add(attendance)
    elif attendance.stand_down_id is not None:
        raise ConflictError(f"{name} was stood down with the session; nothing was recorded.")
    attended = entry.outcome.credits_hours
    attendance.outcome = entry.outcome.value
    attendance.start_time = start if attended else None
    attendance.end_time = end if attended else None
    attendance.penalty_minutes = entry.penalty_minutes if attended else 0
    attendance.travel_out_minutes = entry.travel_out_minutes if attended else 0
    attendance.travel_back_minutes = entry.travel_back_minutes if attended else 0
    attendance.work_minutes = credit.work_minutes
    attendance.travel_minutes = credit.travel_minutes
    attendance.ete_minutes = credit.ete_minutes
    reason = entry.sent_away_reason
    attendance.sent_away_reason = reason.value if reason else None
    attendance.lost_minutes = (
        person_minutes_lost(entry.outcome, length, credit.work_minutes) if reason else 0
    )
    attendance.stand_down_id = None
    attendance.notice_due = due
    attendance.notified_on = None
    attendance.note = entry.note.strip()
    attendance.recorded_at = clock.now().replace(tzinfo=None)
    attendance.recorded_by = actor.user_id
    return RecordedOutcome(
        placement.id,
        person.crn,
        name,
        entry.outcome,
        credit.work_minutes,
        credit.travel_minutes,
        credit.limited_by,
        due,
    )


@dataclass(frozen=True)
class PractitionerNotice:
    """An enforceable outcome the practitioner must be told of."""

    attendance_id: int
    crn: str
    name: str
    outcome_label: str
    session_day: date
    project: str
    due: date
    overdue: bool


@guarded_read(*access.READING, action=access.SEE)
def practitioner_notices(session: Session, actor: Actor, pdu_id: int) -> list[PractitionerNotice]:
    """Enforceable outcomes not yet passed to the practitioner, the most urgent first."""
    access.require_pdu(actor, pdu_id, access.SEE)
    today = clock.today()
    rows = session.execute(
        select(UpwAttendance, Person, UpwSession.day, UpwProject.name)
        .join(UpwPlacement, UpwPlacement.id == UpwAttendance.placement_id)
        .join(Person, Person.id == UpwPlacement.person_id)
        .join(UpwSession, UpwSession.id == UpwPlacement.session_id)
        .join(UpwProject, UpwProject.id == UpwSession.project_id)
        .where(
            UpwProject.pdu_id == pdu_id,
            UpwAttendance.notice_due.is_not(None),
            UpwAttendance.notified_on.is_(None),
        )
        .order_by(UpwAttendance.notice_due, Person.crn)
    ).all()
    return [
        PractitionerNotice(
            a.id,
            p.crn,
            f"{p.forename} {p.surname}",
            Outcome(a.outcome).label,
            day,
            project,
            a.notice_due,
            a.notice_due < today,
        )
        for a, p, day, project in rows
        if a.notice_due is not None
    ]


@write_service(*access.RECORDING, action=access.RECORD_ATTENDANCE)
def mark_notified(session: Session, actor: Actor, attendance_id: int) -> int:
    """The practitioner has been told of this enforceable outcome (today)."""
    attendance = session.get(UpwAttendance, attendance_id)
    if attendance is None:
        raise NotFound("That outcome no longer exists.")
    placement = session.get(UpwPlacement, attendance.placement_id)
    assert placement is not None  # an attendance's booking is never deleted
    _row, project = _session(session, placement.session_id)
    access.require_pdu(actor, project.pdu_id, "record attendance")
    if attendance.notified_on is not None:
        raise ConflictError("The practitioner has already been told; nothing was changed.")
    attendance.notified_on = clock.today()
    audit.record(
        session,
        actor,
        "upw.practitioner.told",
        "upw_session",
        placement.session_id,
        summary=f"Practitioner told of {attendance.outcome}",
    )
    return attendance.id
