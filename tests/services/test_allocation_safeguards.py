"""No silent allocation to someone who cannot take the case: the services (issue 16)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import AuditEntry, Reduction, Staff
from app.services.allocation import queue as alloc_queue
from app.services.allocation import writes as alloc_writes
from app.services.balance import mix
from app.services.core.errors import UserError
from app.services.teams import reductions
from app.services.teams.workload import practitioner_loads
from tests import factories as f
from tests.conftest import TODAY
from tests.services.test_allocation import desk, open_allocations, version


def _absent(session: Session, head, staff: Staff, start: date, end: date | None) -> None:  # type: ignore[no-untyped-def]
    reductions.add_absence(
        session, head, staff.id, start, end, "SICKNESS", expected_version=staff.version
    )
    session.flush()


def _ranked(session: Session, pdu_id: int, person_id: int) -> dict[str, alloc_queue.CandidateRow]:
    return {r.ranked.name: r for r in alloc_queue.candidates(session, pdu_id, person_id, TODAY)}


def test_an_absent_po_ranks_last_and_needs_a_recorded_reason(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id, rosh="HIGH", sentence_date=date(2026, 11, 16))
    _absent(session, head, d.po, date(2026, 11, 23), date(2026, 12, 11))
    session.commit()
    rows = alloc_queue.candidates(session, d.pdu_id, case.id, TODAY)
    assert rows[-1].ranked.name == "Olive Officer"  # after the PSO outside the policy
    assert rows[-1].ranked.safeguard_reason == "absent until 11/12/2026"
    assert rows[-1].ranked.reasons[0] == "not available: absent until 11/12/2026"
    before = version(session, case.id)
    with pytest.raises(UserError, match=r"cannot take X\d+ now \(absent until 11/12/2026\)"):
        alloc_writes.allocate(session, head, case.id, d.po.id, before)
    session.rollback()
    assert open_allocations(session, case.id) == [] and version(session, case.id) == before
    alloc_writes.allocate(
        session, head, case.id, d.po.id, before, safeguard_reason="Back on Monday; knows him"
    )
    session.commit()
    [row] = open_allocations(session, case.id)
    assert (row.staff_id, row.outside_policy, row.policy_reason) == (d.po.id, False, "")
    assert row.safeguard_warning == "absent until 11/12/2026"
    assert row.safeguard_reason == "Back on Monday; knows him"
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    after = json.loads(entry.changes)["after"]
    assert after["safeguard_reason"] == "Back on Monday; knows him"
    view = mix.balance(session, d.pdu_id, TODAY)
    assert (view.safeguard_override_cases, view.outside_policy_cases) == (1, 0)


def test_going_over_the_flagged_capacity_says_the_percentage_after(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    held = practitioner_loads(session, d.pdu_id, TODAY, staff_ids=[d.man.id])[0].load.points_held
    d.man.contracted_hours = round(37 * held / (2176 * 1.18), 3)  # 118% on part-time hours
    case = f.case(session, d.pdu_id, rosh="LOW")
    session.commit()
    man = _ranked(session, d.pdu_id, case.id)["Max Mann"].ranked
    assert man.capacity_now is not None and round(man.capacity_now) == 118
    assert man.capacity_after is not None
    assert man.safeguard_reason == f"{man.capacity_after:.0f}% after this case"
    assert man.rank == 4
    with pytest.raises(UserError, match="% after this case"):
        alloc_writes.allocate(session, head, case.id, d.man.id, version(session, case.id))


def test_a_shorter_absence_is_a_note_and_needs_no_reason(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id)
    _absent(session, head, d.po, date(2026, 11, 30), date(2026, 11, 30))  # next Monday
    session.commit()
    olive = _ranked(session, d.pdu_id, case.id)["Olive Officer"].ranked
    assert not olive.unavailable
    assert olive.note == "absent on 30/11/2026 (1 of the next 5 working days)"
    alloc_writes.allocate(session, head, case.id, d.po.id, version(session, case.id))
    session.commit()
    [row] = open_allocations(session, case.id)
    assert (row.safeguard_warning, row.safeguard_reason) == ("", "")
    assert mix.balance(session, d.pdu_id, TODAY).safeguard_override_cases == 0


def test_a_reduction_of_all_hours_counts_as_absent(session, head) -> None:  # type: ignore[no-untyped-def]
    d = desk(session)
    case = f.case(session, d.pdu_id)
    session.add(
        Reduction(
            staff_id=d.pso.id,
            start_date=date(2026, 11, 1),
            end_date=date(2027, 3, 31),
            hours_per_week=37.0,
            reason="MATERNITY",
        )
    )
    session.commit()
    sid = _ranked(session, d.pdu_id, case.id)["Sid Services"].ranked
    assert sid.safeguard_reason == "absent until 31/03/2027" and sid.rank == 4


def test_the_number_of_days_looked_at_is_a_setting(session, head) -> None:  # type: ignore[no-untyped-def]
    from app.services.core import settings

    d = desk(session)
    case = f.case(session, d.pdu_id)
    _absent(session, head, d.po, date(2026, 11, 26), date(2026, 11, 26))  # tomorrow only
    settings.put(session, head, "safeguard_absent_days", 1, date(2026, 1, 1))
    session.commit()
    olive = _ranked(session, d.pdu_id, case.id)["Olive Officer"].ranked
    assert olive.safeguard_reason == "absent on 26/11/2026 (1 of the next 5 working days)"
