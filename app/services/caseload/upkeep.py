"""Work the passing of time makes due, run by the window in the background on start.

- Tiers whose assessment has expired: a full assessment counts for 55 weeks (a
  setting); after that the change level falls back to 2 with no new data, and
  the case is flagged for reassessment (DOMAIN.md 3a).
- Cases still held by a practitioner whose leave date has passed: flagged for
  reallocation, so none is left with nobody.
- Victims' personal details of VCS cases closed longer than the retention
  setting: erased, counts kept (:mod:`app.services.victims.retention`).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.bulk import bulk_insert
from app.db.models import Allocation, Assessment, ReviewItem, Staff, TierRecord
from app.services.caseload import tiers
from app.services.caseload.tiers import REVIEW_PRACTITIONER_LEFT, REVIEW_REASSESS
from app.services.core import settings
from app.services.core.actor import Actor
from app.services.core.audit import record
from app.services.core.changes import Kind
from app.services.core.permissions import EVERY_ROLE, write_service
from app.services.core.unit_of_work import touch
from app.services.victims.retention import erase_due_details


def expired_assessments(session: Session, as_at: date) -> list[int]:
    """Cases whose current tier was computed from a full assessment that has since expired."""
    weeks = timedelta(weeks=int(settings.get(session, "assessment_valid_weeks", as_at)))
    latest = (
        select(TierRecord.person_id, func.max(TierRecord.id).label("tier_id"))
        .group_by(TierRecord.person_id)
        .subquery()
    )
    rows = session.execute(
        select(TierRecord.person_id, TierRecord.effective_date, Assessment.assessment_date)
        .join(latest, latest.c.tier_id == TierRecord.id)
        .join(Assessment, Assessment.id == TierRecord.assessment_id)
        .where(
            TierRecord.source == "computed",
            Assessment.has_full_assessment.is_(True),
            Assessment.assessment_date < as_at - weeks,
        )
    )
    # Computed while the assessment still counted, so the tier is out of date now.
    return [pid for pid, effective, assessed in rows if assessed and effective < assessed + weeks]


@write_service(*EVERY_ROLE, action="refresh expired tiers")
def refresh_expired_tiers(session: Session, actor: Actor, as_at: date) -> int:
    """Recompute the tiers of cases whose assessment expired and flag them for reassessment.

    Returns how many cases' tiers were recomputed. Work the clock makes due,
    not anyone's decision: whoever has the window open runs it, recorded under
    their name (every role may).
    """
    ids = expired_assessments(session, as_at)
    if not ids:
        return 0
    changes = tiers.recompute(session, ids, as_at)
    tiers.raise_reviews(session, changes, as_at)
    _flag_for_reassessment(session, ids, as_at)
    touch(session, Kind.CASE, ids)
    touch(session, Kind.TIER, bulk=True)
    touch(session, Kind.REVIEW, bulk=True)
    record(
        session,
        actor,
        "tiers.expired",
        "case",
        "",
        summary=f"{len(ids):,} tiers recomputed: their assessments are over the validity period",
        extra={"person_ids": ids, "changed": [c.person_id for c in changes]},
    )
    return len(ids)


def _flag_for_reassessment(session: Session, ids: list[int], as_at: date) -> None:
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        allocated = set(
            session.scalars(
                select(Allocation.person_id).where(
                    Allocation.person_id.in_(chunk), Allocation.end_date.is_(None)
                )
            )
        )
        already = set(
            session.scalars(
                select(ReviewItem.person_id).where(
                    ReviewItem.person_id.in_(chunk),
                    ReviewItem.kind == REVIEW_REASSESS,
                    ReviewItem.resolved_on.is_(None),
                )
            )
        )
        bulk_insert(
            session,
            ReviewItem,
            [
                {
                    "person_id": pid,
                    "kind": REVIEW_REASSESS,
                    "raised_on": as_at,
                    "detail": "The last full assessment is over the validity period: reassess the "
                    "case (its tier uses change level 2 until then)",
                    "resolved_on": None,
                    "resolved_by": None,
                    "resolution": "",
                }
                for pid in sorted(allocated - already)
            ],
        )


def flag_leavers(session: Session, as_at: date) -> list[int]:
    """Review items for cases still held by someone whose leave date has passed."""
    rows = session.execute(
        select(Allocation.person_id, Staff.forename, Staff.surname, Staff.leave_date)
        .join(Staff, Staff.id == Allocation.staff_id)
        .where(Allocation.end_date.is_(None), Staff.leave_date <= as_at)
    ).all()
    if not rows:
        return []
    open_items = set(
        session.scalars(
            select(ReviewItem.person_id).where(
                ReviewItem.kind == REVIEW_PRACTITIONER_LEFT, ReviewItem.resolved_on.is_(None)
            )
        )
    )
    due = [
        (pid, forename, surname, left)
        for pid, forename, surname, left in rows
        if pid not in open_items
    ]
    items: list[dict[str, object]] = [
        {
            "person_id": pid,
            "kind": REVIEW_PRACTITIONER_LEFT,
            "raised_on": as_at,
            "detail": f"{forename} {surname} left on {left:%d/%m/%Y}: reallocate",
            "resolved_on": None,
            "resolved_by": None,
            "resolution": "",
        }
        for pid, forename, surname, left in due
    ]
    bulk_insert(session, ReviewItem, items)
    ids = [pid for pid, *_ in due]
    touch(session, Kind.CASE, ids)
    touch(session, Kind.REVIEW, bulk=True)
    return ids


@write_service(*EVERY_ROLE, action="run the daily upkeep")
def run_daily(session: Session, actor: Actor, as_at: date) -> None:
    """Everything the passing days have made due (the unit of work says what changed)."""
    refresh_expired_tiers(session, actor, as_at)
    left = flag_leavers(session, as_at)
    if left:
        record(
            session,
            actor,
            "reviews.leavers",
            "case",
            "",
            summary=f"{len(left):,} cases held by practitioners who have left, to reallocate",
            extra={"person_ids": left},
        )
    erase_due_details(session, actor, as_at)
