"""Decisions to enter in NDelius: listed since a day, ticked off as entered, audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.db.models import AuditEntry, Person
from app.domain.codes import ReallocationReason
from app.services.allocation import ndelius
from app.services.allocation import writes as alloc_writes
from app.services.core.changes import Kind
from app.services.core.errors import PermissionDenied
from app.services.core.store import last_changes
from tests import factories as f
from tests.conftest import TODAY


def _version(session, person_id: int) -> int:  # type: ignore[no-untyped-def]
    return session.get(Person, person_id).version  # type: ignore[no-any-return,union-attr]


def test_allocations_reallocations_and_kept_reviews_are_listed_then_ticked_off(
    session, head
) -> None:  # type: ignore[no-untyped-def]
    pdu = f.pdu(session)
    pod = f.pod(session, f.team(session, pdu.id).id)
    first = f.staff(session, pod, "PO", forename="Olive", surname="Officer")
    second = f.staff(session, pod, "PO", forename="Pat", surname="Other")
    case = f.case(session, pdu.id, surname="Waiting", rosh="LOW")
    old = f.case(session, pdu.id, surname="Older", rosh="LOW")
    session.commit()
    allocation = alloc_writes.allocate(session, head, case.id, first.id, _version(session, case.id))
    session.commit()
    moved = alloc_writes.reallocate(
        session, head, case.id, second.id, _version(session, case.id),
        ReallocationReason.CASELOAD_ADJUSTMENT,
    )  # fmt: skip
    session.commit()
    listed = ndelius.decisions(session, pdu.id, TODAY - timedelta(days=7))
    mine = [d for d in listed if d.crn == case.crn]
    assert [d.what for d in mine] == [
        "Allocated to Olive Officer (PO)",
        "Reallocated to Pat Other (PO): Caseload adjustment",
    ]
    assert all(d.entered_on is None for d in mine) and old.crn not in {d.crn for d in listed}
    assert ndelius.mark_entered(session, head, [("allocation", allocation)]) == 1
    session.commit()
    assert last_changes(session).touches(Kind.DECISION)
    again = {d.record_id: d for d in ndelius.decisions(session, pdu.id, TODAY)}
    assert again[allocation].entered_on == TODAY and again[moved].entered_on is None
    assert ndelius.mark_entered(session, head, [("allocation", allocation)]) == 0  # once only
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.action == "ndelius.entered"
    assert ndelius.mark_entered(session, head, [("allocation", allocation)], entered=False) == 1
    session.commit()
    assert ndelius.decisions(session, pdu.id, TODAY)[0].entered_on is None
    assert ndelius.decisions(session, pdu.id, date(2027, 1, 1)) == []


def test_only_the_desk_and_admin_tick_decisions_off(session, head) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from app.domain.codes import Role

    with pytest.raises(PermissionDenied):
        ndelius.mark_entered(session, replace(head, role=Role.VLO), [("allocation", 1)])
