"""A PQiP's programme start gives the reductions of their training (DOMAIN.md 4a).

A staff extract's ``start_date`` is a PQiP's programme start (SPEC.md 5): months
0-6 take 80% of their hours, 6-12 60% and 12-18 40%. The bands are written
when the start is first known and rewritten when it changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db.bulk import bulk_insert
from app.db.models import Reduction, Staff
from app.domain.codes import Grade
from app.domain.workload import ReductionReason, pqip_reductions
from app.services.core.settings import workload_settings
from app.services.imports.lookups import chunks

PQIP_REASONS = (
    ReductionReason.PQIP_MONTHS_0_6.value,
    ReductionReason.PQIP_MONTHS_6_12.value,
    ReductionReason.PQIP_MONTHS_12_18.value,
)


def programme_reductions(session: Session, staff_ids: Iterable[int], as_at: date) -> list[int]:
    """Write the PQiP bands of these staff where they are missing or out of date."""
    settings = workload_settings(session, as_at)
    changed: list[int] = []
    for chunk in chunks(sorted(set(staff_ids))):
        trainees = session.execute(
            select(Staff.id, Staff.start_date, Staff.contracted_hours).where(
                Staff.id.in_(chunk), Staff.grade == Grade.PQIP.value, Staff.start_date.is_not(None)
            )
        ).all()
        stored: dict[int, set[tuple[object, ...]]] = defaultdict(set)
        for r in session.execute(
            select(
                Reduction.staff_id,
                Reduction.start_date,
                Reduction.end_date,
                Reduction.hours_per_week,
                Reduction.reason,
            ).where(Reduction.staff_id.in_(chunk), Reduction.reason.in_(PQIP_REASONS))
        ):
            stored[r.staff_id].add((r.start_date, r.end_date, r.hours_per_week, r.reason))
        for staff_id, start, hours in trainees:
            if start is None:
                continue
            bands = pqip_reductions(start, hours, settings)
            wanted = {(b.start, b.end, b.hours_per_week, str(b.reason)) for b in bands}
            if wanted == stored.get(staff_id, set()):
                continue
            session.execute(
                delete(Reduction).where(
                    Reduction.staff_id == staff_id, Reduction.reason.in_(PQIP_REASONS)
                )
            )
            bulk_insert(
                session,
                Reduction,
                [
                    {
                        "staff_id": staff_id,
                        "start_date": b.start,
                        "end_date": b.end,
                        "hours_per_week": b.hours_per_week,
                        "reason": str(b.reason),
                        "note": "From the PQiP programme start in the staff extract",
                        "is_absence": False,
                    }
                    for b in bands
                ],
            )
            changed.append(staff_id)
    return changed
