"""Recording attendance: credits within the caps, future sessions, enforceable outcomes, locking."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from app.db.upw_models import UpwAttendance
from app.domain.unpaid_work import Outcome, StandDownReason
from app.services.core.errors import ConflictError, UserError
from app.services.unpaid_work import attendance, booking, summary
from app.services.unpaid_work.attendance import AttendanceEntry
from tests.services import upw_helpers as h

PAST = date(2026, 11, 21)  # a Saturday before the fixed day
FUTURE = date(2026, 11, 28)


def _booked(session, upw, day, **person_kw):  # type: ignore[no-untyped-def]
    p = h.project(session, upw.pdu_id, **person_kw.pop("project", {}))
    s = h.upw_session(session, p, day, supervisor_id=upw.supervisor_id)
    person_id, req = h.person(session, upw.pdu_id, **person_kw)
    placement = booking.book(session, upw.manager, s.id, 1, person_id)
    return s, person_id, req, placement


def test_a_whole_session_is_recorded_at_once_with_credits(session) -> None:
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id)
    s = h.upw_session(session, p, PAST, supervisor_id=upw.supervisor_id)
    people = [h.person(session, upw.pdu_id)[0] for _ in range(3)]
    placements = [
        booking.book(session, upw.manager, s.id, n + 1, pid) for n, pid in enumerate(people)
    ]
    result = attendance.record_attendance(
        session,
        upw.admin,
        s.id,
        4,
        [
            AttendanceEntry(placements[0], Outcome.ATTC),
            AttendanceEntry(placements[1], Outcome.ATTC, penalty_minutes=30),
            AttendanceEntry(placements[2], Outcome.UACP),
        ],
    )
    session.commit()
    rows = {a.placement_id: a for a in session.scalars(select(UpwAttendance))}
    assert [rows[p].work_minutes for p in placements] == [420, 390, 0]
    assert [r.outcome for r in result.for_practitioner] == [Outcome.UACP]
    # Saturday's enforceable outcome: the practitioner is told by the next working day.
    assert rows[placements[2]].notice_due == date(2026, 11, 23)
    assert (
        summary.person_summary(session, upw.manager, people[1]).requirements[0].hours.in_app_minutes
        == 390
    )


def test_a_future_session_takes_only_acceptable_absences(session) -> None:
    upw = h.setup(session)
    s, _pid, _req, placement = _booked(session, upw, FUTURE)
    with pytest.raises(UserError, match="has not happened yet"):
        attendance.record_one(session, upw.admin, s.id, 2, AttendanceEntry(placement, Outcome.ATTC))
    done = attendance.record_one(
        session, upw.admin, s.id, 2, AttendanceEntry(placement, Outcome.AAME)
    )
    assert done.recorded[0].work_minutes == 0


def test_credit_never_goes_beyond_the_hours_left(session) -> None:
    upw = h.setup(session)
    s, pid, _req, placement = _booked(session, upw, PAST, hours=40, done=38)
    result = attendance.record_one(
        session, upw.admin, s.id, 2, AttendanceEntry(placement, Outcome.ATTC)
    )
    assert result.recorded[0].work_minutes == 120
    assert "the hours left on the order" in result.recorded[0].limited_by
    assert (
        summary.person_summary(session, upw.manager, pid).requirements[0].hours.remaining_minutes
        == 0
    )


def test_ete_hours_stop_at_the_allowance(session) -> None:
    upw = h.setup(session)
    s, pid, _req, placement = _booked(session, upw, PAST, hours=10, project={"project_type": "ETE"})
    # 20% of 10 hours is 2 hours of ETE.
    result = attendance.record_one(
        session, upw.admin, s.id, 2, AttendanceEntry(placement, Outcome.ATTC)
    )
    assert result.recorded[0].work_minutes == 120
    hours = summary.person_summary(session, upw.manager, pid).requirements[0].hours
    assert (hours.ete_used_minutes, hours.ete_left_minutes) == (120, 0)


def test_travel_is_credited_up_to_the_cap_each_way(session) -> None:
    upw = h.setup(session)
    s, pid, _req, placement = _booked(session, upw, PAST)
    entry = AttendanceEntry(placement, Outcome.ATTC, travel_out_minutes=75, travel_back_minutes=40)
    attendance.record_one(session, upw.admin, s.id, 2, entry)
    hours = summary.person_summary(session, upw.manager, pid).requirements[0].hours
    assert hours.travel_credited_minutes == 100


def test_times_that_make_no_sense_are_refused_in_words(session) -> None:
    upw = h.setup(session)
    s, _pid, _req, placement = _booked(session, upw, PAST)
    entry = AttendanceEntry(placement, Outcome.ATTC, start=time(15), end=time(10))
    with pytest.raises(UserError, match="The end time 10:00 is not after the start time 15:00"):
        attendance.record_one(session, upw.admin, s.id, 2, entry)


def test_two_people_recording_one_session_cannot_both_succeed(session) -> None:
    upw = h.setup(session)
    s, _pid, _req, placement = _booked(session, upw, PAST)
    session.commit()
    attendance.record_one(session, upw.admin, s.id, 2, AttendanceEntry(placement, Outcome.ATTC))
    session.commit()
    with pytest.raises(ConflictError, match=r"changed by .* \(1 outcome"):
        attendance.record_one(
            session, upw.manager, s.id, 2, AttendanceEntry(placement, Outcome.UACP)
        )
    session.rollback()
    assert session.scalar(select(UpwAttendance.outcome)) == "ATTC"


def test_one_person_sent_away_counts_lost_hours_without_standing_the_session_down(session) -> None:
    upw = h.setup(session)
    s, _pid, _req, placement = _booked(session, upw, PAST)
    entry = AttendanceEntry(
        placement, Outcome.AASD, sent_away_reason=StandDownReason.OVERSUBSCRIBED
    )
    attendance.record_one(session, upw.admin, s.id, 2, entry)
    found = session.scalar(select(UpwAttendance))
    assert found is not None
    assert (found.lost_minutes, found.stand_down_id, found.sent_away_reason) == (
        420,
        None,
        "oversubscribed",
    )


def test_the_practitioner_notice_is_listed_until_marked_told(session) -> None:
    upw = h.setup(session)
    s, _pid, _req, placement = _booked(session, upw, PAST)
    attendance.record_one(session, upw.admin, s.id, 2, AttendanceEntry(placement, Outcome.AFTC))
    notices = attendance.practitioner_notices(session, upw.manager, upw.pdu_id)
    assert [(n.due, n.overdue) for n in notices] == [(date(2026, 11, 23), True)]
    attendance.mark_notified(session, upw.admin, notices[0].attendance_id)
    assert attendance.practitioner_notices(session, upw.manager, upw.pdu_id) == []
