"""The VLO's writes on a case: optimistic locking between two VLOs, audit, reassigning."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.db.models import AuditEntry
from app.db.victim_models import VcsCase, Victim, VictimTask
from app.domain.victims import KeyStage, Relationship
from app.domain.victims_task_types import TaskType
from app.services.core.errors import ConflictError, UserError
from app.services.victims import cases, staffing, tasks
from app.services.victims.cases import CaseDates, VictimForm
from tests.victims.helpers import a_case, add_vlo, head_with_keys

NAME = "Ottoline Brackwater"


@pytest.fixture
def two_vlos(session):  # type: ignore[no-untyped-def]
    head = head_with_keys(session)
    vlo = add_vlo(session, head)
    other = add_vlo(session, head, "olu.vlo")
    case = a_case(session, vlo)
    victim_id = cases.add_victim(
        session, vlo, case.id, case.version, VictimForm(NAME, Relationship.VICTIM)
    )
    session.commit()
    return head, vlo, other, case.id, victim_id


def _case(session, case_id: int) -> VcsCase:  # type: ignore[no-untyped-def]
    session.expire_all()
    found = session.get(VcsCase, case_id)
    assert found is not None
    return found


def _dates(case: VcsCase, parole: date | None) -> CaseDates:
    return CaseDates(case.vlo_user_id, parole, None, None, None, None, "C", None, False)


def _entries(session, action: str) -> list[dict]:  # type: ignore[no-untyped-def]
    found = session.scalars(select(AuditEntry).where(AuditEntry.action == action))
    return [json.loads(e.changes) if isinstance(e.changes, str) else dict(e.changes) for e in found]


def test_the_second_of_two_vlos_editing_one_case_is_told_and_nothing_of_theirs_is_kept(
    session, two_vlos
) -> None:  # type: ignore[no-untyped-def]
    _head, vlo, other, case_id, _victim = two_vlos
    case = _case(session, case_id)
    seen = case.version  # both opened the case at this version
    cases.update_case(session, vlo, case_id, seen, _dates(case, date(2027, 5, 10)))
    session.commit()
    with pytest.raises(ConflictError, match="changed by someone else"):
        cases.update_case(session, other, case_id, seen, _dates(case, date(2027, 8, 2)))
    session.rollback()
    assert _case(session, case_id).parole_review_date == date(2027, 5, 10)
    for write in (
        lambda: cases.close_case(session, other, case_id, seen, date(2026, 11, 20)),
        lambda: cases.record_key_stage(
            session, other, case_id, seen, KeyStage.OPEN_CONDITIONS, date(2026, 11, 20)
        ),
    ):
        with pytest.raises(ConflictError):
            write()
        session.rollback()
    assert _case(session, case_id).closed_on is None


def test_two_vlos_recording_one_victims_choice_the_second_is_told(session, two_vlos) -> None:  # type: ignore[no-untyped-def]
    _head, vlo, other, _case_id, victim_id = two_vlos
    seen = session.get(Victim, victim_id).version
    cases.set_opt(session, vlo, victim_id, seen, True, date(2026, 11, 2))
    session.commit()
    with pytest.raises(ConflictError, match="changed by someone else"):
        cases.set_opt(session, other, victim_id, seen, False, date(2026, 11, 3))
    session.rollback()
    session.expire_all()
    victim = session.get(Victim, victim_id)
    assert victim.opted_in_date == date(2026, 11, 2) and victim.opted_out_date is None


def test_changing_dates_is_audited_with_before_and_after(session, two_vlos) -> None:  # type: ignore[no-untyped-def]
    _head, vlo, _other, case_id, _victim = two_vlos
    case = _case(session, case_id)
    cases.update_case(session, vlo, case_id, case.version, _dates(case, date(2027, 5, 10)))
    session.commit()
    (entry,) = _entries(session, "vcs.case_changed")
    assert entry["fields"]["parole_review_date"][0] is None
    assert entry["fields"]["parole_review_date"][1] == "2027-05-10"
    assert entry["fields"]["security_category"] == [None, "C"]


def test_opting_in_and_out_is_audited_without_the_victims_name(session, two_vlos) -> None:  # type: ignore[no-untyped-def]
    _head, vlo, _other, _case_id, victim_id = two_vlos
    version = session.get(Victim, victim_id).version
    cases.set_opt(session, vlo, victim_id, version, True, date(2026, 11, 2))
    session.commit()
    session.expire_all()
    version = session.get(Victim, victim_id).version
    cases.set_opt(session, vlo, victim_id, version, False, date(2026, 11, 20))
    session.commit()
    (opted_in,) = _entries(session, "vcs.opted_in")
    (opted_out,) = _entries(session, "vcs.opted_out")
    assert opted_in["after"]["on"] == "2026-11-02" and opted_out["after"]["on"] == "2026-11-20"
    every = json.dumps([_entries(session, a) for a in ("vcs.opted_in", "vcs.opted_out")])
    assert "Ottoline" not in every and "Brackwater" not in every


def test_a_key_stage_tells_opted_in_victims_five_working_days_later(session, two_vlos) -> None:  # type: ignore[no-untyped-def]
    _head, vlo, _other, case_id, victim_id = two_vlos
    cases.set_opt(session, vlo, victim_id, session.get(Victim, victim_id).version, True, TODAY_)
    session.commit()
    case = _case(session, case_id)
    cases.record_key_stage(
        session, vlo, case_id, case.version, KeyStage.HOME_DETENTION_CURFEW, date(2026, 11, 23)
    )
    session.commit()
    told = session.scalars(
        select(VictimTask).where(
            VictimTask.vcs_case_id == case_id,
            VictimTask.task_type == TaskType.KEY_STAGE_NOTIFICATION.value,
            VictimTask.status == "OPEN",
        )
    ).all()
    assert [(t.victim_id, t.due_date) for t in told] == [(victim_id, date(2026, 11, 30))]
    assert "home detention curfew on 23/11/2026" in told[0].detail
    (entry,) = _entries(session, "vcs.key_stage")
    assert entry["after"]["stage"] == "HOME_DETENTION_CURFEW"


TODAY_ = date(2026, 11, 16)


def test_a_case_cannot_be_closed_on_a_day_still_to_come(session, two_vlos) -> None:  # type: ignore[no-untyped-def]
    _head, vlo, _other, case_id, _victim = two_vlos
    case = _case(session, case_id)
    with pytest.raises(UserError, match="still to come"):
        cases.close_case(session, vlo, case_id, case.version, date(2026, 12, 1))


def test_reassigning_a_vlos_cases_moves_their_tasks_to_the_other_vlos_queue(
    session, two_vlos
) -> None:  # type: ignore[no-untyped-def]
    head, vlo, other, case_id, _victim = two_vlos
    pdu_id = _case(session, case_id).pdu_id
    mine = {r.task_id for r in tasks.task_queue(session, vlo, pdu_id, vlo.user_id).rows}
    assert mine
    assert tasks.task_queue(session, other, pdu_id, other.user_id).rows == ()
    assert staffing.reassign_cases(session, head, vlo.user_id, other.user_id) == 1
    session.commit()
    theirs = {r.task_id for r in tasks.task_queue(session, other, pdu_id, other.user_id).rows}
    assert theirs == mine
    assert staffing.open_work(session, vlo.user_id) == (0, 0)
    (entry,) = _entries(session, "vcs.cases_reassigned")
    assert entry["after"]["cases"] == 1
