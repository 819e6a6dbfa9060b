"""Users: signing in, the lockout and its expiry, passwords, roles and scope (SPEC.md 1, 9)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import AppUser, AuditEntry, UserRole
from app.domain.codes import Role
from app.services.core import audit, settings
from app.services.core.actor import Actor, system_actor
from app.services.core.errors import ConflictError, PermissionDenied, UserError
from app.services.users import accounts, credentials
from app.services.users.accounts import UserForm
from app.services.users.signin import WRONG, sign_in
from tests import factories as f
from tests.conftest import TODAY

NEW = "a long and unusual passphrase"


def _entries(session: Session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _user(session: Session, username: str) -> AppUser:
    user = session.scalar(select(AppUser).where(AppUser.username == username))
    assert user is not None
    return user


def _at(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: when)


# --- signing in -----------------------------------------------------------------------------


def test_the_right_password_signs_in_with_the_roles_and_scope_stored(session: Session) -> None:
    team = f.team(session, f.pdu(session).id)
    f.actor(session, Role.SPO, Role.ADMIN, pdus=(17, 18), teams=(team.id,), username="sam")
    session.commit()
    answer = sign_in(session, "  Sam ", f.PASSWORD)
    assert answer.ok and answer.actor is not None
    assert answer.actor.roles == {Role.SPO, Role.ADMIN}
    assert answer.actor.pdu_ids == {f.pdu(session, 17).id, f.pdu(session, 18).id}
    assert answer.actor.team_ids == {team.id}
    assert not answer.must_change_password


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(session: Session) -> None:
    f.actor(session, Role.ADMIN, username="ada")
    assert sign_in(session, "ada", "not the password").refusal == WRONG
    assert sign_in(session, "nobody", f.PASSWORD).refusal == WRONG
    assert sign_in(session, "command line", "").refusal == WRONG


def test_five_failures_lock_the_account_until_fifteen_minutes_pass(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    f.actor(session, Role.ADMIN, username="ada")
    start = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    _at(monkeypatch, start)
    answers = [sign_in(session, "ada", f"guess {n}") for n in range(5)]
    assert [a.ok for a in answers] == [False] * 5
    assert "locked until" in answers[-1].refusal
    locked = _user(session, "ada")
    assert locked.locked_until == datetime(2026, 11, 25, 9, 15)
    [entry] = _entries(session, "user.locked")
    assert entry.entity_id == "ada" and "5 failed sign-ins" in entry.summary

    _at(monkeypatch, start + timedelta(minutes=14))
    refused = sign_in(session, "ada", f.PASSWORD)  # the right one, but still locked
    assert not refused.ok and "locked until" in refused.refusal

    _at(monkeypatch, start + timedelta(minutes=15, seconds=1))
    assert sign_in(session, "ada", f.PASSWORD).ok
    assert _user(session, "ada").failed_attempts == 0


def test_the_lockout_numbers_are_settings(
    session: Session, head: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.put(session, head, "signin_max_failures", 3, TODAY)
    settings.put(session, head, "signin_lockout_minutes", 60, TODAY)
    f.actor(session, Role.ADMIN, username="ada")
    _at(monkeypatch, datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    for n in range(3):
        sign_in(session, "ada", f"guess {n}")
    assert _user(session, "ada").locked_until == datetime(2026, 11, 25, 10, 0)


def test_a_success_before_the_limit_starts_the_count_again(session: Session) -> None:
    f.actor(session, Role.ADMIN, username="ada")
    for n in range(4):
        sign_in(session, "ada", f"guess {n}")
    assert sign_in(session, "ada", f.PASSWORD).ok
    for n in range(4):
        sign_in(session, "ada", f"guess {n}")
    assert _user(session, "ada").locked_until is None


def test_a_disabled_account_cannot_sign_in_and_keeps_its_history(
    session: Session, head: Actor
) -> None:
    ada = f.actor(session, Role.ADMIN, username="ada")
    audit.record(session, ada, "test.done", "case", "X100001", summary="something ada did")
    assert ada.user_id is not None
    accounts.set_active(session, head, ada.user_id, 1, False)
    session.commit()
    assert sign_in(session, "ada", f.PASSWORD).refusal.startswith("This account is disabled")
    assert session.get(AppUser, ada.user_id) is not None
    [done] = _entries(session, "test.done")
    assert done.user_id == ada.user_id
    [disabled] = _entries(session, "user.disabled")
    assert json.loads(disabled.changes) == {"after": {"active": False}, "before": {"active": True}}


# --- passwords ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short pass", "at least 12 characters"),
        ("Password1234", "common passwords"),
        ("qwerty uiop 123", "common passwords"),
        ("aaaaaaaaaaaaaa", "repeats"),
        ("new.user.name", "own name"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(
    session: Session, head: Actor, password: str, why: str
) -> None:
    form = UserForm("Somebody", frozenset({Role.ADMIN}), frozenset({f.pdu(session).id}))
    with pytest.raises(UserError, match=why):
        accounts.create_user(session, head, "new.user.name", password, form)
    assert session.scalar(select(AppUser).where(AppUser.username == "new.user.name")) is None


def test_a_user_changes_their_own_password_giving_the_current_one(session: Session) -> None:
    ada = f.actor(session, Role.ADMIN, username="ada")
    with pytest.raises(UserError, match="current password"):
        credentials.change_own_password(session, ada, "not it at all", NEW)
    credentials.change_own_password(session, ada, f.PASSWORD, NEW)
    assert not sign_in(session, "ada", f.PASSWORD).ok
    assert sign_in(session, "ada", NEW).ok
    [entry] = _entries(session, "user.password_changed")
    assert "hash" not in entry.changes and NEW not in entry.changes


def test_a_reset_password_must_be_changed_at_the_next_sign_in_and_unlocks(
    session: Session, head: Actor
) -> None:
    ada = f.actor(session, Role.ADMIN, username="ada")
    for n in range(5):
        sign_in(session, "ada", f"guess {n}")
    assert ada.user_id is not None
    credentials.reset_password(session, head, ada.user_id, NEW)
    answer = sign_in(session, "ada", NEW)
    assert answer.ok and answer.must_change_password
    assert answer.actor is not None
    credentials.change_own_password(session, answer.actor, NEW, "my very own passphrase")
    again = sign_in(session, "ada", "my very own passphrase")
    assert again.ok and not again.must_change_password
    [entry] = _entries(session, "user.password_reset")
    assert entry.user_id == head.user_id and NEW not in entry.changes


def test_a_raised_hashing_cost_rehashes_at_the_next_sign_in(session: Session, head: Actor) -> None:
    f.actor(session, Role.ADMIN, username="ada")
    before = _user(session, "ada").password_hash
    assert before is not None and "m=8," in before
    settings.put(session, head, "password_hash_memory_kib", 16, TODAY)
    assert sign_in(session, "ada", f.PASSWORD).ok
    after = _user(session, "ada").password_hash
    assert after is not None and "m=16," in after and after.startswith("$argon2id$")


# --- managing users ---------------------------------------------------------------------------


def test_the_head_adds_a_user_with_several_roles_audited_without_the_password(
    session: Session, head: Actor
) -> None:
    team = f.team(session, f.pdu(session).id)
    form = UserForm(
        " Sam  Senior ",
        frozenset({Role.SPO, Role.VLO}),
        frozenset({f.pdu(session).id}),
        frozenset({team.id}),
    )
    accounts.create_user(session, head, "Sam.Senior", NEW, form)
    [view] = [u for u in accounts.list_users(session, head) if u.username == "sam.senior"]
    assert (view.display_name, view.roles) == ("Sam Senior", (Role.SPO, Role.VLO))
    assert view.teams == team.name and view.must_change_password
    [entry] = _entries(session, "user.created")
    changes = json.loads(entry.changes)
    assert changes["after"]["roles"] == ["SPO", "VLO"] and changes["after"]["pdus"] == [17]
    assert NEW not in entry.changes and "argon2" not in entry.changes


def test_an_spo_needs_a_team(session: Session, head: Actor) -> None:
    form = UserForm("Sam", frozenset({Role.SPO}), frozenset({f.pdu(session).id}))
    with pytest.raises(UserError, match="their own team"):
        accounts.create_user(session, head, "sam", NEW, form)


def test_a_change_of_roles_records_before_and_after(session: Session, head: Actor) -> None:
    ada = f.actor(session, Role.ADMIN, username="ada", name="Ada")
    assert ada.user_id is not None
    pdu = f.pdu(session).id
    form = UserForm("Ada Admin", frozenset({Role.ADMIN, Role.UPW_MANAGER}), frozenset({pdu}))
    accounts.update_user(session, head, ada.user_id, 1, form)
    [entry] = _entries(session, "user.changed")
    changes = json.loads(entry.changes)
    assert changes["before"]["roles"] == ["ADMIN"]
    assert changes["after"]["roles"] == ["ADMIN", "UPW_MANAGER"]
    assert changes["after"]["display_name"] == "Ada Admin"
    with pytest.raises(ConflictError, match="changed by someone else"):
        accounts.update_user(session, head, ada.user_id, 1, form)


def test_a_head_manages_only_the_users_of_the_pdus_they_cover(
    session: Session, head: Actor
) -> None:
    away = f.actor(session, Role.ADMIN, pdus=(18,), username="away")
    assert away.user_id is not None
    assert "away" not in [u.username for u in accounts.list_users(session, head)]
    with pytest.raises(PermissionDenied, match="PDUs they cover"):
        accounts.set_active(session, head, away.user_id, 1, False)
    form = UserForm("Bo", frozenset({Role.ADMIN}), frozenset({f.pdu(session, 18).id}))
    with pytest.raises(PermissionDenied, match="PDUs they cover"):
        accounts.create_user(session, head, "bo", NEW, form)


def test_a_pdu_is_never_left_without_an_active_head(session: Session, head: Actor) -> None:
    assert head.user_id is not None
    with pytest.raises(UserError, match="own account"):
        accounts.set_active(session, head, head.user_id, 1, False)
    form = UserForm("Hana", frozenset({Role.ADMIN}), frozenset({f.pdu(session).id}))
    with pytest.raises(UserError, match="without an active Head of PDU"):
        accounts.update_user(session, head, head.user_id, 1, form)


# --- the first Head of PDU and the command line's resets ---------------------------------------


def test_the_first_head_is_made_once_while_nobody_can_sign_in(session: Session) -> None:
    assert credentials.needs_first_head(session)
    pdu = frozenset({f.pdu(session).id})
    first = credentials.create_first_head(session, "jo.head", "Jo Head", NEW, pdu)
    assert first.roles == {Role.HEAD_OF_PDU} and first.pdu_ids == pdu
    assert not credentials.needs_first_head(session)
    [entry] = _entries(session, "user.created")
    assert entry.user_id == first.user_id
    with pytest.raises(PermissionDenied, match="already has a Head of PDU"):
        credentials.create_first_head(session, "other", "Other", NEW, pdu)


def test_the_command_line_makes_a_head_only_for_pdus_without_one(session: Session) -> None:
    system = system_actor(session)
    credentials.create_head(session, system, "jo.head", "Jo Head", NEW, [17])
    answer = sign_in(session, "jo.head", NEW)
    assert answer.ok and answer.must_change_password
    with pytest.raises(PermissionDenied, match="already has a Head of PDU"):
        credentials.create_head(session, system, "al.head", "Al Head", NEW, [17])
    credentials.create_head(session, system, "al.head", "Al Head", NEW, [18])
    [first, _second] = _entries(session, "user.created")
    assert first.username == "command line" and first.entity_id == "jo.head"


def test_the_maintainer_resets_only_a_heads_password(session: Session, head: Actor) -> None:
    f.actor(session, Role.ADMIN, username="ada")
    system = system_actor(session)
    with pytest.raises(PermissionDenied, match="not a Head of PDU"):
        credentials.reset_head_password(session, system, "ada", NEW)
    credentials.reset_head_password(session, system, "head", NEW)
    answer = sign_in(session, "head", NEW)
    assert answer.ok and answer.must_change_password
    [entry] = _entries(session, "user.password_reset")
    assert entry.username == "command line" and entry.os_login


def test_the_system_account_holds_the_system_role_alone(session: Session) -> None:
    system = system_actor(session)
    again = system_actor(session)
    assert system == again and system.everywhere and system.roles == {Role.SYSTEM}
    count = session.scalar(
        select(func.count()).select_from(UserRole).where(UserRole.role == "SYSTEM")
    )
    assert count == 1
