"""Gathering the week's unpaid work and victim liaison facts for the return.

Sections 4 and 5 of the return read records that other features write
(unpaid work sessions, attendance, stand-downs and requirements; Victim
Contact Scheme cases and their tasks). Until those tables exist in the
store, each section is gathered as empty inputs here, behind one function
each, so every key of the return's JSON is present with zeros; each
function is the one place to read those tables once they land.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.domain.returns import Week
from app.domain.returns_upw import UnpaidWorkInputs, VictimInputs


def gather_unpaid_work(session: Session, pdu_id: int, week: Week) -> UnpaidWorkInputs:
    """The PDU's unpaid work requirements and the sessions scheduled in the week.

    No unpaid work records are kept in the store yet: none to count.
    """
    del session, pdu_id, week
    return UnpaidWorkInputs()


def gather_victims(session: Session, pdu_id: int, week: Week) -> VictimInputs:
    """The PDU's Victim Contact Scheme cases and tasks, dates and statuses only.

    No victim liaison records are kept in the store yet: none to count.
    """
    del session, pdu_id, week
    return VictimInputs()


def sessions_without_supervisor(session: Session, pdu_id: int, today: date) -> int:
    """Unpaid work sessions from today on with no supervisor (none are recorded yet)."""
    del session, pdu_id, today
    return 0


def victim_tasks_due(session: Session, pdu_id: int, today: date) -> int:
    """Victim liaison tasks open and due by today (none are recorded yet)."""
    del session, pdu_id, today
    return 0
