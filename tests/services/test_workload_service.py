"""Practitioners' loads read back from the store."""

from __future__ import annotations

from datetime import date

from app.db.models import Reduction
from app.services.teams.workload import practitioner_loads
from tests import factories as f
from tests.conftest import TODAY


def test_load_counts_points_mix_and_capacity_with_absence(session) -> None:  # type: ignore[no-untyped-def]
    pdu = f.pdu(session)
    pod = f.pod(session, f.team(session, pdu.id).id)
    po = f.staff(session, pod, "PO")
    pso = f.staff(session, pod, "PSO", contracted_hours=18.5)
    # CO with RoSH High (20 points) -> B; accommodation 1 + OGRS 30//10 = 4 -> change 1
    f.case(session, pdu.id, rosh="HIGH", staff_id=po.id)
    f.case(session, pdu.id, rosh="LOW", staff_id=po.id)
    f.case(session, pdu.id, rosh="MEDIUM", staff_id=pso.id)
    session.add(
        Reduction(
            staff_id=pso.id,
            start_date=date(2026, 11, 1),
            end_date=None,
            hours_per_week=0,
            reason="SICKNESS",
            is_absence=True,
        )
    )
    session.commit()
    loads = {p.staff_id: p for p in practitioner_loads(session, pdu.id, TODAY)}
    po_load = loads[po.id].load
    assert (po_load.cases, po_load.high_cases, po_load.medium_low_cases) == (2, 1, 1)
    # B1 community 102 + D1 community 29 (RoSH Low: 0 protect points -> D)
    assert po_load.points_held == 102 + 29
    assert po_load.available == 2176
    assert loads[po.id].capacity_percent == (102 + 29) / 2176 * 100
    assert loads[po.id].allocated_last_7_days == 2
    # Absent all week: no available points, so no capacity figure
    assert loads[pso.id].load.available == 0
    assert loads[pso.id].capacity_percent is None


def test_workload_numbers_come_from_the_settings_in_force(session, head) -> None:  # type: ignore[no-untyped-def]
    from app.services.core import settings

    default = settings.workload_settings(session, TODAY)
    assert default.points_for("community", "B", 1) == 102
    points = settings.get(session, "workload_points", TODAY)
    settings.put(session, head, "workload_points", points | {"community:B:1": 120}, TODAY)
    settings.put(
        session,
        head,
        "grade_target_points",
        {"PO": 2000, "PQIP": 2000, "PSO": 1800, "SPO": 0},
        TODAY,
    )
    now = settings.workload_settings(session, TODAY)
    assert now.points_for("community", "B", 1) == 120
    before = settings.workload_settings(session, date(2026, 11, 24))
    assert before.points_for("community", "B", 1) == 102  # not yet in force the day before
    pdu = f.pdu(session)
    pod = f.pod(session, f.team(session, pdu.id).id)
    po = f.staff(session, pod, "PO")
    f.case(session, pdu.id, rosh="HIGH", staff_id=po.id)
    (load,) = practitioner_loads(session, pdu.id, TODAY, settings=now)
    assert (load.load.points_held, load.load.available) == (120, 2000)


def test_reduction_shares_and_untiered_points_are_settings_too(session, head) -> None:  # type: ignore[no-untyped-def]
    from app.domain.workload import ReductionReason
    from app.services.core import settings
    from app.services.teams.reductions import add_reduction

    shares = settings.get(session, "reduction_share_percent", TODAY)
    assert shares["PSO_LEARNING"] == 20
    settings.put(session, head, "reduction_share_percent", shares | {"PSO_LEARNING": 30}, TODAY)
    settings.put(session, head, "untiered_points", 12, TODAY)
    now = settings.workload_settings(session, TODAY)
    assert now.reduction_shares[ReductionReason.PSO_LEARNING] == 0.3
    assert now.untiered_points == 12
    pdu = f.pdu(session)
    pod = f.pod(session, f.team(session, pdu.id).id)
    pso = f.staff(session, pod, "PSO")
    add_reduction(
        session,
        head,
        pso.id,
        TODAY,
        None,
        None,
        ReductionReason.PSO_LEARNING,
        expected_version=pso.version,
    )
    (load,) = practitioner_loads(session, pdu.id, TODAY)
    assert load.reduction_hours == 11.1  # 30% of 37 hours
