"""The unpaid work numbers in force for a PDU on a day: settings, ETE share, calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Pdu, Region
from app.domain.calendar import WorkingCalendar
from app.domain.unpaid_work import UnpaidWorkSettings
from app.services.core import settings
from app.services.core.reference import WALES_REGION


@dataclass(frozen=True)
class PduRules:
    """What the unpaid work rules need of one PDU on one day."""

    pdu_id: int
    settings: UnpaidWorkSettings
    calendar: WorkingCalendar
    ete_share_percent: float


def unpaid_work_settings(session: Session, as_at: date, pdu_id: int | None) -> UnpaidWorkSettings:
    """Every unpaid work setting in force on ``as_at`` for the PDU."""
    return UnpaidWorkSettings.from_lookup(lambda key: settings.get(session, key, as_at, pdu_id))


def pdu_rules(session: Session, pdu_id: int, as_at: date) -> PduRules:
    """The settings, the ETE allowance (London's own) and the working calendar of a PDU."""
    region = session.scalar(
        select(Region.code).join(Pdu, Pdu.region_id == Region.id).where(Pdu.id == pdu_id)
    )
    found = unpaid_work_settings(session, as_at, pdu_id)
    calendar = settings.working_calendar(session, as_at, welsh=region == WALES_REGION)
    return PduRules(pdu_id, found, calendar, found.ete_share_percent_for(region))
