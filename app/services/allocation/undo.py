"""Undoing a decision made by mistake, straight after, as its own audited change (issue 16).

An allocation undone is kept, marked corrected (it counts in no figure), and
the case goes back as it was: unallocated again, or back to the practitioner
it was moved from; the reviews it answered open again. A review closed by
mistake opens again. Either is refused when someone else has changed the case
since, so an undo never overwrites another person's work (SPEC.md 9).
"""

from __future__ import annotations

from sqlalchemy import select

from app import clock
from app.db.models import Allocation, Person, ReviewItem, Staff
from app.services.allocation.writes import ALLOCATING_ROLES, _check_pdu, _check_team, _lock
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import ConflictError, NotFound
from app.services.core.store import Session

CHANGED_SINCE = "{crn} has changed since: nothing was undone. Look at the case as it is now."


def undo_allocation(
    session: Session, actor: Actor, allocation_id: int, expected_version: int
) -> int:
    """Take back an allocation or reallocation; ``expected_version`` is the case's just after.

    Returns the id of the allocation the case is back with, or 0 when it is
    unallocated again.
    """
    actor.require(*ALLOCATING_ROLES, action="undo allocations")
    allocation = session.get(Allocation, allocation_id)
    if allocation is None:
        raise NotFound("That allocation no longer exists.")
    person = session.get(Person, allocation.person_id)
    assert person is not None  # an allocation's case is never deleted (foreign key)
    _check_pdu(actor, person)
    if allocation.corrected_at is not None or allocation.end_date is not None:
        raise ConflictError(CHANGED_SINCE.format(crn=person.crn))
    _check_team(session, actor, allocation.staff_id, "the practitioner")
    _lock(session, person, expected_version)  # someone else's change since refuses the undo
    previous = session.scalars(
        select(Allocation)
        .where(
            Allocation.person_id == person.id,
            Allocation.id != allocation.id,
            Allocation.end_date == allocation.start_date,
            Allocation.corrected_at.is_(None),
        )
        .order_by(Allocation.id.desc())
        .limit(1)
    ).first()
    allocation.end_date = allocation.start_date
    allocation.corrected_at = clock.now().replace(tzinfo=None)
    allocation.corrected_by = actor.user_id
    session.flush()  # the case holds no open allocation before the previous one reopens
    if previous is not None:
        previous.end_date = None
    reopened = _reopen_reviews(session, allocation.id)
    staff = session.get(Staff, allocation.staff_id)
    name = f"{staff.forename} {staff.surname}" if staff else "(removed)"
    audit.record(
        session,
        actor,
        "case.allocation_undone",
        "case",
        person.crn,
        summary=f"{person.crn}: allocation to {name} undone as a mistake",
        before={"allocation_id": allocation.id, "practitioner": name},
        after={
            "back_with_allocation_id": previous.id if previous else None,
            "reviews_reopened": reopened,
        },
    )
    return previous.id if previous else 0


def _reopen_reviews(session: Session, allocation_id: int) -> list[int]:
    items = list(
        session.scalars(
            select(ReviewItem).where(ReviewItem.closed_by_allocation_id == allocation_id)
        )
    )
    for item in items:
        item.resolved_on, item.resolved_by, item.resolution = None, None, ""
        item.closed_by_allocation_id = None
    return [item.id for item in items]


def undo_review(session: Session, actor: Actor, review_id: int, resolution: str) -> int:
    """Open again a review closed by mistake with ``resolution`` (refused if it moved on since)."""
    actor.require(*ALLOCATING_ROLES, action="undo review outcomes")
    item = session.get(ReviewItem, review_id)
    if item is None:
        raise NotFound("That review item no longer exists.")
    person = session.get(Person, item.person_id)
    assert person is not None
    _check_pdu(actor, person)
    if item.resolved_on is None or item.resolution != resolution.strip():
        raise ConflictError(CHANGED_SINCE.format(crn=person.crn))
    before = {"resolution": item.resolution, "resolved_on": item.resolved_on}
    item.resolved_on, item.resolved_by, item.resolution = None, None, ""
    audit.record(
        session,
        actor,
        "review.reopened",
        "case",
        person.crn,
        summary=f"Review of {person.crn} ({item.kind}) opened again: closed by mistake",
        before=before,
    )
    return item.id
