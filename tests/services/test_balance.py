"""The tiering balance read back from the store (SPEC.md 4.4)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db.models import Allocation, CaseloadRow, Pod, TierRecord
from app.db.readmodel import refresh_cases
from app.domain.balance import ExceptionKind
from app.services.balance.mix import (
    BalanceView,
    PractitionerBalance,
    balance,
    cases_in_cell,
    cell_rows,
    tier_matrix,
)
from tests import factories as f
from tests.conftest import TODAY


def _pod(session: Session) -> tuple[int, Pod]:
    pdu = f.pdu(session)
    return pdu.id, f.pod(session, f.team(session, pdu.id).id)


def _line(view: BalanceView, staff_id: int) -> PractitionerBalance:
    return next(p for p in view.practitioners if p.staff_id == staff_id)


def _kinds(line: PractitionerBalance) -> list[ExceptionKind]:
    return [e.kind for e in line.exceptions]


def test_pso_holding_a_high_case_is_flagged_with_the_reason(session: Session) -> None:
    pdu_id, pod = _pod(session)
    pso = f.staff(session, pod, "PSO")
    f.case(session, pdu_id, rosh="HIGH", staff_id=pso.id)
    f.case(session, pdu_id, rosh="MEDIUM", staff_id=pso.id)
    view = balance(session, pdu_id, TODAY)
    line = _line(view, pso.id)
    assert (line.cases, line.high, line.medium_low, line.not_assessed) == (2, 1, 1, 0)
    assert _kinds(line) == [ExceptionKind.PSO_HIGH_RISK]
    assert "PSO holding 1 case of High" in line.exceptions[0].reason
    assert [(p.staff_id, e.kind) for p, e in view.exceptions] == [
        (pso.id, ExceptionKind.PSO_HIGH_RISK)
    ]


def test_pso_holding_a_mappa_3_case_is_flagged(session: Session) -> None:
    pdu_id, pod = _pod(session)
    pso = f.staff(session, pod, "PSO")
    f.case(session, pdu_id, rosh="LOW", mappa_level=3, staff_id=pso.id)
    assert _kinds(_line(balance(session, pdu_id, TODAY), pso.id)) == [ExceptionKind.PSO_HIGH_RISK]


def test_po_with_five_medium_cases_has_no_mix_but_with_four_is_fine(session: Session) -> None:
    pdu_id, pod = _pod(session)
    five, four = f.staff(session, pod, "PO"), f.staff(session, pod, "PO")
    for _ in range(5):
        f.case(session, pdu_id, rosh="MEDIUM", staff_id=five.id)
    for _ in range(4):
        f.case(session, pdu_id, rosh="MEDIUM", staff_id=four.id)
    f.case(session, pdu_id, rosh=None, staff_id=four.id)  # not assessed: on neither side
    view = balance(session, pdu_id, TODAY)
    assert view.mix_min_cases == 5
    assert _kinds(_line(view, five.id)) == [ExceptionKind.PO_NO_MIX]
    assert _kinds(_line(view, four.id)) == []
    assert _line(view, four.id).not_assessed == 1


def test_pqip_high_rosh_needs_the_spos_recorded_confirmation(session: Session) -> None:
    pdu_id, pod = _pod(session)
    pqip, confirmed = f.staff(session, pod, "PQIP"), f.staff(session, pod, "PQIP")
    f.case(session, pdu_id, rosh="HIGH", staff_id=pqip.id)
    case = f.case(session, pdu_id, rosh="HIGH", staff_id=confirmed.id)
    session.execute(
        update(Allocation)
        .where(Allocation.person_id == case.id)
        .values(outside_policy=True, policy_reason="SPO confirmed: experienced PQiP")
    )
    view = balance(session, pdu_id, TODAY)
    assert _kinds(_line(view, pqip.id)) == [ExceptionKind.PQIP_UNCONFIRMED]
    assert _kinds(_line(view, confirmed.id)) == []
    assert _line(view, confirmed.id).outside_policy == 1
    assert view.outside_policy_cases == 1


def test_capacity_over_100_is_red_and_over_110_is_flagged(session: Session) -> None:
    pdu_id, pod = _pod(session)
    # Medium RoSH community cases are C1: 50 points each (DOMAIN.md 4a).
    # 4 hours: 2176 x 4/37 = 235.2 available; 5 cases = 250 points = 106%.
    over = f.staff(session, pod, "PSO", contracted_hours=4.0)
    # 3.7 hours: 217.6 available; 250 points = 115%.
    flagged = f.staff(session, pod, "PSO", contracted_hours=3.7)
    within = f.staff(session, pod, "PSO")
    for who in (over, flagged, within):
        for _ in range(5):
            f.case(session, pdu_id, rosh="MEDIUM", staff_id=who.id)
    view = balance(session, pdu_id, TODAY)
    over_line, flagged_line = _line(view, over.id), _line(view, flagged.id)
    assert _kinds(over_line) == [ExceptionKind.OVER_CAPACITY]
    assert over_line.band == "over"
    assert round(over_line.capacity_percent) == 106
    assert _kinds(flagged_line) == [ExceptionKind.CAPACITY_FLAGGED]
    assert flagged_line.band == "flagged"
    assert flagged_line.exceptions[0].reason == "Capacity 115%: over 110%"
    assert _kinds(_line(view, within.id)) == []
    assert view.exceptions[0][1].kind is ExceptionKind.CAPACITY_FLAGGED


def test_tier_mix_and_matrix_count_active_cases(session: Session) -> None:
    pdu_id, pod = _pod(session)
    po = f.staff(session, pod, "PO")
    high = f.case(session, pdu_id, rosh="HIGH", staff_id=po.id)  # B1
    medium = [f.case(session, pdu_id, rosh="MEDIUM", staff_id=po.id) for _ in range(2)]  # C1
    unallocated = f.case(session, pdu_id, rosh="LOW")  # D1, nobody holds it
    view = balance(session, pdu_id, TODAY)
    assert _line(view, po.id).tier_mix == "B 1 · C 2"
    matrix = view.matrix
    assert (matrix.count("B", 1), matrix.count("C", 1), matrix.count("D", 1)) == (1, 2, 1)
    assert matrix.count("A", 3) == 0
    assert matrix.total == 4
    in_db = session.scalar(
        select(func.count()).select_from(CaseloadRow).where(CaseloadRow.tier == "C1")
    )
    assert matrix.count("C", 1) == in_db
    by_crn = sorted(medium, key=lambda p: p.crn)
    assert cases_in_cell(session, pdu_id, TODAY, "C", 1) == [p.id for p in by_crn]
    assert cases_in_cell(session, pdu_id, TODAY, "B", 1) == [high.id]
    assert cases_in_cell(session, pdu_id, TODAY, "D", 1) == [unallocated.id]
    assert [r.crn for r in cell_rows(session, pdu_id, TODAY, "B", 1)] == [high.crn]


def test_matrix_folds_unsupervised_into_its_base_tier_and_counts_untiered(
    session: Session,
) -> None:
    pdu_id, pod = _pod(session)
    po = f.staff(session, pod, "PO")
    supervised = f.case(session, pdu_id, rosh="HIGH", staff_id=po.id)
    unsupervised = f.case(session, pdu_id, rosh="HIGH", staff_id=po.id)
    untiered = f.case(session, pdu_id, rosh="HIGH", staff_id=po.id)
    stamp = datetime(2026, 11, 25, 10, 0)
    for person, tier, flag in ((unsupervised, "B1", True), (untiered, None, False)):
        record = TierRecord(
            person_id=person.id,
            tier=tier,
            protect=tier[0] if tier else None,
            change=int(tier[1]) if tier else None,
            unsupervised=flag,
            model="TWO_AXIS_2021",
            source="imported",
            effective_date=TODAY,
            recorded_at=stamp,
        )
        session.add(record)
    session.flush()
    refresh_cases(session, [unsupervised.id, untiered.id], TODAY)
    matrix = tier_matrix(session, pdu_id, TODAY)
    assert matrix.count("B", 1) == 2
    assert (matrix.unsupervised, matrix.untiered, matrix.total) == (1, 1, 3)
    assert set(cases_in_cell(session, pdu_id, TODAY, "B", 1)) == {supervised.id, unsupervised.id}


def test_ended_and_other_pdus_cases_are_left_out(session: Session) -> None:
    pdu_id, _ = _pod(session)
    other = f.pdu(session, 18)
    f.case(session, other.id, rosh="MEDIUM")
    f.case(session, pdu_id, rosh="MEDIUM", sentence_date=TODAY.replace(day=30))  # not yet
    assert tier_matrix(session, pdu_id, TODAY).total == 0
