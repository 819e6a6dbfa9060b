"""Each task rule of DOMAIN.md 6 through the services: import, complete, opt in, dates, close.

A case comes in by the ``vcs-cases`` import, as in the PDU; the VLO then
works it with the screen's services. Each test reads the tasks back from the
store. Expected dates are worked by hand from the England and Wales bank
holidays (Christmas 2025, the early May bank holiday 2027).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.victim_models import VcsCase, Victim, VictimTask
from app.domain.victims import Relationship
from app.domain.victims_task_types import TaskOutcome, TaskType
from app.services.imports import run_import
from app.services.victims import cases, tasks
from app.services.victims.cases import CaseDates, VictimForm
from tests import factories as f
from tests.victims.helpers import add_vlo, head_with_keys, write_vcs_file

T = TaskType


@pytest.fixture
def world(store, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A Head and a VLO with open keys, and a case referred on Monday 15/12/2025, imported."""
    with store.sessions() as session:
        head = head_with_keys(session)
        vlo = add_vlo(session, head)
        crn = f.case(session, f.pdu(session, 17).id).crn
        session.commit()
    path = write_vcs_file(
        tmp_path / "vcs.csv",
        [
            {
                "crn": crn,
                "vcs_case_ref": "VCS0100",
                "eligibility": "statutory",
                "referral_date": "15/12/2025",
                "vlo_code": "val.vlo",
            }
        ],
    )
    assert run_import(store.sessions, vlo, "vcs-cases", path).applied
    session = store.sessions()
    case = session.scalar(select(VcsCase).where(VcsCase.vcs_case_ref == "VCS0100"))
    yield session, head, vlo, case
    session.close()


def _tasks(session, case_id, status="OPEN"):  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(
        session.scalars(
            select(VictimTask)
            .where(VictimTask.vcs_case_id == case_id, VictimTask.status == status)
            .order_by(VictimTask.due_date)
        )
    )


def _of(session, case_id, kind, status="OPEN"):  # type: ignore[no-untyped-def]
    return [t for t in _tasks(session, case_id, status) if t.task_type == kind.value]


def _version(session, case_id: int) -> int:
    session.expire_all()
    return int(session.scalar(select(VcsCase.version).where(VcsCase.id == case_id)))


def _dates(case: VcsCase, **changes: object) -> CaseDates:
    values = {
        "vlo_user_id": case.vlo_user_id,
        "parole_review_date": case.parole_review_date,
        "expected_release_date": case.expected_release_date,
        "released_on": case.released_on,
        "licence_end_date": case.licence_end_date,
        "sentence_end_date": case.sentence_end_date,
        "security_category": case.security_category,
        "sentence_kind": case.sentence_kind,
        "listed_offence": case.listed_offence,
    }
    return CaseDates(**{**values, **changes})  # type: ignore[arg-type]


def _victim(session, vlo, case) -> int:  # type: ignore[no-untyped-def]
    victim_id = cases.add_victim(
        session,
        vlo,
        case.id,
        _version(session, case.id),
        VictimForm("Rowena Tillbrook", Relationship.VICTIM),
    )
    session.commit()
    return victim_id


def _victim_version(session, victim_id: int) -> int:
    session.expire_all()
    return int(session.scalar(select(Victim.version).where(Victim.id == victim_id)))


def _opted_in(session, vlo, case, on=date(2026, 3, 2)) -> int:  # type: ignore[no-untyped-def]
    victim_id = _victim(session, vlo, case)
    cases.set_opt(session, vlo, victim_id, _victim_version(session, victim_id), True, on)
    session.commit()
    return victim_id


def test_a_referral_makes_the_first_offer_due_20_working_days_later_over_christmas(world) -> None:  # type: ignore[no-untyped-def]
    session, _head, _vlo, case = world
    (offer,) = _of(session, case.id, T.FIRST_OFFER)
    # 25, 26 December and 1 January are bank holidays: 20 working days end on 15/01/2026.
    assert offer.due_date == date(2026, 1, 15)
    (check,) = _of(session, case.id, T.ELIGIBILITY_CHECK)
    assert check.due_date == date(2025, 12, 22)


def test_no_reply_to_the_first_offer_makes_a_second_then_a_record_of_the_decision(world) -> None:  # type: ignore[no-untyped-def]
    session, _head, vlo, case = world
    (offer,) = _of(session, case.id, T.FIRST_OFFER)
    tasks.complete_task(session, vlo, offer.id, TaskOutcome.LETTER_SENT, date(2026, 1, 12))
    session.commit()
    (second,) = _of(session, case.id, T.SECOND_OFFER)
    assert second.due_date == date(2026, 2, 9)
    assert _of(session, case.id, T.RECORD_DECISION) == []
    tasks.complete_task(session, vlo, second.id, TaskOutcome.LETTER_SENT, date(2026, 2, 9))
    session.commit()
    (decision,) = _of(session, case.id, T.RECORD_DECISION)
    assert decision.due_date == date(2026, 3, 9)
    done = {t.task_type for t in _tasks(session, case.id, "COMPLETED")}
    assert {T.FIRST_OFFER.value, T.SECOND_OFFER.value} <= done  # they stay as history


def test_opting_in_makes_the_release_month_notice_and_an_annual_letter_naming_the_category(
    world,
) -> None:  # type: ignore[no-untyped-def]
    session, _head, vlo, case = world
    dates = _dates(case, expected_release_date=date(2027, 3, 15), security_category="C")
    cases.update_case(session, vlo, case.id, _version(session, case.id), dates)
    session.commit()
    assert _of(session, case.id, T.RELEASE_MONTH_NOTICE) == []  # not before opting in
    _opted_in(session, vlo, case)
    (notice,) = _of(session, case.id, T.RELEASE_MONTH_NOTICE)
    assert notice.due_date == date(2027, 1, 18)  # 8 weeks before the release
    assert "March 2027" in notice.detail
    (letter,) = _of(session, case.id, T.ANNUAL_LETTER)
    assert letter.due_date == date(2027, 3, 2)  # the first anniversary of opting in
    assert "security category: Category C" in letter.detail
    assert _of(session, case.id, T.FIRST_OFFER) == []  # the reply ended the offers


def test_a_parole_review_makes_the_vps_invitation_representations_and_the_decision(world) -> None:  # type: ignore[no-untyped-def]
    session, _head, vlo, case = world
    _opted_in(session, vlo, case)
    session.refresh(case)
    dates = _dates(case, parole_review_date=date(2027, 6, 14))
    cases.update_case(session, vlo, case.id, _version(session, case.id), dates)
    session.commit()
    (vps,) = _of(session, case.id, T.PAROLE_VPS_INVITATION)
    assert vps.due_date == date(2027, 3, 22)  # 12 weeks before
    (reps,) = _of(session, case.id, T.LICENCE_REPRESENTATIONS)
    # 6 weeks before is Monday 03/05/2027, the early May bank holiday: the Friday before.
    assert reps.due_date == date(2027, 4, 30)
    (decision,) = _of(session, case.id, T.PAROLE_DECISION)
    assert decision.due_date == date(2027, 7, 5)


def test_an_enhanced_case_contacts_an_opted_out_victim_twice_before_parole(world) -> None:  # type: ignore[no-untyped-def]
    session, _head, vlo, case = world
    victim_id = _victim(session, vlo, case)
    cases.set_opt(
        session, vlo, victim_id, _victim_version(session, victim_id), False, date(2026, 2, 2)
    )
    session.commit()
    dates = _dates(case, parole_review_date=date(2027, 6, 14), sentence_kind="LIFE")
    cases.update_case(session, vlo, case.id, _version(session, case.id), dates)
    session.commit()
    contacts = _of(session, case.id, T.ENHANCED_PAROLE_CONTACT)
    assert [t.due_date for t in contacts] == [date(2027, 2, 22), date(2027, 3, 22)]
    assert all("although the victim opted out" in t.detail for t in contacts)
    assert _of(session, case.id, T.PAROLE_VPS_INVITATION) == []


def test_release_and_licence_end_make_the_notifications_and_the_closure(world) -> None:  # type: ignore[no-untyped-def]
    session, _head, vlo, case = world
    _opted_in(session, vlo, case)
    session.refresh(case)
    cases.update_case(
        session,
        vlo,
        case.id,
        _version(session, case.id),
        _dates(case, released_on=date(2026, 11, 20)),
    )
    session.commit()
    (told,) = _of(session, case.id, T.KEY_STAGE_NOTIFICATION)
    assert told.due_date == date(2026, 11, 27) and "release on 20/11/2026" in told.detail
    session.refresh(case)
    dates = _dates(case, licence_end_date=date(2027, 11, 19))
    cases.update_case(session, vlo, case.id, _version(session, case.id), dates)
    session.commit()
    ends = [t for t in _of(session, case.id, T.KEY_STAGE_NOTIFICATION) if "licence end" in t.detail]
    assert [t.due_date for t in ends] == [date(2027, 11, 26)]
    (closure,) = _of(session, case.id, T.CASE_CLOSURE)
    assert closure.due_date == date(2027, 12, 17)


def test_opting_out_cancels_open_tasks_and_opting_back_in_recreates_what_is_due(world) -> None:  # type: ignore[no-untyped-def]
    session, _head, vlo, case = world
    cases.update_case(
        session,
        vlo,
        case.id,
        _version(session, case.id),
        _dates(case, expected_release_date=date(2027, 3, 15), security_category="B"),
    )
    session.commit()
    victim_id = _opted_in(session, vlo, case)
    notice_id = _of(session, case.id, T.RELEASE_MONTH_NOTICE)[0].id
    cases.set_opt(
        session, vlo, victim_id, _victim_version(session, victim_id), False, date(2026, 6, 1)
    )
    session.commit()
    open_for_victim = [t for t in _tasks(session, case.id) if t.victim_id == victim_id]
    assert open_for_victim == []
    cancelled = {t.id: t for t in _tasks(session, case.id, "CANCELLED")}
    assert "opted out on 01/06/2026" in cancelled[notice_id].cancelled_reason
    cases.set_opt(
        session, vlo, victim_id, _victim_version(session, victim_id), True, date(2026, 9, 1)
    )
    session.commit()
    (again,) = _of(session, case.id, T.RELEASE_MONTH_NOTICE)
    assert again.id != notice_id and again.due_date == date(2027, 1, 18)
    (letter,) = _of(session, case.id, T.ANNUAL_LETTER)
    assert letter.due_date == date(2027, 9, 1)  # from the new opt-in


def test_closing_the_case_completes_its_closure_and_withdraws_every_other_task(world) -> None:  # type: ignore[no-untyped-def]
    session, _head, vlo, case = world
    _opted_in(session, vlo, case)
    session.refresh(case)
    dates = _dates(case, licence_end_date=date(2026, 11, 2))
    cases.update_case(session, vlo, case.id, _version(session, case.id), dates)
    session.commit()
    assert _of(session, case.id, T.CASE_CLOSURE)
    were_open = {t.id for t in _tasks(session, case.id)} - {
        t.id for t in _of(session, case.id, T.CASE_CLOSURE)
    }
    assert len(were_open) >= 2
    cases.close_case(session, vlo, case.id, _version(session, case.id), date(2026, 11, 24))
    session.commit()
    assert _tasks(session, case.id) == []
    (closure,) = _of(session, case.id, T.CASE_CLOSURE, "COMPLETED")
    assert closure.completed_on == date(2026, 11, 24)
    withdrawn = {t.id: t.cancelled_reason for t in _tasks(session, case.id, "CANCELLED")}
    assert {withdrawn[i] for i in were_open} == {"The case closed on 24/11/2026"}
