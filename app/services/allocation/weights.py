"""The allocation weights in force: one set for the desk's ranking and the proposal (issue 23)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.domain.allocation_weights import AllocationWeights
from app.services.core import settings


def allocation_weights(
    session: Session, as_at: date, pdu_id: int | None = None
) -> AllocationWeights:
    """Every weight from the settings in force on ``as_at`` for the PDU."""

    def number(key: str) -> float:
        return float(settings.get(session, key, as_at, pdu_id))

    slopes = settings.get(session, "allocation_load_cost", as_at, pdu_id)
    return AllocationWeights(
        load_slopes={int(k): int(v) for k, v in slopes.items()},
        continuity=number("allocation_weight_continuity"),
        same_pod=number("allocation_weight_same_pod"),
        female_as_asked=number("allocation_weight_female_as_asked"),
        specialism=number("allocation_weight_specialism"),
        mix_bonus=number("allocation_weight_mix_bonus"),
        no_mix=number("allocation_weight_no_mix"),
        pqip_high=number("allocation_weight_pqip_high"),
        seven_day_over=number("allocation_weight_seven_day_over"),
        seven_day_cap=int(settings.get(session, "allocation_seven_day_cap", as_at, pdu_id)),
        seven_day_cap_hard=bool(
            settings.get(session, "allocation_seven_day_cap_hard", as_at, pdu_id)
        ),
        keep=number("allocation_weight_keep"),
        unallocated=number("allocation_weight_unallocated"),
        outside_policy=number("allocation_weight_outside_policy"),
        ceiling_slack=number("allocation_ceiling_slack"),
        rule_ceiling=number("allocation_rule_ceiling"),
        time_limit_seconds=number("allocation_time_limit_seconds"),
    )
