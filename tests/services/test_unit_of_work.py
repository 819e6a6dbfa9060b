"""The unit of work: what a transaction touched, the read model at commit, its change-set."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.db.models import AuditEntry, Base, CaseloadRow, Event, Setting, Team
from app.services.core import settings
from app.services.core.changes import ChangeSet, Kind
from app.services.core.store import last_changes, write_session
from app.services.core.unit_of_work import (
    TABLE_KINDS,
    UNTRACKED,
    pending_changes,
    set_actor,
    touch,
)
from tests import factories as f
from tests.conftest import TODAY


def test_every_table_has_a_kind_or_is_derived() -> None:
    tables = set(Base.metadata.tables)
    assert tables == set(TABLE_KINDS) | UNTRACKED


def test_a_changed_sentence_rebuilds_its_caseload_row_at_commit(session: Session) -> None:
    pdu = f.pdu(session)
    case = f.case(session, pdu.id, sentence_type="CO")
    session.commit()
    event_row = session.scalars(select(Event).where(Event.person_id == case.id)).one()
    event_row.requirements = "UPW;Curfew"
    assert session.get(CaseloadRow, case.id).requirements != "UPW;Curfew"  # not yet
    session.commit()
    assert session.get(CaseloadRow, case.id).requirements == "UPW;Curfew"
    changes = last_changes(session)
    assert changes.get(Kind.EVENT) == {event_row.id}
    assert changes.get(Kind.CASE) == {case.id}


def test_renaming_a_team_rebuilds_the_rows_of_the_cases_its_staff_hold(session: Session) -> None:
    pdu = f.pdu(session)
    team = f.team(session, pdu.id, "Team North")
    po = f.staff(session, f.pod(session, team.id), "PO")
    held = f.case(session, pdu.id, staff_id=po.id)
    other = f.case(session, pdu.id)
    session.commit()
    session.get(Team, team.id).name = "Team Aire"  # type: ignore[union-attr]
    session.commit()
    assert session.get(CaseloadRow, held.id).team_name == "Team Aire"
    changes = last_changes(session)
    assert changes.get(Kind.TEAM) == {team.id}
    assert changes.get(Kind.CASE) == {held.id}
    assert other.id not in changes.get(Kind.CASE)


def test_a_rolled_back_transaction_leaves_nothing_pending(session: Session) -> None:
    pdu = f.pdu(session)
    f.team(session, pdu.id, "Gone")
    session.rollback()
    session.add(Setting(key="po_mix_min_cases", effective_from=TODAY, value="7"))
    session.commit()
    changes = last_changes(session)
    assert changes.kinds == {Kind.SETTING}


def test_bulk_writers_say_what_they_touched(session: Session) -> None:
    pdu = f.pdu(session)
    case = f.case(session, pdu.id)
    session.commit()
    touch(session, Kind.CASE, [case.id])
    touch(session, Kind.TIER, bulk=True)
    assert pending_changes(session).is_bulk(Kind.TIER)
    session.commit()
    changes = last_changes(session)
    assert changes.is_bulk(Kind.TIER) and changes.get(Kind.CASE) == {case.id}
    assert changes.touches(Kind.TIER) and not changes.touches(Kind.STAFF)


def test_a_change_without_its_own_audit_entry_is_recorded_field_by_field(
    store: Any, head: Any
) -> None:
    with store.sessions.begin() as s:
        pdu = f.pdu(s)
        team_id = f.team(s, pdu.id, "Team North").id
    with write_session(store, head) as s:
        s.get(Team, team_id).name = "Team South"
    with store.sessions() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert (entry.action, entry.username, entry.entity) == ("records.changed", "head", "team")
    [record] = json.loads(entry.changes)["records"]
    assert record["op"] == "changed"
    assert record["fields"]["name"] == ["Team North", "Team South"]


def test_sensitive_columns_are_named_never_their_values(store: Any, head: Any) -> None:
    from app.db.models import AppUser

    with write_session(store, head) as s:
        user = s.get(AppUser, head.user_id)
        assert user is not None
        user.password_hash = "$argon2id$secret-hash"
    with store.sessions() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert "secret-hash" not in entry.changes
    assert json.loads(entry.changes)["records"][0]["fields"]["password_hash"] == "(changed)"


def test_a_service_that_audits_itself_gets_no_second_entry(session: Session, head: Any) -> None:
    set_actor(session, head)
    before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
    settings.put(session, head, "po_mix_min_cases", 6, TODAY)
    session.commit()
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.id > before)).all()
    assert actions == ["setting.changed"]


def test_settings_are_read_once_per_transaction(store: Any) -> None:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM setting" in statement:
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        with store.sessions() as s:
            for key in ("po_mix_min_cases", "allocation_working_days", "assessment_valid_weeks"):
                settings.get(s, key, TODAY)
            settings.workload_settings(s, TODAY)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert len(statements) == 1


def test_a_setting_written_is_read_back_in_the_same_transaction(
    session: Session, head: Any
) -> None:
    assert settings.get(session, "po_mix_min_cases", TODAY) == 5
    settings.put(session, head, "po_mix_min_cases", 8, TODAY)
    assert settings.get(session, "po_mix_min_cases", TODAY) == 8
    session.commit()
    assert last_changes(session).touches(Kind.SETTING)


def test_change_sets_merge_and_say_what_they_touch() -> None:
    a = ChangeSet.of(Kind.CASE, [1, 2])
    b = ChangeSet({Kind.CASE: frozenset({3})}, frozenset({Kind.TIER}))
    merged = a.merge(b)
    assert merged.get(Kind.CASE) == {1, 2, 3}
    assert merged.is_bulk(Kind.TIER) and merged.kinds == {Kind.CASE, Kind.TIER}
    assert not ChangeSet() and merged
