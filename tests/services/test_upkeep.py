"""Tiers whose assessment expires with time are recomputed and flagged."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.db.models import AuditEntry, CaseloadRow, ReviewItem
from app.services.caseload import upkeep
from app.services.caseload.tiers import REVIEW_REASSESS
from app.services.core.changes import Kind
from app.services.core.store import last_changes
from tests import factories as f
from tests.conftest import TODAY


def test_an_expired_assessment_drops_to_change_level_2_and_asks_for_reassessment(
    session,
    head,  # type: ignore[no-untyped-def]
) -> None:
    pdu = f.pdu(session)
    pod = f.pod(session, f.team(session, pdu.id).id)
    po = f.staff(session, pod, "PO")
    assessed = TODAY - timedelta(weeks=54)
    person = f.case(session, pdu.id, sentence_date=assessed, staff_id=po.id, as_at=assessed)
    fresh = f.case(session, pdu.id, sentence_date=TODAY - timedelta(days=10))
    assert session.get(CaseloadRow, person.id).tier == "C1"  # valid when computed

    later = TODAY + timedelta(weeks=2)  # now 56 weeks old
    assert upkeep.expired_assessments(session, TODAY) == []
    assert upkeep.expired_assessments(session, later) == [person.id]
    assert upkeep.refresh_expired_tiers(session, head, later) == 1
    session.commit()
    assert last_changes(session).touches(Kind.TIER)
    assert session.get(CaseloadRow, person.id).tier == "C2"
    assert session.get(CaseloadRow, fresh.id).tier == "C1"
    kinds = list(session.scalars(select(ReviewItem.kind).where(ReviewItem.person_id == person.id)))
    assert kinds == [REVIEW_REASSESS]
    assert session.scalars(select(AuditEntry.action)).all()[-1] == "tiers.expired"
    # Once done, nothing more is due.
    assert upkeep.expired_assessments(session, later) == []
    assert upkeep.refresh_expired_tiers(session, head, later) == 0
    assert date(2026, 1, 1) < later


def test_cases_of_a_practitioner_who_has_left_are_flagged_once(session, head) -> None:  # type: ignore[no-untyped-def]
    from app.services.caseload.tiers import REVIEW_PRACTITIONER_LEFT

    pdu = f.pdu(session)
    pod = f.pod(session, f.team(session, pdu.id).id)
    leaver = f.staff(
        session, pod, "PO", forename="Karl", surname="Holmes", leave_date=TODAY + timedelta(days=5)
    )
    held = f.case(session, pdu.id, staff_id=leaver.id)
    session.commit()
    upkeep.run_daily(session, head, TODAY)
    session.commit()
    assert not last_changes(session).touches(Kind.REVIEW)  # not gone yet
    later = TODAY + timedelta(days=7)
    upkeep.run_daily(session, head, later)
    session.commit()
    changes = last_changes(session)
    assert changes.is_bulk(Kind.REVIEW) and changes.get(Kind.CASE) == {held.id}
    item = session.scalars(select(ReviewItem).where(ReviewItem.person_id == held.id)).one()
    assert (item.kind, item.detail) == (
        REVIEW_PRACTITIONER_LEFT,
        f"Karl Holmes left on {TODAY + timedelta(days=5):%d/%m/%Y}: reallocate",
    )
    assert session.get(CaseloadRow, held.id).open_reviews == 1
    assert upkeep.flag_leavers(session, later) == []  # once
