"""Who is there to take a new case over the next working days (issue 16).

Reads the absences and leave dates behind :func:`app.domain.availability.availability`:
a recorded absence, or any reduction taking all of a practitioner's
contracted hours (DOMAIN.md 4a: an absence is a 100% reduction).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.db.models import Reduction, Staff
from app.domain.availability import Absence, Availability, availability
from app.services.core import settings
from app.services.core.reference import get_pdu


def availabilities(
    session: Session, pdu_id: int, staff_ids: Iterable[int], as_at: date
) -> dict[int, Availability]:
    """Each practitioner's availability for a case allocated on ``as_at``, by staff id."""
    ids = sorted(set(staff_ids))
    if not ids:
        return {}
    pdu = get_pdu(session, pdu_id)
    calendar = settings.working_calendar(session, as_at, welsh=pdu.is_welsh)
    working_days = int(settings.get(session, "safeguard_working_days", as_at, pdu_id))
    absent_days = int(settings.get(session, "safeguard_absent_days", as_at, pdu_id))
    staff = {
        sid: (leave, hours)
        for sid, leave, hours in session.execute(
            select(Staff.id, Staff.leave_date, Staff.contracted_hours).where(Staff.id.in_(ids))
        )
    }
    away: dict[int, list[Absence]] = defaultdict(list)
    for sid, start, end, hours, is_absence in session.execute(
        select(
            Reduction.staff_id,
            Reduction.start_date,
            Reduction.end_date,
            Reduction.hours_per_week,
            Reduction.is_absence,
        )
        .where(Reduction.staff_id.in_(ids))
        .where(or_(Reduction.end_date.is_(None), Reduction.end_date >= as_at))
        .order_by(Reduction.staff_id, Reduction.start_date, Reduction.id)
    ):
        contracted = staff[sid][1]
        if is_absence or (contracted > 0 and hours >= contracted):
            away[sid].append(Absence(start, end))
    return {
        sid: availability(
            away.get(sid, []), staff[sid][0], as_at, calendar, working_days, absent_days
        )
        for sid in ids
        if sid in staff
    }
