"""Decisions to enter in NDelius, which stays the record (SPEC.md 5), ticked off as entered.

The allocation desk decides who holds a case; NDelius must be told. This lists
every allocation, reallocation and review outcome of a PDU since a day the
user picks, with whether someone has ticked it off as entered there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from app import clock
from app.db.models import Allocation, AppUser, NdeliusEntry, Person, ReviewItem, Staff
from app.domain.codes import ReallocationReason, Role
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import UserError

KINDS = ("allocation", "review")
RECORDING_ROLES = (Role.SPO, Role.HEAD_OF_PDU, Role.ADMIN)


@dataclass(frozen=True)
class Decision:
    """One decision to enter in NDelius, in words, with whether it has been entered."""

    kind: str
    record_id: int
    on: date
    crn: str
    name: str
    what: str
    by: str
    entered_on: date | None
    entered_by: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.record_id)


def decisions(session: Session, pdu_id: int, since: date) -> list[Decision]:
    """The PDU's allocations, reallocations and review outcomes since ``since``, oldest first."""
    found = _allocations(session, pdu_id, since) + _reviews(session, pdu_id, since)
    return sorted(found, key=lambda d: (d.on, d.crn, d.kind, d.record_id))


def _allocations(session: Session, pdu_id: int, since: date) -> list[Decision]:
    entry = aliased(NdeliusEntry)
    by, enterer = aliased(AppUser), aliased(AppUser)
    rows = session.execute(
        select(Allocation, Person, Staff, by.display_name, entry.entered_on, enterer.display_name)
        .join(Person, Person.id == Allocation.person_id)
        .join(Staff, Staff.id == Allocation.staff_id)
        .outerjoin(by, by.id == Allocation.allocated_by)
        .outerjoin(entry, and_(entry.kind == "allocation", entry.record_id == Allocation.id))
        .outerjoin(enterer, enterer.id == entry.entered_by)
        .where(
            Person.pdu_id == pdu_id,
            Allocation.start_date >= since,
            Allocation.corrected_at.is_(None),  # undone as a mistake: nothing to enter
        )
    ).all()
    out = []
    for allocation, person, staff, who, entered_on, entered_by in rows:
        holder = f"{staff.forename} {staff.surname}"
        if allocation.reason:
            label = _reason(allocation.reason)
            what = f"Reallocated to {holder} ({staff.grade}): {label}"
        else:
            what = f"Allocated to {holder} ({staff.grade})"
        if allocation.outside_policy:
            what += f"; outside the policy: {allocation.policy_reason}"
        out.append(
            Decision(
                "allocation",
                allocation.id,
                allocation.start_date,
                person.crn,
                f"{person.surname.upper()}, {person.forename}",
                what,
                who or "",
                entered_on,
                entered_by or "",
            )
        )
    return out


def _reviews(session: Session, pdu_id: int, since: date) -> list[Decision]:
    entry = aliased(NdeliusEntry)
    by, enterer = aliased(AppUser), aliased(AppUser)
    rows = session.execute(
        select(ReviewItem, Person, by.display_name, entry.entered_on, enterer.display_name)
        .join(Person, Person.id == ReviewItem.person_id)
        .outerjoin(by, by.id == ReviewItem.resolved_by)
        .outerjoin(entry, and_(entry.kind == "review", entry.record_id == ReviewItem.id))
        .outerjoin(enterer, enterer.id == entry.entered_by)
        .where(Person.pdu_id == pdu_id, ReviewItem.resolved_on >= since)
    ).all()
    moved = ("Allocated to", "Reallocated to")  # answered by an allocation: listed there
    return [
        Decision(
            "review",
            item.id,
            item.resolved_on,
            person.crn,
            f"{person.surname.upper()}, {person.forename}",
            f"Review kept with the practitioner: {item.resolution}",
            who or "",
            entered_on,
            entered_by or "",
        )
        for item, person, who, entered_on, entered_by in rows
        if item.resolved_on is not None and not item.resolution.startswith(moved)
    ]


def _reason(code: str) -> str:
    try:
        return ReallocationReason(code).label
    except ValueError:
        return code


def mark_entered(
    session: Session, actor: Actor, keys: Sequence[tuple[str, int]], entered: bool = True
) -> int:
    """Tick these decisions off as entered in NDelius (or untick them); how many changed."""
    actor.require(*RECORDING_ROLES, action="tick off decisions entered in NDelius")
    wanted = {(kind, int(record_id)) for kind, record_id in keys}
    if any(kind not in KINDS for kind, _ in wanted):
        raise UserError("Only allocations and review outcomes are entered in NDelius.")
    existing = {
        (e.kind, e.record_id): e
        for e in session.scalars(
            select(NdeliusEntry).where(
                NdeliusEntry.record_id.in_([r for _k, r in wanted]),
                NdeliusEntry.kind.in_(KINDS),
            )
        )
        if (e.kind, e.record_id) in wanted
    }
    today = clock.today()
    if entered:
        new = [k for k in sorted(wanted) if k not in existing]
        for kind, record_id in new:
            session.add(NdeliusEntry(kind=kind, record_id=record_id, entered_on=today,
                                     entered_by=actor.user_id))  # fmt: skip
        changed = [f"{k}:{r}" for k, r in new]
    else:
        gone = [existing[k] for k in sorted(existing)]
        for row in gone:
            session.delete(row)
        changed = [f"{row.kind}:{row.record_id}" for row in gone]
    if changed:
        audit.record(
            session,
            actor,
            "ndelius.entered" if entered else "ndelius.unticked",
            "decision",
            changed[0] if len(changed) == 1 else "",
            summary=(
                f"{len(changed)} decision(s) ticked off as entered in NDelius"
                if entered
                else f"{len(changed)} decision(s) no longer marked as entered in NDelius"
            ),
            after={"decisions": changed, "on": today},
        )
    return len(changed)
