"""What a write touched, so each screen refreshes only what concerns it (STYLE.md).

The unit of work (:mod:`app.services.core.unit_of_work`) builds one
:class:`ChangeSet` per committed transaction; services never make their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """The kinds of record a change can touch (one per table that screens show)."""

    CASE = "case"
    EVENT = "event"
    ASSESSMENT = "assessment"
    TIER = "tier"
    ALLOCATION = "allocation"
    REVIEW = "review"
    STAFF = "staff"
    TEAM = "team"
    POD = "pod"
    REDUCTION = "reduction"
    SETTING = "setting"
    USER = "user"
    AUDIT = "audit"
    PDU = "pdu"
    UPW_REQUIREMENT = "upw_requirement"
    UPW_PROJECT = "upw_project"
    UPW_SESSION = "upw_session"
    UPW_PLACEMENT = "upw_placement"
    UPW_ATTENDANCE = "upw_attendance"
    UPW_STAND_DOWN = "upw_stand_down"
    DECISION = "decision"  # a decision ticked off as entered in NDelius
    PROPOSAL = "proposal"  # a case held in an SPO's open batch proposal
    VCS_CASE = "vcs_case"
    VICTIM = "victim"
    VICTIM_TASK = "victim_task"
    VICTIM_CONTACT = "victim_contact"
    VICTIM_KEY = "victim_key"


@dataclass(frozen=True)
class ChangeSet:
    """The ids touched per kind.

    ``bulk`` names kinds whose rows were written in bulk without their ids
    (an import's executemany): a screen showing that kind reloads it whole.
    """

    ids: Mapping[Kind, frozenset[int]] = field(default_factory=dict)
    bulk: frozenset[Kind] = frozenset()

    @classmethod
    def of(cls, kind: Kind, ids: Iterable[int] = ()) -> ChangeSet:
        return cls({kind: frozenset(ids)})

    def merge(self, other: ChangeSet) -> ChangeSet:
        merged = dict(self.ids)
        for kind, ids in other.ids.items():
            merged[kind] = merged.get(kind, frozenset()) | ids
        return ChangeSet(merged, self.bulk | other.bulk)

    def touches(self, *kinds: Kind) -> bool:
        return any(kind in self.ids or kind in self.bulk for kind in kinds)

    def get(self, kind: Kind) -> frozenset[int]:
        """The known ids of ``kind`` touched (empty when none, or only in bulk)."""
        return self.ids.get(kind, frozenset())

    def is_bulk(self, kind: Kind) -> bool:
        return kind in self.bulk

    @property
    def kinds(self) -> frozenset[Kind]:
        return frozenset(self.ids) | self.bulk

    def __bool__(self) -> bool:
        return bool(self.ids) or bool(self.bulk)
