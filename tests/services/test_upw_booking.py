"""Booking onto sessions: the rules refuse or ask for a reason, in words; locking; unbooking."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from app.db.upw_models import UpwPlacement, UpwSession
from app.services.core.changes import Kind
from app.services.core.errors import ConflictError, UserError
from app.services.core.unit_of_work import last_changes
from app.services.unpaid_work import booking, projects
from app.services.unpaid_work.booking import BookingNeedsReason, BookingRefused
from tests.services import upw_helpers as h

DAY = date(2026, 11, 28)


def test_booking_a_person_writes_the_placement_and_bumps_the_session(session) -> None:
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id)
    s = h.upw_session(session, p, DAY, supervisor_id=upw.supervisor_id)
    person_id, req = h.person(session, upw.pdu_id)
    session.commit()
    placement_id = booking.book(session, upw.manager, s.id, 1, person_id)
    session.commit()
    placed = session.get(UpwPlacement, placement_id)
    assert placed is not None and placed.requirement_id == req.id
    assert h.version(session, s.id) == 2
    changes = last_changes(session)
    assert changes.get(Kind.UPW_PLACEMENT) == {placement_id}
    assert changes.get(Kind.UPW_SESSION) == {s.id}


def test_a_man_on_a_women_only_project_is_refused_with_the_rule_in_words(session) -> None:
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id, women_only=True, name="Women's garden")
    s = h.upw_session(session, p, DAY)
    person_id, _ = h.person(session, upw.pdu_id, gender="M")
    with pytest.raises(BookingRefused, match="for women only"):
        booking.book(session, upw.manager, s.id, 1, person_id)
    assert session.scalars(select(UpwPlacement)).all() == []


def test_high_rosh_on_a_project_not_marked_suitable_is_refused(session) -> None:
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id, high_rosh_suitable=False)
    s = h.upw_session(session, p, DAY)
    person_id, _ = h.person(session, upw.pdu_id, rosh="HIGH")
    with pytest.raises(BookingRefused, match="not marked suitable for high RoSH"):
        booking.book(session, upw.manager, s.id, 1, person_id)


def test_a_woman_alone_with_men_needs_her_recorded_consent(session) -> None:
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id)
    s = h.upw_session(session, p, DAY)
    man, _ = h.person(session, upw.pdu_id, gender="M")
    woman, _ = h.person(session, upw.pdu_id, gender="F")
    consenting, _ = h.person(session, upw.pdu_id, gender="F", consent=True)
    booking.book(session, upw.manager, s.id, 1, man)
    with pytest.raises(BookingRefused, match="only woman in an all-male group"):
        booking.book(session, upw.manager, s.id, 2, woman)
    assert booking.book(session, upw.manager, s.id, 2, consenting)


def test_over_capacity_asks_for_a_reason_then_records_it(session) -> None:
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id, places=1)
    s = h.upw_session(session, p, DAY)
    first, _ = h.person(session, upw.pdu_id)
    second, _ = h.person(session, upw.pdu_id)
    booking.book(session, upw.manager, s.id, 1, first)
    with pytest.raises(BookingNeedsReason, match="2 people are booked for 1 places") as asked:
        booking.book(session, upw.manager, s.id, 2, second)
    assert [w.rule.value for w in asked.value.warnings] == ["OVER_CAPACITY"]
    placed = booking.book(session, upw.manager, s.id, 2, second, reason="Extra supervisor")
    found = session.get(UpwPlacement, placed)
    assert found is not None and found.override_reason == "Extra supervisor"


def test_two_sessions_at_once_are_refused_and_two_on_a_day_need_a_reason(session) -> None:
    upw = h.setup(session)
    morning = h.project(session, upw.pdu_id, start=time(9), end=time(12))
    overlapping = h.project(session, upw.pdu_id, start=time(11), end=time(15))
    afternoon = h.project(session, upw.pdu_id, start=time(13), end=time(16))
    a, b, c = (h.upw_session(session, x, DAY) for x in (morning, overlapping, afternoon))
    person_id, _ = h.person(session, upw.pdu_id)
    booking.book(session, upw.manager, a.id, 1, person_id)
    with pytest.raises(BookingRefused, match="also booked on"):
        booking.book(session, upw.manager, b.id, 1, person_id)
    with pytest.raises(BookingNeedsReason):
        booking.book(session, upw.manager, c.id, 1, person_id)


def test_a_stale_version_is_a_conflict_and_books_nothing(session) -> None:
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id)
    s = h.upw_session(session, p, DAY)
    first, _ = h.person(session, upw.pdu_id)
    second, _ = h.person(session, upw.pdu_id)
    booking.book(session, upw.manager, s.id, 1, first)
    session.commit()
    with pytest.raises(ConflictError, match="changed by"):
        booking.book(session, upw.manager, s.id, 1, second)
    session.rollback()
    assert len(session.scalars(select(UpwPlacement)).all()) == 1


def test_a_person_without_a_running_requirement_cannot_be_booked(session) -> None:
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id)
    s = h.upw_session(session, p, DAY)
    person_id, req = h.person(session, upw.pdu_id)
    req.completed_on = date(2026, 11, 1)
    session.flush()
    with pytest.raises(UserError, match="no unpaid work requirement running"):
        booking.book(session, upw.manager, s.id, 1, person_id)


def test_unbooking_removes_a_booking_without_an_outcome(session) -> None:
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id)
    s = h.upw_session(session, p, DAY)
    person_id, _ = h.person(session, upw.pdu_id)
    placement = booking.book(session, upw.manager, s.id, 1, person_id)
    booking.unbook(session, upw.manager, placement, 2)
    session.commit()
    assert session.get(UpwPlacement, placement) is None
    assert h.version(session, s.id) == 3


def test_supervisor_assignment_refuses_one_already_busy_at_that_time(session) -> None:
    upw = h.setup(session)
    a = h.upw_session(session, h.project(session, upw.pdu_id), DAY, supervisor_id=upw.supervisor_id)
    b = h.upw_session(session, h.project(session, upw.pdu_id), DAY)
    with pytest.raises(UserError, match="already supervises"):
        projects.assign_supervisor(session, upw.manager, b.id, 1, upw.supervisor_id)
    projects.assign_supervisor(session, upw.manager, b.id, 1, upw.second_supervisor_id)
    projects.swap_supervisors(session, upw.manager, a.id, 1, b.id, 2)
    session.commit()
    assert session.get(UpwSession, a.id).supervisor_id == upw.second_supervisor_id  # type: ignore[union-attr]
    assert session.get(UpwSession, b.id).supervisor_id == upw.supervisor_id  # type: ignore[union-attr]


def test_sessions_are_made_on_the_days_a_project_runs_skipping_bank_holidays(session) -> None:
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id, days="0,1,2,3,4")  # Monday to Friday
    made = projects.create_sessions(
        session, upw.manager, p.id, date(2026, 12, 19), date(2026, 12, 31)
    )
    days = sorted(session.get(UpwSession, i).day for i in made)  # type: ignore[union-attr]
    # Christmas Day (Friday) and Boxing Day's substitute (Monday 28/12) are skipped.
    assert [d.day for d in days] == [21, 22, 23, 24, 29, 30, 31]
    again = projects.create_sessions(
        session, upw.manager, p.id, date(2026, 12, 19), date(2026, 12, 31)
    )
    assert again == []
