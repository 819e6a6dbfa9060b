"""Working out a week's return from the store as it now stands (nothing is written here)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.domain.returns import ReturnInputError, Week, week_ending
from app.domain.returns_figures import ReturnInputs, ReturnRules, build_figures, figures_json
from app.domain.settings import SETTINGS
from app.domain.unpaid_work import UnpaidWorkSettings
from app.domain.victims import VictimSettings
from app.services.core import settings
from app.services.core.audit import head_hash
from app.services.core.errors import UserError
from app.services.core.reference import PduInfo, get_pdu
from app.services.returns.gather import gather_cases, gather_practitioners
from app.services.returns.gather_upw import gather_unpaid_work
from app.services.returns.gather_victims import gather_victims


@dataclass(frozen=True)
class BuiltFigures:
    """A week's figures as just worked out, with the settings they were worked out with."""

    pdu: PduInfo
    week: Week
    figures: dict[str, Any]
    settings: dict[str, Any]

    @property
    def json(self) -> str:
        return figures_json(self.figures)


def the_week(session: Session, pdu_id: int, ending: date) -> Week:
    """The return's week ending on ``ending``; refused unless it is the week-end day setting's."""
    try:
        return week_ending(ending, settings.get(session, "week_end_day", ending, pdu_id))
    except ReturnInputError as refused:
        raise UserError(str(refused)) from None


def return_rules(session: Session, pdu: PduInfo, as_at: date) -> ReturnRules:
    """The rules and settings in force for the PDU at the end of the week."""

    def value_of(key: str) -> Any:
        return settings.get(session, key, as_at, pdu.id)

    return ReturnRules(
        calendar=settings.working_calendar(session, as_at, welsh=pdu.is_welsh),
        allocation_working_days=int(value_of("allocation_working_days")),
        workload=settings.workload_settings(session, as_at, pdu.id),
        po_mix_min_cases=int(value_of("po_mix_min_cases")),
        unpaid_work=UnpaidWorkSettings.from_lookup(value_of),
        victims=VictimSettings.from_lookup(value_of),
    )


def settings_in_force(session: Session, pdu_id: int, as_at: date) -> dict[str, Any]:
    """Every setting's value in force for the PDU on the as-at day, stored with the return."""
    return {key: settings.get(session, key, as_at, pdu_id) for key in sorted(SETTINGS)}


def work_out(session: Session, pdu_id: int, ending: date) -> BuiltFigures:
    """The week's figures from the records as they now stand, as at the end of the week."""
    pdu = get_pdu(session, pdu_id)
    week = the_week(session, pdu_id, ending)
    rules = return_rules(session, pdu, week.ending)
    inputs = ReturnInputs(
        pdu_name=pdu.name,
        pdu_number=pdu.number,
        week=week,
        cases=gather_cases(session, pdu.id, week),
        practitioners=gather_practitioners(session, pdu.id, week.ending, rules.workload),
        unpaid_work=gather_unpaid_work(session, pdu.id, week),
        victims=gather_victims(session, pdu.id, week),
        audit_head=head_hash(session),
    )
    figures = build_figures(inputs, rules)
    return BuiltFigures(pdu, week, figures, settings_in_force(session, pdu.id, week.ending))


def settings_json(values: dict[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
