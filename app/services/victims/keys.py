"""The seal's keys in the store: users' key pairs, the data key, its sealed copies (issue 19).

- Every user gets an X25519 key pair when a password is set; the private
  half is stored only wrapped under their password (:mod:`.crypto`). A
  password change re-wraps it in the same transaction as the new hash; a
  reset by someone else makes a new pair (the old one cannot be opened).
- The data key is created once, when the Head of PDU first grants the VLO
  role, sealed to every entitled user (active VLOs and Heads of PDU) with a
  key pair and to a recovery key whose private half is shown to that Head
  once. A user entitled later is sealed a copy by the next entitled user who
  opens their keyring (the Head grants access without knowing a password).
- Losing the entitlement (disabled, or the role removed) re-keys: a new data
  key, every victim field re-encrypted, sealed to those who remain. When no
  entitled user holds the key open at that moment, the leaver's copy is
  deleted at once and the re-key runs at the next opening.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import AppUser, UserRole
from app.db.victim_models import DataKey, RecoveryKey, SealedKey, UserKey
from app.domain.codes import Role
from app.services.core import audit, settings
from app.services.core.actor import Actor
from app.services.core.changes import Kind
from app.services.core.errors import PermissionDenied, UserError
from app.services.core.keyring import Keyring
from app.services.core.permissions import guarded_read, write_service
from app.services.core.unit_of_work import touch
from app.services.victims import crypto

ENTITLED_ROLES = (Role.VLO.value, Role.HEAD_OF_PDU.value)


def _now() -> object:
    return clock.now().replace(tzinfo=None)


def kdf_cost(session: Session) -> crypto.KdfCost:
    """The wrapping key's Argon2id cost: the password hashing settings in force."""
    today = clock.today()
    return crypto.KdfCost(
        int(settings.get(session, "password_hash_time_cost", today)),
        int(settings.get(session, "password_hash_memory_kib", today)),
        int(settings.get(session, "password_hash_parallelism", today)),
    )


def _cost_of(key: UserKey) -> crypto.KdfCost:
    return crypto.KdfCost(key.kdf_time_cost, key.kdf_memory_kib, key.kdf_lanes)


def _store_pair(session: Session, user_id: int, private: bytes, password: str) -> UserKey:
    cost, salt = kdf_cost(session), crypto.new_salt()
    key = session.get(UserKey, user_id)
    if key is None:
        key = UserKey(user_id=user_id)
        session.add(key)
    key.public_key = crypto.public_of(private)
    key.wrapped_private = crypto.wrap_private(private, password, salt, cost, user_id)
    key.kdf_salt = salt
    key.kdf_time_cost, key.kdf_memory_kib, key.kdf_lanes = (
        cost.time_cost,
        cost.memory_kib,
        cost.lanes,
    )
    key.created_at = _now()  # type: ignore[assignment]
    session.flush()
    return key


def ensure_user_key(session: Session, user_id: int, password: str) -> None:
    """Give the user a key pair if they have none (a new account, a first sign-in)."""
    if session.get(UserKey, user_id) is None:
        private, _ = crypto.new_key_pair()
        _store_pair(session, user_id, private, password)


def _unwrap(key: UserKey, password: str) -> bytes:
    return crypto.unwrap_private(
        key.wrapped_private, password, key.kdf_salt, _cost_of(key), key.user_id
    )


def rewrap_user_key(session: Session, user_id: int, old_password: str, new_password: str) -> None:
    """The user changed their own password: the same private key, wrapped anew."""
    key = session.get(UserKey, user_id)
    if key is None:
        ensure_user_key(session, user_id, new_password)
        return
    try:
        private = _unwrap(key, old_password)
    except crypto.SealError:
        replace_user_key(session, user_id, new_password)
        return
    _store_pair(session, user_id, private, new_password)


def replace_user_key(session: Session, user_id: int, new_password: str) -> None:
    """A password set by someone else: a new key pair; copies sealed to the old one go."""
    private, _ = crypto.new_key_pair()
    _store_pair(session, user_id, private, new_password)
    session.execute(delete(SealedKey).where(SealedKey.user_id == user_id))
    touch(session, Kind.VICTIM_KEY, [user_id])


# --- who is entitled, and the current key ---------------------------------------------------


def entitled_user_ids(session: Session) -> set[int]:
    """Active users holding the VLO or Head of PDU role."""
    return set(
        session.scalars(
            select(AppUser.id)
            .join(UserRole, UserRole.user_id == AppUser.id)
            .where(AppUser.active.is_(True), UserRole.role.in_(ENTITLED_ROLES))
        )
    )


def is_entitled(actor: Actor) -> bool:
    return actor.has(Role.VLO, Role.HEAD_OF_PDU)


def current_key(session: Session) -> DataKey | None:
    return session.scalar(
        select(DataKey)
        .where(DataKey.retired_at.is_(None))
        .order_by(DataKey.generation.desc())
        .limit(1)
    )


def _context(key_id: int, user_id: int | None) -> str:
    return f"data key {key_id} for " + ("recovery" if user_id is None else f"user {user_id}")


def _seal_to(session: Session, key: DataKey, data: bytes, user_id: int | None) -> None:
    if user_id is None:
        public = session.get(RecoveryKey, key.recovery_key_id)
        assert public is not None
        target = public.public_key
    else:
        user_key = session.get(UserKey, user_id)
        if user_key is None:
            return  # sealed when they first set a password and someone opens the key
        target = user_key.public_key
    session.add(
        SealedKey(
            data_key_id=key.id,
            user_id=user_id,
            sealed=crypto.seal(data, target, _context(key.id, user_id)),
            created_at=_now(),
        )
    )


def _new_key(
    session: Session, actor: Actor, generation: int, recovery_id: int
) -> tuple[DataKey, bytes]:
    key = DataKey(
        generation=generation,
        recovery_key_id=recovery_id,
        created_at=_now(),
        created_by=actor.user_id,
        rekey_due=False,
    )
    session.add(key)
    session.flush()
    data = crypto.new_data_key()
    _seal_to(session, key, data, None)
    for user_id in sorted(entitled_user_ids(session)):
        _seal_to(session, key, data, user_id)
    session.flush()
    touch(session, Kind.VICTIM_KEY, [key.id])
    return key, data


def create_first_key(session: Session, actor: Actor) -> None:
    """The Head granted the VLO role for the first time: the data key and recovery key.

    Once only: ``data_key.generation`` is unique, so a second Head doing the
    same at the same moment fails at commit and nothing of theirs is kept.
    The recovery key's private half goes to the Head's keyring, to be shown
    once; it is never stored.
    """
    if session.scalar(select(DataKey.id).limit(1)) is not None:
        return
    private, public = crypto.new_key_pair()
    recovery = RecoveryKey(public_key=public, created_at=_now(), created_by=actor.user_id)
    session.add(recovery)
    session.flush()
    key, data = _new_key(session, actor, 1, recovery.id)
    if actor.keyring is not None:
        actor.keyring.add_data_key(key.id, data)
        actor.keyring.offer_recovery(crypto.recovery_text(private))
    audit.record(
        session,
        actor,
        "victims.key_created",
        "data_key",
        str(key.id),
        summary="The key that seals victims' details was created, with its recovery key",
        after={"key_id": key.id, "sealed_to": len(entitled_user_ids(session)) + 1},
    )


@dataclass(frozen=True)
class Access:
    """Where the signed-in user stands with victims' details."""

    entitled: bool
    key_exists: bool
    has_copy: bool
    is_open: bool

    @property
    def message(self) -> str:
        if not self.entitled:
            return "Only a victim liaison officer or the Head of PDU can see victims' details."
        if not self.key_exists:
            return (
                "Victims' details are not set up yet: they are when the Head of PDU first gives "
                "someone the victim liaison officer role."
            )
        if not self.has_copy:
            return (
                "Your access to victims' details is waiting: it is given when a victim liaison "
                "officer or the Head of PDU next opens them."
            )
        if not self.is_open:
            return "Type your password to open victims' details."
        return "Victims' details are open."


@guarded_read(Role.VLO, Role.HEAD_OF_PDU, action="see victims' details")
def access(session: Session, actor: Actor) -> Access:
    key = current_key(session)
    has_copy = False
    if key is not None and actor.user_id is not None:
        has_copy = (
            session.scalar(
                select(SealedKey.id).where(
                    SealedKey.data_key_id == key.id, SealedKey.user_id == actor.user_id
                )
            )
            is not None
        )
    keyring = actor.keyring
    return Access(
        is_entitled(actor),
        key is not None,
        has_copy,
        bool(key is not None and keyring is not None and keyring.data_key(key.id) is not None),
    )


def with_keyring(session: Session, actor: Actor, password: str) -> Actor:
    """The actor just signed in (or unlocked) with ``password``, holding their keyring.

    Every user gets a key pair here if they had none; an entitled user's
    keyring is opened at once, so a VLO types their password only once.
    Nothing here refuses a sign-in: victims' details stay closed instead.
    """
    if actor.user_id is None:
        return actor
    ensure_user_key(session, actor.user_id, password)
    if actor.keyring is None:
        actor = replace(actor, keyring=Keyring())
    if is_entitled(actor):
        try:
            _open(session, actor, password)
        except (UserError, PermissionDenied):
            assert actor.keyring is not None
            actor.keyring.drop()
    return actor


@write_service(Role.VLO, Role.HEAD_OF_PDU, action="open victims' details")
def open_keyring(session: Session, actor: Actor, password: str) -> Access:
    """Open the user's private key with their password and the data key sealed to them.

    Then do what waits for an open key: seal copies for entitled users who
    have none, and re-key when someone lost their entitlement.
    """
    return _open(session, actor, password)


def _open(session: Session, actor: Actor, password: str) -> Access:
    if not is_entitled(actor) or actor.user_id is None:
        raise PermissionDenied(
            "Only a victim liaison officer or the Head of PDU can open victims' details."
        )
    if actor.keyring is None:
        raise PermissionDenied("Victims' details open only in the window.")
    ensure_user_key(session, actor.user_id, password)
    user_key = session.get(UserKey, actor.user_id)
    assert user_key is not None
    try:
        private = _unwrap(user_key, password)
    except crypto.SealError as error:
        raise UserError("That is not your password: victims' details stay closed.") from error
    actor.keyring.set_private(private)
    key = current_key(session)
    if key is not None:
        open_copy(session, actor.keyring, key, actor.user_id)
        if actor.keyring.data_key(key.id) is not None:
            share_pending(session, actor)
            if key.rekey_due:
                rekey(session, actor, reason="an entitlement removed earlier")
    return access(session, actor)


def open_copy(session: Session, keyring: Keyring, key: DataKey, user_id: int) -> None:
    copy = session.scalar(
        select(SealedKey).where(SealedKey.data_key_id == key.id, SealedKey.user_id == user_id)
    )
    private = keyring.private_key()
    if copy is None or private is None:
        return
    try:
        keyring.add_data_key(
            key.id, crypto.open_sealed(copy.sealed, private, _context(key.id, user_id))
        )
    except crypto.SealError:
        session.delete(copy)  # sealed to a key pair since replaced: sealed again by others


def share_pending(session: Session, actor: Actor) -> int:
    """Seal the open data key to every entitled user with a key pair and no copy yet."""
    key = current_key(session)
    keyring = actor.keyring
    data = None if key is None or keyring is None else keyring.data_key(key.id)
    if key is None or data is None:
        return 0
    held = set(
        session.scalars(
            select(SealedKey.user_id).where(
                SealedKey.data_key_id == key.id, SealedKey.user_id.is_not(None)
            )
        )
    )
    with_pairs = set(session.scalars(select(UserKey.user_id)))
    waiting = sorted((entitled_user_ids(session) & with_pairs) - held)
    for user_id in waiting:
        _seal_to(session, key, data, user_id)
    if waiting:
        session.flush()
        touch(session, Kind.VICTIM_KEY, [key.id])
    return len(waiting)


def entitlement_changed(session: Session, actor: Actor) -> None:
    """Roles or accounts changed: create the first key, share copies, or re-key.

    Called by the users services in the same transaction as the change.
    """
    entitled = entitled_user_ids(session)
    key = current_key(session)
    if key is None:
        vlos = session.scalar(
            select(UserRole.user_id).where(UserRole.role == Role.VLO.value).limit(1)
        )
        if vlos is not None and actor.has(Role.HEAD_OF_PDU):
            create_first_key(session, actor)
        return
    holders = set(
        session.scalars(
            select(SealedKey.user_id).where(
                SealedKey.data_key_id == key.id, SealedKey.user_id.is_not(None)
            )
        )
    )
    gone = {uid for uid in holders if uid is not None} - entitled
    if gone:
        session.execute(delete(SealedKey).where(SealedKey.user_id.in_(gone)))
        key.rekey_due = True
        session.flush()
        touch(session, Kind.VICTIM_KEY, [key.id])
        if actor.keyring is not None and actor.keyring.data_key(key.id) is not None:
            rekey(session, actor, reason="an entitlement removed")
            return
    share_pending(session, actor)


def rekey(session: Session, actor: Actor, *, reason: str) -> int:
    """A new data key: every sealed field re-encrypted, sealed to the entitled who remain."""
    from app.services.victims.fields import reencrypt_all

    old = current_key(session)
    keyring = actor.keyring
    if old is None or keyring is None or keyring.data_key(old.id) is None:
        raise PermissionDenied("Open victims' details first: the key is changed with it open.")
    old_data = keyring.data_key(old.id)
    assert old_data is not None
    new, new_data = _new_key(session, actor, old.generation + 1, old.recovery_key_id)
    fields = reencrypt_all(session, {old.id: old_data}, new.id, new_data)
    old.retired_at = _now()  # type: ignore[assignment]
    old.rekey_due = False
    session.execute(delete(SealedKey).where(SealedKey.data_key_id == old.id))
    session.flush()
    keyring.forget_data_key(old.id)
    keyring.add_data_key(new.id, new_data)
    audit.record(
        session,
        actor,
        "victims.rekeyed",
        "data_key",
        str(new.id),
        summary=f"Victims' details sealed under a new key ({reason}); {fields} values re-encrypted",
        after={"key_id": new.id, "retired_key_id": old.id, "values": fields},
    )
    return new.id


@write_service(Role.HEAD_OF_PDU, action="use the recovery key")
def recover(session: Session, actor: Actor, recovery: str) -> Access:
    """The Head of PDU opens the data key with the printed recovery key, and takes a copy."""
    key = current_key(session)
    if key is None or actor.keyring is None or actor.user_id is None:
        raise UserError("There is no key to recover, or this is not the window.")
    copy = session.scalar(
        select(SealedKey).where(SealedKey.data_key_id == key.id, SealedKey.user_id.is_(None))
    )
    assert copy is not None
    try:
        data = crypto.open_sealed(
            copy.sealed, crypto.parse_recovery_text(recovery), _context(key.id, None)
        )
    except crypto.SealError as error:
        raise UserError(f"That recovery key does not open victims' details: {error}") from error
    actor.keyring.add_data_key(key.id, data)
    session.execute(
        delete(SealedKey).where(SealedKey.data_key_id == key.id, SealedKey.user_id == actor.user_id)
    )
    session.flush()
    share_pending(session, actor)
    audit.record(
        session,
        actor,
        "victims.recovered",
        "data_key",
        str(key.id),
        summary="Victims' details opened with the recovery key; copies sealed to those waiting",
    )
    return access(session, actor)
