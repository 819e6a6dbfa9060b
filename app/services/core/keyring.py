"""What a signed-in user holds in memory to read victims' details: their keys, opened.

A :class:`Keyring` rides on the window's :class:`~app.services.core.actor.Actor`
(the command line's actor has none, so it reads no victim's name). It is
opened with the user's password (:func:`app.services.victims.keys.open_keyring`)
and dropped at every idle lock and Switch user: the keys' bytes are zeroed
and forgotten. Nothing here is ever written to the store or a log.
"""

from __future__ import annotations

import threading


class Keyring:
    """The user's private key and the data keys it opened, by key id; empty until opened."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._private: bytearray | None = None
        self._data: dict[int, bytearray] = {}
        self._recovery: str | None = None

    def __repr__(self) -> str:  # never the keys themselves
        return f"Keyring(open={self.is_open})"

    @property
    def is_open(self) -> bool:
        with self._lock:
            return bool(self._data)

    @property
    def has_private(self) -> bool:
        with self._lock:
            return self._private is not None

    def private_key(self) -> bytes | None:
        with self._lock:
            return None if self._private is None else bytes(self._private)

    def set_private(self, private: bytes) -> None:
        with self._lock:
            _zero(self._private)
            self._private = bytearray(private)

    def data_key(self, key_id: int) -> bytes | None:
        with self._lock:
            found = self._data.get(key_id)
            return None if found is None else bytes(found)

    def key_ids(self) -> frozenset[int]:
        with self._lock:
            return frozenset(self._data)

    def add_data_key(self, key_id: int, key: bytes) -> None:
        with self._lock:
            _zero(self._data.get(key_id))
            self._data[key_id] = bytearray(key)

    def forget_data_key(self, key_id: int) -> None:
        with self._lock:
            _zero(self._data.pop(key_id, None))

    def offer_recovery(self, text: str) -> None:
        """A new recovery key to show the Head once (the window takes it)."""
        with self._lock:
            self._recovery = text

    def take_recovery(self) -> str | None:
        """The recovery key to show, once: taking it forgets it."""
        with self._lock:
            text, self._recovery = self._recovery, None
            return text

    def drop(self) -> None:
        """Forget every key (idle lock, Switch user, sign-out)."""
        with self._lock:
            _zero(self._private)
            self._private = None
            for key in self._data.values():
                _zero(key)
            self._data.clear()
            self._recovery = None


def _zero(buffer: bytearray | None) -> None:
    if buffer is not None:
        buffer[:] = bytes(len(buffer))
