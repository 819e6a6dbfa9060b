"""The seal's primitives: key pairs, password wrapping, sealing and field encryption.

- A user's X25519 private key is wrapped with AES-256-GCM under a key
  derived from their password with Argon2id, with a random salt and a label
  of its own (:data:`WRAP_LABEL`) as Argon2's associated data, so the
  wrapping key is never the password hash the sign-in stores.
- The data key (256 random bits) is sealed to a public key: an ephemeral
  X25519 exchange, HKDF-SHA256 and AES-256-GCM (the ECIES pattern).
- A field is AES-256-GCM under the data key; its bytes start with a format
  byte and the data key's id, and its associated data names the table,
  column and row, so a ciphertext moved to another row or column fails.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

WRAP_LABEL = b"pdu-manager victim seal: private key wrap v1"
SEAL_LABEL = b"pdu-manager victim seal: data key v1"
FIELD_FORMAT = 1
NONCE = 12
_RAW = serialization.Encoding.Raw


class SealError(Exception):
    """A key or ciphertext does not open: the wrong password, key or row."""


@dataclass(frozen=True)
class KdfCost:
    """Argon2id's cost for the wrapping key (the password hashing settings)."""

    time_cost: int
    memory_kib: int
    lanes: int


def new_key_pair() -> tuple[bytes, bytes]:
    """A fresh X25519 key pair: (private, public), 32 raw bytes each."""
    private = X25519PrivateKey.generate()
    return _private_bytes(private), private.public_key().public_bytes(_RAW, _RAW_PUBLIC)


_RAW_PUBLIC = serialization.PublicFormat.Raw


def _private_bytes(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def public_of(private: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes(_RAW, _RAW_PUBLIC)


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def new_salt() -> bytes:
    return os.urandom(16)


def _wrapping_key(password: str, salt: bytes, cost: KdfCost) -> bytes:
    kdf = Argon2id(
        salt=salt,
        length=32,
        iterations=cost.time_cost,
        lanes=cost.lanes,
        memory_cost=max(cost.memory_kib, 8 * cost.lanes),
        ad=WRAP_LABEL,
    )
    return kdf.derive(password.encode("utf-8"))


def wrap_private(private: bytes, password: str, salt: bytes, cost: KdfCost, user_id: int) -> bytes:
    """The private key under the password-derived key, bound to the user's id."""
    nonce = os.urandom(NONCE)
    box = AESGCM(_wrapping_key(password, salt, cost))
    return nonce + box.encrypt(nonce, private, _user_ad(user_id))


def unwrap_private(
    wrapped: bytes, password: str, salt: bytes, cost: KdfCost, user_id: int
) -> bytes:
    box = AESGCM(_wrapping_key(password, salt, cost))
    try:
        return box.decrypt(wrapped[:NONCE], wrapped[NONCE:], _user_ad(user_id))
    except InvalidTag as error:
        raise SealError("The password does not open this account's key.") from error


def _user_ad(user_id: int) -> bytes:
    return WRAP_LABEL + f"|user {user_id}".encode()


def _seal_key(shared: bytes, context: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=SEAL_LABEL + context).derive(
        shared
    )


def seal(data_key: bytes, recipient_public: bytes, context: str) -> bytes:
    """The data key sealed to a public key: ephemeral public key, nonce, ciphertext."""
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    eph_public = ephemeral.public_key().public_bytes(_RAW, _RAW_PUBLIC)
    aad = context.encode() + eph_public + recipient_public
    nonce = os.urandom(NONCE)
    box = AESGCM(_seal_key(shared, context.encode()))
    return eph_public + nonce + box.encrypt(nonce, data_key, aad)


def open_sealed(sealed: bytes, private: bytes, context: str) -> bytes:
    key = X25519PrivateKey.from_private_bytes(private)
    eph_public, nonce, body = sealed[:32], sealed[32 : 32 + NONCE], sealed[32 + NONCE :]
    shared = key.exchange(X25519PublicKey.from_public_bytes(eph_public))
    aad = context.encode() + eph_public + public_of(private)
    try:
        return AESGCM(_seal_key(shared, context.encode())).decrypt(nonce, body, aad)
    except InvalidTag as error:
        raise SealError("This key does not open the sealed data key.") from error


def _field_ad(table: str, column: str, row_id: int, key_id: int) -> bytes:
    return f"pdu-manager|{table}|{column}|{row_id}|key {key_id}".encode()


def encrypt_field(
    data_key: bytes, key_id: int, value: str, table: str, column: str, row_id: int
) -> bytes:
    """One value under the data key: format byte, key id (4 bytes), nonce, ciphertext."""
    nonce = os.urandom(NONCE)
    head = bytes([FIELD_FORMAT]) + key_id.to_bytes(4, "big")
    body = AESGCM(data_key).encrypt(
        nonce, value.encode("utf-8"), _field_ad(table, column, row_id, key_id)
    )
    return head + nonce + body


def field_key_id(blob: bytes) -> int:
    """The id of the data key a stored value was encrypted under."""
    if not blob or blob[0] != FIELD_FORMAT:
        raise SealError("Not a sealed value of a known format.")
    return int.from_bytes(blob[1:5], "big")


def decrypt_field(data_key: bytes, blob: bytes, table: str, column: str, row_id: int) -> str:
    key_id = field_key_id(blob)
    nonce, body = blob[5 : 5 + NONCE], blob[5 + NONCE :]
    try:
        plain = AESGCM(data_key).decrypt(nonce, body, _field_ad(table, column, row_id, key_id))
    except InvalidTag as error:
        raise SealError(f"A value of {table}.{column} does not open for row {row_id}.") from error
    return plain.decode("utf-8")


def recovery_text(private: bytes) -> str:
    """The recovery private key as the Head prints it: hex in groups of four."""
    raw = private.hex().upper()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def parse_recovery_text(text: str) -> bytes:
    cleaned = "".join(ch for ch in text if ch.isalnum())
    try:
        raw = bytes.fromhex(cleaned)
    except ValueError as error:
        raise SealError("A recovery key is 64 letters and digits (0-9, A-F).") from error
    if len(raw) != 32:
        raise SealError("A recovery key is 64 letters and digits (0-9, A-F).")
    return raw
