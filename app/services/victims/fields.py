"""Reading and writing victims' sealed fields with the signed-in user's open keyring.

:class:`Sealer` is what a victims service uses: it encrypts a value for one
table, column and row under the current data key and opens what the store
holds. It exists only for an entitled actor whose keyring is open; without
one, services return no victim's name or contact details.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db.victim_models import Victim, VictimContact, VictimTask
from app.services.core.actor import Actor
from app.services.core.errors import PermissionDenied
from app.services.victims import crypto
from app.services.victims.keys import current_key, is_entitled, open_copy

SEALED_COLUMNS: dict[Any, tuple[str, ...]] = {
    Victim: ("name_enc", "address_enc", "postcode_enc", "phone_enc", "email_enc", "notes_enc"),
    VictimTask: ("note_enc",),
    VictimContact: ("note_enc",),
}
"""Every encrypted column, by model: what a re-key re-encrypts and an erasure blanks."""

CLOSED = "Victims' details are closed: open them with your password."


class Sealer:
    """Encrypt and open sealed values with the data keys an actor's keyring holds."""

    def __init__(self, keys: dict[int, bytes], current_id: int) -> None:
        self._keys, self.key_id = keys, current_id

    def seal(self, table: str, column: str, row_id: int, value: str | None) -> bytes | None:
        if value is None or value == "":
            return None
        return crypto.encrypt_field(
            self._keys[self.key_id], self.key_id, value, table, column, row_id
        )

    def open(self, table: str, column: str, row_id: int, blob: bytes | None) -> str:
        if not blob:
            return ""
        key = self._keys.get(crypto.field_key_id(blob))
        if key is None:
            raise PermissionDenied(CLOSED)
        return crypto.decrypt_field(key, blob, table, column, row_id)


def sealer_or_none(session: Session, actor: Actor) -> Sealer | None:
    """The actor's sealer, or None when they may not or cannot read victims' details."""
    if not is_entitled(actor) or actor.keyring is None:
        return None
    key = current_key(session)
    if key is None:
        return None
    if actor.keyring.data_key(key.id) is None and actor.user_id is not None:
        open_copy(session, actor.keyring, key, actor.user_id)  # re-keyed since it was opened
    keys = {kid: actor.keyring.data_key(kid) for kid in actor.keyring.key_ids()}
    opened = {kid: k for kid, k in keys.items() if k is not None}
    if key.id not in opened:
        return None
    return Sealer(opened, key.id)


def sealer(session: Session, actor: Actor) -> Sealer:
    """The actor's sealer; refused with the reason when they may not or have not opened it."""
    if not is_entitled(actor):
        raise PermissionDenied(
            "Only a victim liaison officer or the Head of PDU can see victims' details."
        )
    found = sealer_or_none(session, actor)
    if found is None:
        raise PermissionDenied(CLOSED)
    return found


def _rows(session: Session, model: Any, columns: Iterable[str]) -> list[Any]:
    cols = [getattr(model, c) for c in columns]
    return list(session.execute(select(model.id, *cols)))


def reencrypt_all(session: Session, old: dict[int, bytes], new_id: int, new_key: bytes) -> int:
    """Every sealed value opened with ``old`` keys and sealed under the new key; how many."""
    count = 0
    for model, columns in SEALED_COLUMNS.items():
        table = model.__tablename__
        for row in _rows(session, model, columns):
            values: dict[str, bytes | None] = {}
            for column, blob in zip(columns, row[1:], strict=True):
                if not blob:
                    continue
                kid = crypto.field_key_id(blob)
                plain = crypto.decrypt_field(old[kid], blob, table, column, row.id)
                values[column] = crypto.encrypt_field(new_key, new_id, plain, table, column, row.id)
                count += 1
            if values:
                session.execute(
                    update(model)
                    .where(model.id == row.id)
                    .values(**values)
                    .execution_options(synchronize_session=False)
                )
    session.expire_all()
    return count
