"""Gathering the week's unpaid work for the return's section 4 (SPEC.md 7).

Every requirement of the PDU's people sentenced by the week's end, with its
sentence (for "an active case") and the app's credits; the sessions of the
PDU's projects in the week with their bookings and stand-downs, counted as
the unpaid work screen counts them
(:func:`app.services.unpaid_work.standdown_view.scheduled_sessions`). The
figures themselves are worked out in :mod:`app.domain.returns_upw`, as at
the end of the week. A handful of statements, not one per requirement or session.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Event, Person
from app.db.upw_models import UpwProject, UpwRequirement, UpwSession, UpwStandDown
from app.domain.cases import EventFacts, is_running
from app.domain.codes import SentenceType
from app.domain.returns import Week
from app.domain.returns_upw import UnpaidWorkInputs, requirement_as_at
from app.domain.returns_upw import UpwRequirement as RequirementAsAt
from app.services.unpaid_work.facts import credits_of
from app.services.unpaid_work.requirements import record_of
from app.services.unpaid_work.rules import pdu_rules
from app.services.unpaid_work.standdown_view import scheduled_sessions


def _case_active(event: Event, person: Person, as_at: date) -> bool:
    """The requirement's sentence is running on the as-at day (SPEC.md 7, "active")."""
    ends = [d for d in (event.ended_on, person.ended_on) if d is not None]
    facts = EventFacts(
        event.id,
        SentenceType(event.sentence_type),
        event.sentence_date,
        event.release_date,
        event.end_date,
        min(ends, default=None),
    )
    return is_running(facts, as_at)


def gather_unpaid_work(session: Session, pdu_id: int, week: Week) -> UnpaidWorkInputs:
    """The PDU's unpaid work requirements as at the week's end and the week's sessions."""
    rules = pdu_rules(session, pdu_id, week.ending)
    rows = session.execute(
        select(UpwRequirement, Event, Person)
        .join(Event, Event.id == UpwRequirement.event_id)
        .join(Person, Person.id == UpwRequirement.person_id)
        .where(Person.pdu_id == pdu_id, Event.sentence_date <= week.ending)
        .order_by(UpwRequirement.id)
    ).all()
    credits = credits_of(session, [req.id for req, _e, _p in rows])
    requirements: list[RequirementAsAt] = []
    for req, event, person in rows:
        record = record_of(req, event, person)
        share = record.ete_share_percent
        requirements.append(
            requirement_as_at(
                record.facts,
                record.ordered_minutes,
                credits.get(record.id, []),
                week,
                ete_share_percent=rules.ete_share_percent if share is None else share,
                extract=record.extract,
                case_active=_case_active(event, person, week.ending),
            )
        )
    sessions = scheduled_sessions(session, pdu_id, week.starting, week.ending)
    return UnpaidWorkInputs(tuple(requirements), tuple(s for _day, s in sessions))


def sessions_without_supervisor(session: Session, pdu_id: int, today: date, days: int) -> int:
    """Sessions of the PDU from today over ``days`` days with no supervisor, not stood down."""
    last = today + timedelta(days=max(1, days) - 1)
    found = session.scalar(
        select(func.count())
        .select_from(UpwSession)
        .join(UpwProject, UpwProject.id == UpwSession.project_id)
        .outerjoin(UpwStandDown, UpwStandDown.session_id == UpwSession.id)
        .where(
            UpwProject.pdu_id == pdu_id,
            UpwSession.day >= today,
            UpwSession.day <= last,
            UpwSession.supervisor_id.is_(None),
            UpwStandDown.id.is_(None),
        )
    )
    return int(found or 0)
