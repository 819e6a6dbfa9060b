"""Standing sessions down: AASD or ATSS for everyone booked, hours lost, rebooking, the view."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from app.db.upw_models import UpwAttendance, UpwPlacement, UpwStandDown
from app.domain.unpaid_work import Notice, Outcome, StandDownReason
from app.services.core.errors import ConflictError, UserError
from app.services.unpaid_work import attendance, booking, standdowns
from app.services.unpaid_work.attendance import AttendanceEntry
from app.services.unpaid_work.standdown_view import stand_downs_view
from tests.services import upw_helpers as h

FUTURE = date(2026, 11, 28)
TODAY = date(2026, 11, 25)


def _session_with(session, upw, day, people=2):  # type: ignore[no-untyped-def]
    p = h.project(session, upw.pdu_id, name="Canal clearance")
    s = h.upw_session(session, p, day, supervisor_id=upw.supervisor_id)
    ids = [h.person(session, upw.pdu_id)[0] for _ in range(people)]
    for n, pid in enumerate(ids):
        booking.book(session, upw.manager, s.id, n + 1, pid)
    return p, s, ids


def test_a_stand_down_in_advance_gives_everyone_aasd_and_lists_them_to_rebook(session) -> None:
    upw = h.setup(session)
    _p, s, people = _session_with(session, upw, FUTURE)
    result = standdowns.stand_down_session(
        session, upw.admin, s.id, 3, StandDownReason.WEATHER, Notice.ADVANCE
    )
    session.commit()
    outcomes = session.scalars(select(UpwAttendance.outcome)).all()
    assert outcomes == ["AASD", "AASD"]
    assert result.person_minutes_lost == 2 * 420
    assert sorted(r.person_id for r in result.to_rebook) == sorted(people)
    stood = session.scalar(select(UpwStandDown))
    assert stood is not None and (stood.people_affected, stood.person_minutes_lost) == (2, 840)


def test_a_stand_down_on_the_day_credits_the_time_spent_as_atss(session) -> None:
    upw = h.setup(session)
    _p, s, _people = _session_with(session, upw, TODAY, people=1)
    result = standdowns.stand_down_session(
        session,
        upw.admin,
        s.id,
        2,
        StandDownReason.VEHICLE_EQUIPMENT,
        Notice.ON_THE_DAY,
        sent_home_at=time(11, 0),
    )
    found = session.scalar(select(UpwAttendance))
    assert found is not None
    assert (found.outcome, found.work_minutes, found.lost_minutes) == ("ATSS", 120, 300)
    assert result.person_minutes_lost == 300


def test_a_session_still_to_come_cannot_be_stood_down_on_the_day(session) -> None:
    upw = h.setup(session)
    _p, s, _people = _session_with(session, upw, FUTURE, people=1)
    with pytest.raises(UserError, match="stand it down in advance"):
        standdowns.stand_down_session(
            session,
            upw.admin,
            s.id,
            2,
            StandDownReason.WEATHER,
            Notice.ON_THE_DAY,
            sent_home_at=time(10),
        )


def test_a_session_is_stood_down_once(session) -> None:
    upw = h.setup(session)
    _p, s, _people = _session_with(session, upw, FUTURE, people=1)
    standdowns.stand_down_session(
        session, upw.admin, s.id, 2, StandDownReason.WEATHER, Notice.ADVANCE
    )
    with pytest.raises(ConflictError, match="already been stood down"):
        standdowns.stand_down_session(
            session, upw.admin, s.id, 3, StandDownReason.WEATHER, Notice.ADVANCE
        )


def test_rebooking_is_one_step_onto_a_suitable_session(session) -> None:
    upw = h.setup(session)
    p, s, people = _session_with(session, upw, FUTURE, people=1)
    later = h.upw_session(session, p, date(2026, 11, 29))
    women = h.project(session, upw.pdu_id, women_only=True)
    h.upw_session(session, women, date(2026, 11, 29))
    result = standdowns.stand_down_session(
        session, upw.admin, s.id, 2, StandDownReason.NO_SUPERVISOR, Notice.ADVANCE
    )
    old = result.to_rebook[0].placement_id
    choices = standdowns.suitable_sessions(session, upw.manager, old)
    assert [c.session_id for c in choices] == [later.id]  # not the women-only project
    new = booking.rebook(session, upw.admin, old, later.id, choices[0].version)
    session.commit()
    placed = session.get(UpwPlacement, new)
    assert placed is not None
    assert (placed.person_id, placed.rebooked_from_id) == (people[0], old)
    assert standdowns.to_rebook(session, upw.manager, upw.pdu_id) == []
    with pytest.raises(ConflictError, match="already been rebooked"):
        booking.rebook(session, upw.admin, old, later.id, 2)


def test_a_planned_closure_stands_down_every_session_of_the_day(session) -> None:
    upw = h.setup(session)
    a = h.upw_session(session, h.project(session, upw.pdu_id), date(2026, 12, 25))
    b = h.upw_session(session, h.project(session, upw.pdu_id), date(2026, 12, 25))
    made = standdowns.plan_closure(
        session,
        upw.manager,
        upw.pdu_id,
        date(2026, 12, 25),
        date(2026, 12, 25),
        StandDownReason.PLACEMENT_UNAVAILABLE,
        note="Christmas Day",
    )
    rows = session.scalars(select(UpwStandDown).order_by(UpwStandDown.session_id)).all()
    assert len(made) == 2 and [r.session_id for r in rows] == [a.id, b.id]
    assert all(r.planned and r.notice == "advance" for r in rows)


def test_the_view_shows_the_rate_and_the_hours_lost_under_their_own_names(session) -> None:
    upw = h.setup(session)
    _p, stood, _ = _session_with(session, upw, FUTURE, people=2)
    q = h.project(session, upw.pdu_id)
    held = h.upw_session(session, q, FUTURE, places=6)
    for n in range(2):
        booking.book(session, upw.manager, held.id, n + 1, h.person(session, upw.pdu_id)[0])
    standdowns.stand_down_session(
        session, upw.admin, stood.id, 3, StandDownReason.WEATHER, Notice.ADVANCE
    )
    view = stand_downs_view(session, upw.manager, upw.pdu_id, TODAY, weeks=4)
    week = view.weeks[0].figures
    assert (week.sessions_scheduled, week.sessions_stood_down) == (2, 1)
    assert week.stand_down_rate_percent == 50.0
    assert week.hours_lost_percent == 50.0  # 2 of 4 people's 7 hours
    assert week.by_reason["weather"] == 1 and week.by_notice["advance"] == 1
    assert [r.reason_label for r in view.rows] == ["Weather"]
    assert len(view.rows[0].people) == 2
    assert view.total.sessions_scheduled == 2


def test_an_outcome_already_recorded_is_left_by_a_stand_down(session) -> None:
    upw = h.setup(session)
    _p, s, _people = _session_with(session, upw, FUTURE, people=2)
    placements = session.scalars(select(UpwPlacement.id).order_by(UpwPlacement.id)).all()
    attendance.record_one(session, upw.admin, s.id, 3, AttendanceEntry(placements[0], Outcome.AAME))
    result = standdowns.stand_down_session(
        session, upw.admin, s.id, 4, StandDownReason.WEATHER, Notice.ADVANCE
    )
    assert [r.placement_id for r in result.to_rebook] == [placements[1]]
