"""What a change touched, so each screen refreshes only what concerns it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChangeSet:
    """Record kinds (``case``, ``staff``, ``allocation``...) and the ids changed."""

    ids: dict[str, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, kind: str, ids: Iterable[int] = ()) -> ChangeSet:
        return cls({kind: frozenset(ids)})

    def merge(self, other: ChangeSet) -> ChangeSet:
        merged = dict(self.ids)
        for kind, ids in other.ids.items():
            merged[kind] = merged.get(kind, frozenset()) | ids
        return ChangeSet(merged)

    def touches(self, *kinds: str) -> bool:
        return any(kind in self.ids for kind in kinds)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.ids)
