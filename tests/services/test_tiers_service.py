"""The tiers service: inputs from the records, settings, history and review items."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from app.db.models import Assessment, Event, ReviewItem, TierRecord
from app.services.caseload import tiers
from app.services.core import settings
from tests import factories as f
from tests.conftest import TODAY


def _latest(session, pid):  # type: ignore[no-untyped-def]
    return session.scalars(
        select(TierRecord).where(TierRecord.person_id == pid).order_by(TierRecord.id.desc())
    ).first()


def test_a_running_order_gives_a_mandate_beside_a_newer_unpaid_work_only_order(session) -> None:  # type: ignore[no-untyped-def]
    pdu = f.pdu(session)
    person = f.case(
        session, pdu.id, sentence_type="SSO", requirements="RAR", sentence_date=date(2026, 6, 1)
    )
    session.add(
        Event(
            person_id=person.id,
            sentence_type="CO",
            sentence_date=date(2026, 11, 2),
            requirements="UPW",
        )
    )
    session.flush()
    tiers.recompute(session, [person.id], TODAY)
    # The newest order alone has no mandate (change 0); the running SSO with RAR has one.
    assert _latest(session, person.id).change == 1


def test_an_unpaid_work_only_order_has_no_mandate_for_change(session) -> None:  # type: ignore[no-untyped-def]
    pdu = f.pdu(session)
    person = f.case(session, pdu.id, requirements="UPW;CURFEW")
    assert _latest(session, person.id).change == 0


def test_a_stale_assessment_follows_the_validity_setting(session, head) -> None:  # type: ignore[no-untyped-def]
    pdu = f.pdu(session)
    person = f.case(session, pdu.id, sentence_date=date(2025, 6, 1))  # assessed 01/06/2025
    assert _latest(session, person.id).change == 2  # over 55 weeks old: no valid assessment
    settings.put(session, head, "assessment_valid_weeks", 80, date(2000, 1, 1))
    tiers.recompute(session, [person.id], TODAY)
    record = _latest(session, person.id)
    assert (record.change, record.change_points) == (1, 4)  # accommodation 1 + OGRS 3


def test_a_rosh_rise_within_the_same_protect_level_still_flags_a_pso(session) -> None:  # type: ignore[no-untyped-def]
    pdu = f.pdu(session)
    pod = f.pod(session, f.team(session, pdu.id).id)
    pso = f.staff(session, pod, "PSO")
    person = f.case(session, pdu.id, rosh="MEDIUM", staff_id=pso.id)
    # An RSR of 8% keeps protect at B whatever the RoSH: RoSH Medium -> High changes no tier.
    for a in session.scalars(select(Assessment).where(Assessment.person_id == person.id)):
        a.rsr_percent = 8.0
    session.flush()
    tiers.recompute(session, [person.id], TODAY)
    before = _latest(session, person.id).tier
    session.add(
        Assessment(
            person_id=person.id,
            assessment_date=TODAY,
            rosh="HIGH",
            rsr_percent=8.0,
            ogrs_percent=30,
            needs=json.dumps({"ACCOMMODATION": "STANDARD"}),
            has_full_assessment=True,
            recorded_at=f.NOW,
        )
    )
    session.flush()
    changes = tiers.recompute(session, [person.id], TODAY)
    assert changes == [] and _latest(session, person.id).tier == before
    raised = tiers.raise_reviews(session, changes, TODAY, also=[person.id])
    assert raised == [person.id]
    kinds = session.scalars(select(ReviewItem.kind).where(ReviewItem.person_id == person.id))
    assert list(kinds) == [tiers.REVIEW_OUTSIDE_GRADE]
    # Raised once: asking again adds nothing while the first is open.
    assert tiers.raise_reviews(session, [], TODAY, also=[person.id]) == []


def test_the_explanation_is_worked_out_when_asked(session) -> None:  # type: ignore[no-untyped-def]
    pdu = f.pdu(session)
    person = f.case(session, pdu.id, rosh="HIGH")
    lines = tiers.explain(session, person.id, TODAY)
    assert "RoSH High: 20 points" in lines[0]
    assert any("Change total 4 points: level 1" in line for line in lines)


def _pso_holding_high(session):  # type: ignore[no-untyped-def]
    pdu = f.pdu(session)
    pod = f.pod(session, f.team(session, pdu.id).id)
    pso = f.staff(session, pod, "PSO", forename="Sid", surname="Services")
    return f.case(session, pdu.id, rosh="HIGH", staff_id=pso.id)


def test_an_outside_grade_review_once_decided_is_not_asked_again(session) -> None:  # type: ignore[no-untyped-def]
    person = _pso_holding_high(session)
    assert tiers.raise_reviews(session, [], TODAY, also=[person.id]) == [person.id]
    item = session.scalars(select(ReviewItem).where(ReviewItem.person_id == person.id)).one()
    assert item.detail.startswith("Held by Sid Services (PSO): ")
    item.resolved_on, item.resolution = TODAY, "Kept: Sid knows the family"
    session.flush()
    # A later import touching the case asks nothing more for this allocation.
    assert tiers.raise_reviews(session, [], TODAY, also=[person.id]) == []


def test_only_a_recorded_confirmation_lets_a_pqip_hold_high_rosh(session) -> None:  # type: ignore[no-untyped-def]
    from app.db.models import Allocation

    pdu = f.pdu(session)
    pod = f.pod(session, f.team(session, pdu.id).id)
    pqip = f.staff(session, pod, "PQIP")
    confirmed = f.case(session, pdu.id, rosh="HIGH", staff_id=pqip.id)
    other = f.case(session, pdu.id, rosh="HIGH", staff_id=pqip.id)
    for pid, outside, reason in (
        (confirmed.id, False, "Confirmed by the SPO"),
        (other.id, True, "asked for a female practitioner"),
    ):
        allocation = session.scalars(select(Allocation).where(Allocation.person_id == pid)).one()
        allocation.outside_policy, allocation.policy_reason = outside, reason
    session.flush()
    # Recorded outside policy for another reason: a decision too, so no review either;
    # a PQiP with no reason at all is asked about.
    bare = f.case(session, pdu.id, rosh="HIGH", staff_id=pqip.id)
    raised = tiers.raise_reviews(session, [], TODAY, also=[confirmed.id, other.id, bare.id])
    assert raised == [bare.id]
