"""The seal: victims' details readable only by an entitled user with their keys open (issue 19)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.victim_models import DataKey, SealedKey, UserKey, Victim
from app.domain.codes import Role
from app.domain.victims import Relationship
from app.services.core.actor import load_actor, system_actor
from app.services.core.errors import PermissionDenied, UserError
from app.services.users import accounts, credentials
from app.services.users.accounts import UserForm
from app.services.victims import cases, crypto, keys
from app.services.victims.cases import VictimForm
from app.services.victims.fields import sealer
from app.services.victims.tasks import task_queue
from tests import factories as f
from tests.factories import PASSWORD
from tests.victims.helpers import a_case, add_vlo, head_with_keys, signed_in


def _victim(session, vlo, case, name="Wendy Marsh"):  # type: ignore[no-untyped-def]
    return cases.add_victim(
        session,
        vlo,
        case.id,
        case.version,
        VictimForm(name, Relationship.VICTIM, address="1 High Street", phone="07700 900123"),
    )


def test_the_first_vlo_granted_creates_one_data_key_sealed_to_the_head_the_vlo_and_recovery(
    session,
) -> None:  # type: ignore[no-untyped-def]
    head = head_with_keys(session)
    assert session.scalar(select(DataKey)) is None
    vlo = add_vlo(session, head)
    data_keys = list(session.scalars(select(DataKey)))
    assert len(data_keys) == 1
    holders = set(session.scalars(select(SealedKey.user_id)))
    assert holders == {head.user_id, vlo.user_id, None}
    recovery = head.keyring.take_recovery()
    assert recovery is not None and len(recovery.replace("-", "")) == 64
    assert head.keyring.take_recovery() is None  # shown once
    add_vlo(session, head, "second.vlo")
    assert session.scalar(select(DataKey.id).where(DataKey.generation == 2)) is None


def test_a_vlo_reads_a_victims_name_the_store_holds_only_ciphertext(session) -> None:  # type: ignore[no-untyped-def]
    head = head_with_keys(session)
    vlo = add_vlo(session, head)
    case = a_case(session, vlo)
    victim_id = _victim(session, vlo, case)
    session.commit()
    raw = session.scalar(select(Victim.name_enc).where(Victim.id == victim_id))
    assert raw is not None and b"Wendy" not in raw
    queue = task_queue(session, vlo, case.pdu_id)
    assert "Wendy Marsh" in {r.victim_name for r in queue.rows}
    assert task_queue(session, vlo, case.pdu_id, search="wendy").rows


def test_the_command_line_and_other_roles_read_no_victim_name(session) -> None:  # type: ignore[no-untyped-def]
    head = head_with_keys(session)
    vlo = add_vlo(session, head)
    case = a_case(session, vlo)
    _victim(session, vlo, case)
    spo = signed_in(session, f.actor(session, Role.SPO, username="sam.spo"))
    with pytest.raises(PermissionDenied):
        sealer(session, spo)
    with pytest.raises(PermissionDenied):
        task_queue(session, spo, case.pdu_id)
    with pytest.raises(PermissionDenied):
        sealer(session, system_actor(session))


def test_a_vlo_whose_keyring_is_dropped_sees_tasks_without_names(session) -> None:  # type: ignore[no-untyped-def]
    head = head_with_keys(session)
    vlo = add_vlo(session, head)
    case = a_case(session, vlo)
    _victim(session, vlo, case)
    vlo.keyring.drop()
    queue = task_queue(session, vlo, case.pdu_id)
    assert queue.rows and not queue.names_open
    assert {r.victim_name for r in queue.rows} == {""}
    keys.open_keyring(session, vlo, PASSWORD)
    assert "Wendy Marsh" in {r.victim_name for r in task_queue(session, vlo, case.pdu_id).rows}


def test_a_ciphertext_moved_to_another_row_does_not_open(session) -> None:  # type: ignore[no-untyped-def]
    head = head_with_keys(session)
    vlo = add_vlo(session, head)
    case = a_case(session, vlo)
    first = session.get(Victim, _victim(session, vlo, case))
    case2 = a_case(session, vlo, ref="VCS0002")
    second = session.get(Victim, _victim(session, vlo, case2, "Other Person"))
    second.name_enc = first.name_enc
    session.flush()
    seal = sealer(session, vlo)
    with pytest.raises(crypto.SealError):
        seal.open("victim", "name_enc", second.id, second.name_enc)
    with pytest.raises(crypto.SealError):
        seal.open("victim", "address_enc", first.id, first.name_enc)


def test_changing_ones_password_rewraps_the_same_key_in_the_same_transaction(session) -> None:  # type: ignore[no-untyped-def]
    head = head_with_keys(session)
    vlo = add_vlo(session, head)
    before = session.get(UserKey, vlo.user_id).public_key
    new = "a different long passphrase"
    credentials.change_own_password(session, vlo, PASSWORD, new)
    assert session.get(UserKey, vlo.user_id).public_key == before
    fresh = load_actor(session, vlo.user_id)
    assert keys.with_keyring(session, fresh, new).keyring.is_open
    with pytest.raises(UserError):
        keys.open_keyring(session, fresh, PASSWORD)


def test_a_reset_password_gets_a_new_key_pair_and_the_heads_open_key_reshares(session) -> None:  # type: ignore[no-untyped-def]
    head = head_with_keys(session)
    vlo = add_vlo(session, head)
    case = a_case(session, vlo)
    _victim(session, vlo, case)
    before = session.get(UserKey, vlo.user_id).public_key
    credentials.reset_password(session, head, vlo.user_id, "reset by the head 2026")
    assert session.get(UserKey, vlo.user_id).public_key != before
    again = keys.with_keyring(session, load_actor(session, vlo.user_id), "reset by the head 2026")
    assert "Wendy Marsh" in {r.victim_name for r in task_queue(session, again, case.pdu_id).rows}


def test_disabling_a_vlo_rekeys_and_their_old_copy_opens_nothing(session) -> None:  # type: ignore[no-untyped-def]
    head = head_with_keys(session)
    vlo = add_vlo(session, head)
    leaver = add_vlo(session, head, "leaving.vlo")
    case = a_case(session, vlo)
    victim_id = _victim(session, vlo, case)
    old_key = keys.current_key(session)
    old_blob = session.scalar(select(Victim.name_enc).where(Victim.id == victim_id))
    user = accounts.get_user(session, leaver.user_id)
    accounts.set_active(session, head, leaver.user_id, user.version, False)
    new_key = keys.current_key(session)
    assert new_key.id != old_key.id and new_key.generation == 2
    assert leaver.user_id not in set(session.scalars(select(SealedKey.user_id)))
    new_blob = session.scalar(select(Victim.name_enc).where(Victim.id == victim_id))
    assert crypto.field_key_id(new_blob) == new_key.id != crypto.field_key_id(old_blob)
    # The leaver's keyring still holds the retired key: it opens nothing now stored.
    assert leaver.keyring.data_key(new_key.id) is None
    # A VLO who stays, signed in already, opens their copy of the new key with the keys held.
    assert "Wendy Marsh" in {r.victim_name for r in task_queue(session, vlo, case.pdu_id).rows}
    assert "Wendy Marsh" not in {
        r.victim_name for r in task_queue(session, leaver, case.pdu_id).rows
    }


def test_a_vlo_holding_open_cases_cannot_be_disabled_until_they_are_reassigned(session) -> None:  # type: ignore[no-untyped-def]
    from app.services.victims.staffing import reassign_cases

    head = head_with_keys(session)
    vlo = add_vlo(session, head)
    other = add_vlo(session, head, "other.vlo")
    a_case(session, vlo)
    user = accounts.get_user(session, vlo.user_id)
    with pytest.raises(UserError, match="reassign"):
        accounts.set_active(session, head, vlo.user_id, user.version, False)
    with pytest.raises(UserError, match="reassign"):
        accounts.update_user(
            session,
            head,
            vlo.user_id,
            user.version,
            UserForm(user.display_name, frozenset({Role.ADMIN}), frozenset({f.pdu(session).id})),
        )
    assert reassign_cases(session, head, vlo.user_id, other.user_id) == 1
    accounts.set_active(session, head, vlo.user_id, user.version, False)
    assert not accounts.get_user(session, vlo.user_id).active


def test_the_recovery_key_opens_the_data_key_for_a_head_who_lost_access(session) -> None:  # type: ignore[no-untyped-def]
    head = head_with_keys(session)
    vlo = add_vlo(session, head)
    recovery = head.keyring.take_recovery()
    case = a_case(session, vlo)
    _victim(session, vlo, case)
    credentials.reset_head_password(
        session, system_actor(session), "hana.head", "a brand new passphrase"
    )
    fresh = keys.with_keyring(session, load_actor(session, head.user_id), "a brand new passphrase")
    assert not fresh.keyring.is_open
    with pytest.raises(UserError):
        keys.recover(session, fresh, "00" * 32)
    keys.recover(session, fresh, recovery)
    assert "Wendy Marsh" in {r.victim_name for r in task_queue(session, fresh, case.pdu_id).rows}
