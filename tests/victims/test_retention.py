"""Victims' details erased a set time after the case closes, by the daily upkeep (issue 19)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from app.db.models import AuditEntry
from app.db.victim_models import VcsCase, Victim, VictimContact, VictimTask
from app.domain.victims import Relationship
from app.domain.victims_task_types import TaskOutcome, TaskType
from app.services.caseload import upkeep
from app.services.core import settings
from app.services.core.actor import system_actor
from app.services.victims import cases, tasks
from app.services.victims.cases import VictimForm
from app.services.victims.view import case_view
from tests.victims.helpers import a_case, add_vlo, head_with_keys

NAME = "Priya Quennell"


def _closed_case(session, closed_on: date):  # type: ignore[no-untyped-def]
    head = head_with_keys(session)
    vlo = add_vlo(session, head)
    case = a_case(session, vlo, referral=date(2025, 6, 2))
    victim_id = cases.add_victim(
        session,
        vlo,
        case.id,
        case.version,
        VictimForm(NAME, Relationship.VICTIM, address="2 Mill Lane", phone="07700 900456"),
    )
    offer = session.scalar(
        select(VictimTask.id).where(
            VictimTask.vcs_case_id == case.id, VictimTask.task_type == TaskType.FIRST_OFFER.value
        )
    )
    tasks.complete_task(
        session,
        vlo,
        offer,
        TaskOutcome.LETTER_SENT,
        date(2025, 6, 20),
        note="Left with a neighbour",
    )
    session.refresh(case)
    cases.close_case(session, vlo, case.id, case.version, closed_on)
    session.commit()
    return head, vlo, case.id, victim_id


def _counts(session, case_id):  # type: ignore[no-untyped-def]
    return tuple(
        session.scalar(select(func.count()).select_from(m).where(m.vcs_case_id == case_id))
        for m in (Victim, VictimTask, VictimContact)
    )


def test_details_stay_until_the_retention_period_after_closure_has_passed(session) -> None:  # type: ignore[no-untyped-def]
    _head, vlo, case_id, victim_id = _closed_case(session, date(2026, 1, 15))
    upkeep.run_daily(session, system_actor(session), date(2027, 1, 14))
    session.commit()
    victim = session.get(Victim, victim_id)
    assert victim.name_enc is not None and victim.erased_on is None
    assert case_view(session, vlo, case_id).victims[0].name == NAME


def test_the_daily_upkeep_erases_names_contacts_and_notes_keeping_the_counts(session) -> None:  # type: ignore[no-untyped-def]
    _head, vlo, case_id, victim_id = _closed_case(session, date(2025, 10, 1))
    before = _counts(session, case_id)
    upkeep.run_daily(session, system_actor(session), date(2026, 11, 25))
    session.commit()
    session.expire_all()
    victim = session.get(Victim, victim_id)
    sealed = ("name_enc", "address_enc", "postcode_enc", "phone_enc", "email_enc", "notes_enc")
    assert all(getattr(victim, c) is None for c in sealed)
    assert victim.erased_on == date(2026, 11, 25)
    assert victim.relationship == "VICTIM"  # the clear facts stay
    assert session.get(VcsCase, case_id).erased_on == date(2026, 11, 25)
    notes = session.scalars(select(VictimTask.note_enc).where(VictimTask.vcs_case_id == case_id))
    assert all(n is None for n in notes)
    assert _counts(session, case_id) == before  # the return's counts are unchanged
    shown = case_view(session, vlo, case_id).victims[0]
    assert shown.erased and shown.name == ""


def test_the_erasure_is_audited_naming_fields_and_counts_never_values(session) -> None:  # type: ignore[no-untyped-def]
    _closed_case(session, date(2025, 10, 1))
    upkeep.run_daily(session, system_actor(session), date(2026, 11, 25))
    session.commit()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "vcs.details_erased"))
    assert entry is not None
    changes = json.loads(entry.changes) if isinstance(entry.changes, str) else entry.changes
    assert changes["cases"] == ["VCS0001"] and changes["victims"] == 1
    assert {"name", "address", "phone", "victim_task.note"} <= set(changes["fields"])
    text = json.dumps(changes) + entry.summary
    for value in (NAME, "Priya", "Mill Lane", "900456", "neighbour"):
        assert value not in text
    upkeep.run_daily(session, system_actor(session), date(2026, 11, 26))
    session.commit()
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "vcs.details_erased")
        )
        == 1
    )  # erased once


def test_the_retention_setting_in_force_on_the_day_decides(session) -> None:  # type: ignore[no-untyped-def]
    head, _vlo, _case_id, victim_id = _closed_case(session, date(2026, 6, 1))
    settings.put(session, head, "vcs_erase_months_after_closure", 3, date(2026, 11, 1))
    session.commit()
    upkeep.run_daily(session, system_actor(session), date(2026, 10, 31))  # 12 months in force
    session.commit()
    assert session.get(Victim, victim_id).erased_on is None
    upkeep.run_daily(session, system_actor(session), date(2026, 11, 2))  # 3 months from 01/11
    session.commit()
    assert session.get(Victim, victim_id).erased_on == date(2026, 11, 2)
