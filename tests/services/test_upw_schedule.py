"""The weekly grid, the people to book, a person's summary and the requirement records."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.db.models import Event
from app.db.upw_models import UpwRequirement
from app.domain.unpaid_work import Outcome
from app.domain.unpaid_work_deadlines import MilestoneKind
from app.services.core.errors import ConflictError
from app.services.unpaid_work import attendance, booking, requirements, schedule, summary
from app.services.unpaid_work.attendance import AttendanceEntry
from app.services.unpaid_work.requirements import sync_requirements
from tests.services import upw_helpers as h
from tests.statements import counted

SATURDAY = date(2026, 11, 28)


def test_each_cell_shows_supervisor_places_and_the_warnings(session) -> None:
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id, places=1, name="Canal clearance")
    s = h.upw_session(session, p, SATURDAY)
    man, _ = h.person(session, upw.pdu_id, surname="Adams")
    other, _ = h.person(session, upw.pdu_id, surname="Brown")
    booking.book(session, upw.manager, s.id, 1, man)
    booking.book(session, upw.manager, s.id, 2, other, reason="Short-staffed elsewhere")
    grid = schedule.schedule(session, upw.manager, upw.pdu_id, date(2026, 11, 25))
    assert grid.week_start == date(2026, 11, 23)
    cell = grid.cell(p.id, SATURDAY)
    assert cell is not None
    assert (cell.booked, cell.places, cell.supervisor) == (2, 1, "")
    assert "No supervisor is assigned to this session" in cell.warnings
    assert "2 people are booked for 1 places" in cell.warnings
    assert cell.severity == "NEEDS_REASON"
    assert [x.name.split()[-1] for x in cell.people] == ["Adams", "Brown"]


def test_the_grid_reads_in_a_handful_of_statements_whatever_the_bookings(session, store) -> None:
    upw = h.setup(session)
    projects = [h.project(session, upw.pdu_id) for _ in range(4)]
    for p in projects:
        s = h.upw_session(session, p, SATURDAY, supervisor_id=None)
        for n in range(3):
            booking.book(session, upw.manager, s.id, n + 1, h.person(session, upw.pdu_id)[0])
    session.commit()
    with counted(store.engine) as seen:
        grid = schedule.schedule(session, upw.manager, upw.pdu_id, SATURDAY)
    assert sum(c.booked for c in grid.cells) == 12
    assert len(seen) <= 5


def test_bookable_people_have_hours_left_and_at_risk_come_first(session) -> None:
    upw = h.setup(session)
    h.person(session, upw.pdu_id, hours=40, surname="Able")
    h.person(session, upw.pdu_id, hours=300, sentence_date=date(2026, 1, 5), surname="Risky")
    h.person(session, upw.pdu_id, hours=40, done=40, surname="Done")
    people = schedule.bookable_people(session, upw.manager, upw.pdu_id)
    assert [p.name.split()[-1] for p in people] == ["Risky", "Able"]
    assert people[0].at_risk and not people[1].at_risk


def test_a_persons_summary_has_hours_ete_travel_deadlines_and_history(session) -> None:
    upw = h.setup(session)
    p = h.project(session, upw.pdu_id)
    s = h.upw_session(session, p, date(2026, 11, 21))
    pid, _req = h.person(session, upw.pdu_id, hours=100, done=10, sentence_date=date(2026, 9, 1))
    placement = booking.book(session, upw.manager, s.id, 1, pid)
    attendance.record_one(
        session, upw.admin, s.id, 2, AttendanceEntry(placement, Outcome.ATTC, travel_out_minutes=30)
    )
    found = summary.person_summary(session, upw.manager, pid).current
    assert found is not None
    # 10 hours from the extract (imported 02/09) plus 7 hours and 30 minutes of travel.
    assert (found.hours.worked_minutes, found.hours.travel_credited_minutes) == (1050, 30)
    assert found.hours.ete_allowance_minutes == 1200
    states = {m.label: m.state for m in found.milestones}
    assert states["Assessment"] == "OVERDUE" and states["First review"] == "DUE"
    assert found.completion_date == date(2027, 9, 1)
    assert [(r.outcome, r.work_minutes) for r in found.history] == [("ATTC", 420)]


def test_hours_from_the_extract_are_dated_only_when_they_change(session) -> None:
    upw = h.setup(session)
    pid, req = h.person(session, upw.pdu_id, hours=60, done=5)
    first_day = req.extract_on
    assert sync_requirements(session, [pid], date(2026, 11, 20)) == []
    assert session.get(UpwRequirement, req.id).extract_on == first_day  # type: ignore[union-attr]
    event = session.scalar(select(Event).where(Event.person_id == pid))
    event.upw_hours_completed = 12  # type: ignore[union-attr]
    assert sync_requirements(session, [pid], date(2026, 11, 20)) == [req.id]
    found = session.get(UpwRequirement, req.id)
    assert found is not None
    assert (found.extract_completed_minutes, found.extract_on) == (720, date(2026, 11, 20))


def test_consent_extension_and_ending_are_recorded_with_locking(session) -> None:
    upw = h.setup(session)
    pid, req = h.person(session, upw.pdu_id, gender="F")
    session.commit()
    requirements.record_consent(session, upw.admin, req.id, 1, True)
    requirements.record_extension(session, upw.admin, req.id, 2, date(2027, 12, 1), note="Court")
    requirements.record_milestone(
        session, upw.admin, req.id, 3, MilestoneKind.ASSESSMENT, date(2026, 9, 10)
    )
    session.commit()
    found = summary.person_summary(session, upw.manager, pid).current
    assert found is not None
    assert found.all_male_group_consent and found.completion_date == date(2027, 12, 1)
    assert {m.label: m.state for m in found.milestones}["Assessment"] == "MET"
    with pytest.raises(ConflictError):
        requirements.record_ending(session, upw.admin, req.id, 1, "completed", date(2026, 11, 1))
    session.rollback()
    requirements.record_ending(session, upw.admin, req.id, 4, "terminated", date(2026, 11, 1))
    session.commit()
    found = summary.person_summary(session, upw.manager, pid).current
    assert found is not None and not found.running and found.terminated_on == date(2026, 11, 1)
