"""The VLO's queue read (the one the bench times): a fixed number of statements, names in memory."""

from __future__ import annotations

from datetime import date

from app.domain.victims import Relationship
from app.services.victims import cases
from app.services.victims.cases import VictimForm
from app.services.victims.tasks import build_queue, task_queue
from tests.statements import counted
from tests.victims.helpers import a_case, add_vlo, head_with_keys


def test_the_queue_is_read_in_the_same_few_statements_however_many_cases(session, store) -> None:  # type: ignore[no-untyped-def]
    head = head_with_keys(session)
    vlo = add_vlo(session, head)
    for n in range(12):
        case = a_case(session, vlo, ref=f"VCS{n:04}", referral=date(2026, 11, 2))
        cases.add_victim(
            session,
            vlo,
            case.id,
            case.version,
            VictimForm(f"Marigold Vesey{n}", Relationship.VICTIM),
        )
    session.commit()
    pdu_id = case.pdu_id
    with counted(store.engine) as few:
        small = task_queue(session, vlo, pdu_id, vlo.user_id, "vesey3")
    session.rollback()
    with counted(store.engine) as seen:
        queue = task_queue(session, vlo, pdu_id, vlo.user_id)
    assert len(queue.rows) >= 24 and queue.names_open
    assert len(seen) == len(few) <= 4  # the tasks, the sealed names, the key: never one a row
    assert {r.vcs_case_ref for r in small.rows} == {"VCS0003"}  # found by the victim's name
    assert all(r.victim_name == "Marigold Vesey3" for r in small.rows if r.victim_id)


def test_the_queue_without_a_seal_gives_no_name(session) -> None:  # type: ignore[no-untyped-def]
    head = head_with_keys(session)
    vlo = add_vlo(session, head)
    case = a_case(session, vlo)
    cases.add_victim(
        session, vlo, case.id, case.version, VictimForm("Marigold Vesey", Relationship.VICTIM)
    )
    session.commit()
    queue = build_queue(session, case.pdu_id, vlo.user_id)
    assert queue.rows and not queue.names_open
    assert {r.victim_name for r in queue.rows} == {""}
    assert build_queue(session, case.pdu_id, vlo.user_id, "Marigold").rows == ()
