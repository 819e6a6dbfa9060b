"""Undoing a decision straight after: audited, marked corrected, refused once the case moved on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import Allocation, AuditEntry, CaseloadRow, Person, ReviewItem
from app.domain.codes import ReallocationReason
from app.services.allocation import undo
from app.services.allocation import writes as alloc_writes
from app.services.caseload.tiers import REVIEW_TIER_RISE
from app.services.core.errors import ConflictError
from tests import factories as f
from tests.conftest import TODAY


def _version(session, person_id: int) -> int:  # type: ignore[no-untyped-def]
    return session.get(Person, person_id).version  # type: ignore[no-any-return,union-attr]


def _desk(session):  # type: ignore[no-untyped-def]
    pdu = f.pdu(session)
    pod = f.pod(session, f.team(session, pdu.id).id)
    first = f.staff(session, pod, "PO", forename="Olive", surname="Officer")
    second = f.staff(session, pod, "PO", forename="Pat", surname="Other")
    case = f.case(session, pdu.id, surname="Waiting", rosh="LOW")
    session.commit()
    return pdu, first, second, case


def test_an_allocation_undone_leaves_the_case_unallocated_and_counts_nowhere(session, head) -> None:  # type: ignore[no-untyped-def]
    _pdu, first, _second, case = _desk(session)
    review = ReviewItem(person_id=case.id, kind=REVIEW_TIER_RISE, detail="rose", raised_on=TODAY)
    session.add(review)
    session.commit()
    version = _version(session, case.id)
    allocation = alloc_writes.allocate(session, head, case.id, first.id, version)
    session.commit()
    assert session.get(ReviewItem, review.id).resolved_on == TODAY  # type: ignore[union-attr]
    assert undo.undo_allocation(session, head, allocation, version + 1) == 0
    session.commit()
    row = session.get(Allocation, allocation)
    assert row is not None and row.corrected_at is not None and row.end_date == row.start_date
    assert session.get(CaseloadRow, case.id).unallocated  # type: ignore[union-attr]
    reopened = session.get(ReviewItem, review.id)
    assert reopened is not None and reopened.resolved_on is None and reopened.resolution == ""
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-1] == "case.allocation_undone"


def test_a_reallocation_undone_gives_the_case_back_to_its_practitioner(session, head) -> None:  # type: ignore[no-untyped-def]
    _pdu, first, second, case = _desk(session)
    held = alloc_writes.allocate(session, head, case.id, first.id, _version(session, case.id))
    session.commit()
    version = _version(session, case.id)
    moved = alloc_writes.reallocate(
        session, head, case.id, second.id, version, ReallocationReason.CASELOAD_ADJUSTMENT
    )
    session.commit()
    assert undo.undo_allocation(session, head, moved, version + 1) == held
    session.commit()
    read = session.get(CaseloadRow, case.id)
    assert read is not None and read.staff_id == first.id


def test_an_undo_is_refused_once_someone_else_changed_the_case(session, head) -> None:  # type: ignore[no-untyped-def]
    _pdu, first, second, case = _desk(session)
    version = _version(session, case.id)
    allocation = alloc_writes.allocate(session, head, case.id, first.id, version)
    session.commit()
    alloc_writes.reallocate(  # someone else moved it since
        session, head, case.id, second.id, version + 1, ReallocationReason.CASELOAD_ADJUSTMENT
    )
    session.commit()
    with pytest.raises(ConflictError, match="has changed since: nothing was undone"):
        undo.undo_allocation(session, head, allocation, version + 1)
    session.rollback()
    read = session.get(CaseloadRow, case.id)
    assert read is not None and read.staff_id == second.id


def test_a_review_closed_by_mistake_opens_again(session, head) -> None:  # type: ignore[no-untyped-def]
    _pdu, first, _second, case = _desk(session)
    alloc_writes.allocate(session, head, case.id, first.id, _version(session, case.id))
    review = ReviewItem(person_id=case.id, kind=REVIEW_TIER_RISE, detail="rose", raised_on=TODAY)
    session.add(review)
    session.commit()
    alloc_writes.resolve_review(session, head, review.id, "Stays: knows the family")
    session.commit()
    with pytest.raises(ConflictError):
        undo.undo_review(session, head, review.id, "another reason")
    session.rollback()
    undo.undo_review(session, head, review.id, "Stays: knows the family")
    session.commit()
    assert session.get(ReviewItem, review.id).resolved_on is None  # type: ignore[union-attr]
