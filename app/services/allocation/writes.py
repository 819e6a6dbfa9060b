"""Allocating a case to a practitioner, and moving it to another (SPEC.md 1, 4.3, 9).

An SPO allocates an unallocated case of their PDU to a practitioner of their
own team, and reallocates cases held in their own team; the Head of PDU may
do both anywhere in the PDU (SPEC.md 1). Only a probation practitioner (PO,
PQiP or PSO) of the case's PDU and in post can be given a case (DOMAIN.md 1);
anyone else is refused, never ranked. A choice outside the PO allocation
policy needs a recorded reason; a PQiP taking a High RoSH case needs the
SPO's recorded confirmation (DOMAIN.md 2); so does a practitioner who cannot
take the case now: absent, leaving, or over the flagged capacity after it
(issue 16, :mod:`app.services.allocation.choice`). Two people allocating the same
case at once cannot both succeed: the case's version is checked and bumped
in the same statement (optimistic locking, SPEC.md 9).

The reading side (queue, reviews, ranking) is in
:mod:`app.services.allocation.queue`, the practitioner and team views in
:mod:`app.services.allocation.views`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Allocation, AppUser, CaseloadRow, Person, ReviewItem, Staff
from app.domain.allocation import PolicyVerdict
from app.domain.codes import Grade, ReallocationReason, Role
from app.services.allocation.choice import check_choice, recorded
from app.services.allocation.queue import ALLOCATION_REVIEW_KINDS
from app.services.core import audit, locking
from app.services.core.actor import Actor
from app.services.core.changes import Kind
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, UserError
from app.services.core.permissions import write_service
from app.services.core.team_access import is_head_of, spo_teams
from app.services.core.unit_of_work import touch

ALLOCATING_ROLES = (Role.HEAD_OF_PDU, Role.SPO)
_GRADES = frozenset(g.value for g in Grade)


@dataclass(frozen=True)
class _Request:
    note: str
    policy_reason: str
    confirmed: bool
    reason: ReallocationReason | None
    safeguard_reason: str = ""


@write_service(*ALLOCATING_ROLES, action="allocate cases")
def allocate(
    session: Session,
    actor: Actor,
    person_id: int,
    staff_id: int,
    expected_version: int,
    note: str = "",
    policy_reason: str = "",
    confirmed: bool = False,
    *,
    safeguard_reason: str = "",
    as_at: date | None = None,
) -> int:
    """Allocate an unallocated case to a practitioner from ``as_at`` (TOM 775).

    ``policy_reason``: why, when outside the policy; ``confirmed``: the SPO's
    confirmation of a PQiP with a High RoSH case; ``safeguard_reason``: why,
    when the practitioner cannot take it now (issue 16). Returns the new
    allocation's id.
    """
    request = _Request(
        note.strip(), policy_reason.strip(), confirmed, None, safeguard_reason.strip()
    )
    return _move(session, actor, person_id, staff_id, expected_version, request, as_at)


@write_service(*ALLOCATING_ROLES, action="reallocate cases")
def reallocate(
    session: Session,
    actor: Actor,
    person_id: int,
    staff_id: int,
    expected_version: int,
    reason: ReallocationReason | str,
    note: str = "",
    policy_reason: str = "",
    confirmed: bool = False,
    *,
    safeguard_reason: str = "",
    as_at: date | None = None,
) -> int:
    """Move an allocated case to another practitioner, with the reason (SPEC.md 4.3)."""
    try:
        why = ReallocationReason(reason)
    except ValueError:
        raise UserError("Choose why the case is being reallocated.") from None
    if why is ReallocationReason.OTHER and not note.strip():
        raise UserError("Say in the note why the case is being reallocated.")
    request = _Request(
        note.strip(), policy_reason.strip(), confirmed, why, safeguard_reason.strip()
    )
    return _move(session, actor, person_id, staff_id, expected_version, request, as_at)


@write_service(*ALLOCATING_ROLES, action="resolve review items")
def resolve_review(
    session: Session, actor: Actor, review_id: int, resolution: str, *, as_at: date | None = None
) -> int:
    """Close a review item without moving the case, saying why (TOM 777)."""
    item = session.get(ReviewItem, review_id)
    if item is None or item.resolved_on is not None:
        raise ConflictError("That review item has already been resolved; nothing was changed.")
    person = session.get(Person, item.person_id)
    assert person is not None  # a review item's case is never deleted (foreign key)
    _check_pdu(actor, person)
    if not is_head_of(actor, person.pdu_id):
        holder = _open_allocation(session, person.id)
        _check_team(session, actor, holder.staff_id if holder else None, "the case's practitioner")
    if not resolution.strip():
        raise UserError("Say why the case stays where it is.")
    day = as_at or clock.today()
    item.resolved_on, item.resolved_by, item.resolution = day, actor.user_id, resolution.strip()
    audit.record(
        session,
        actor,
        "review.resolved",
        "case",
        person.crn,
        summary=f"Review of {person.crn} ({item.kind}) resolved",
        after={"resolution": item.resolution, "resolved_on": day},
    )
    return item.id


# --- The one path of allocate and reallocate ----------------------------------------


def _read_case(session: Session, person_id: int) -> tuple[Person, CaseloadRow | None]:
    """The case and its caseload row, in one statement."""
    found = session.execute(
        select(Person, CaseloadRow)
        .outerjoin(CaseloadRow, CaseloadRow.person_id == Person.id)
        .where(Person.id == person_id)
    ).first()
    if found is None:
        raise NotFound("That case no longer exists.")
    return found[0], found[1]


def _check_active(person: Person, row: CaseloadRow | None, day: date) -> None:
    """Only a case under supervision on the day can be allocated (SPEC.md 7: active)."""
    active = (
        row is not None
        and row.sentence_date <= day
        and (row.end_date is None or row.end_date > day)
    )
    if not active or person.ended_on is not None:
        raise UserError(
            f"{person.crn} is not an active case on {day:%d/%m/%Y} (ended or not yet "
            "sentenced): there is nothing to allocate."
        )


def _move(
    session: Session,
    actor: Actor,
    person_id: int,
    staff_id: int,
    expected_version: int,
    request: _Request,
    as_at: date | None,
) -> int:
    day = as_at or clock.today()
    person, row = _read_case(session, person_id)
    _check_pdu(actor, person)
    _check_active(person, row, day)
    assert row is not None  # an active case has its caseload row
    _lock(session, person, expected_version)
    staff = _practitioner(session, staff_id, person, day)
    # The caseload row is kept in the same transactions as allocations, and the
    # version just checked proves nobody allocated since it was read.
    holder = _open_allocation(session, person.id) if row.staff_id is not None else None
    _check_holder(session, person, staff, holder, request)
    _check_team(session, actor, staff.id, "the practitioner")
    if request.reason is not None and holder is not None:
        _check_team(session, actor, holder.staff_id, "the case's practitioner")
    check = check_choice(session, row, staff, day)
    kept = recorded(
        actor,
        person,
        staff,
        check,
        request.policy_reason,
        request.confirmed,
        request.safeguard_reason,
    )
    before = _describe(session, holder) if holder else None
    if holder is not None:
        holder.end_date = day
    allocation = Allocation(
        person_id=person.id,
        staff_id=staff.id,
        start_date=day,
        allocated_by=actor.user_id,
        reason=request.reason.value if request.reason else None,
        note=request.note,
        outside_policy=kept.outside_policy,
        policy_reason=kept.policy_reason,
        safeguard_warning=kept.safeguard_warning,
        safeguard_reason=kept.safeguard_reason,
        recorded_at=clock.now().replace(tzinfo=None),
    )
    session.add(allocation)
    session.flush()
    if row.open_reviews:
        _resolve_reviews(session, actor, person.id, staff, day, holder is None, allocation.id)
    _audit(session, actor, person, staff, allocation, before, check.policy)
    return allocation.id


def _check_pdu(actor: Actor, person: Person) -> None:
    if not actor.covers(person.pdu_id):
        raise PermissionDenied(
            f"{actor.display_name} may not allocate cases of a PDU they do not cover "
            f"({person.crn})."
        )


def _lock(session: Session, person: Person, expected_version: int) -> None:
    """Check and bump the case's version in one statement (SPEC.md 9)."""
    if not locking.bump_version(session, Person, person.id, expected_version):
        session.expire(person)
        raise _conflict(session, person)
    touch(session, Kind.CASE, [person.id], refresh=False)
    session.expire(person, ["version"])


def _conflict(session: Session, person: Person) -> ConflictError:
    """What changed while the user was choosing: usually someone else's allocation."""
    latest = session.execute(
        select(Allocation, Staff.forename, Staff.surname, AppUser.display_name)
        .join(Staff, Staff.id == Allocation.staff_id)
        .outerjoin(AppUser, AppUser.id == Allocation.allocated_by)
        .where(Allocation.person_id == person.id, Allocation.end_date.is_(None))
        .order_by(Allocation.recorded_at.desc(), Allocation.id.desc())
        .limit(1)
    ).first()
    if latest is None:
        return ConflictError(
            f"{person.crn} was changed by someone else while you were choosing; nothing was "
            "changed. Look at the case again, then choose."
        )
    allocation, forename, surname, by = latest
    at = allocation.recorded_at.replace(tzinfo=UTC).astimezone().strftime("%H:%M")
    return ConflictError(
        f"{person.crn} was allocated to {forename} {surname} by {by or 'someone else'} at {at} "
        "while you were choosing; nothing was changed."
    )


def _practitioner(session: Session, staff_id: int, person: Person, day: date) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound("That practitioner is no longer on the staff list.")
    name = f"{staff.forename} {staff.surname}"
    if staff.pdu_id != person.pdu_id:
        raise UserError(f"{name} works in another PDU: choose a practitioner of this PDU.")
    grade = Grade(staff.grade) if staff.grade in _GRADES else None
    if grade is None or not grade.is_practitioner:
        what = grade.label if grade else staff.grade
        raise UserError(
            f"{name} ({what}) is not a probation practitioner: only a PO, PQiP or PSO "
            "can hold a case."
        )
    if (staff.start_date and staff.start_date > day) or (
        staff.leave_date and staff.leave_date <= day
    ):
        raise UserError(f"{name} is not in post on {day:%d/%m/%Y}.")
    return staff


def _open_allocation(session: Session, person_id: int) -> Allocation | None:
    return session.scalar(
        select(Allocation)
        .where(Allocation.person_id == person_id, Allocation.end_date.is_(None))
        .order_by(Allocation.id.desc())
        .limit(1)
    )


def _check_holder(
    session: Session,
    person: Person,
    staff: Staff,
    holder: Allocation | None,
    request: _Request,
) -> None:
    if request.reason is None and holder is not None:
        name = _describe(session, holder)["practitioner"]
        raise ConflictError(
            f"{person.crn} is already allocated to {name}; nothing was changed. "
            "Use Reallocate to move it."
        )
    if request.reason is not None and holder is None:
        raise UserError(f"{person.crn} is not allocated yet: use Allocate.")
    if holder is not None and holder.staff_id == staff.id:
        raise UserError(f"{person.crn} is already held by {staff.forename} {staff.surname}.")


def _check_team(session: Session, actor: Actor, staff_id: int | None, whom: str) -> None:
    """An SPO works within their own team (SPEC.md 1); a Head of the PDU anywhere in it."""
    staff = session.get(Staff, staff_id) if staff_id else None
    if staff is not None and is_head_of(actor, staff.pdu_id):
        return
    team = staff.team_id if staff is not None else None
    if team is None or team not in spo_teams(session, actor):
        raise PermissionDenied(
            f"{actor.display_name} may allocate only within their own team, and {whom} "
            "is in another team: ask that team's SPO or the Head of PDU."
        )


def _resolve_reviews(
    session: Session,
    actor: Actor,
    person_id: int,
    staff: Staff,
    day: date,
    first: bool,
    allocation_id: int | None = None,
) -> list[int]:
    """A (re)allocation answers the case's tier-rise and outside-grade reviews (TOM 777).

    ``first``: the case had no practitioner, so it was allocated, not reallocated.
    """
    items = list(
        session.scalars(
            select(ReviewItem).where(
                ReviewItem.person_id == person_id,
                ReviewItem.resolved_on.is_(None),
                ReviewItem.kind.in_(ALLOCATION_REVIEW_KINDS),
            )
        )
    )
    moved = "Allocated" if first else "Reallocated"
    for item in items:
        item.resolved_on, item.resolved_by = day, actor.user_id
        item.resolution = f"{moved} to {staff.forename} {staff.surname}"
        item.closed_by_allocation_id = allocation_id
    return [item.id for item in items]


def _describe(session: Session, allocation: Allocation) -> dict[str, Any]:
    staff = session.get(Staff, allocation.staff_id)
    name = f"{staff.forename} {staff.surname}" if staff else "(removed)"
    return {
        "staff_id": allocation.staff_id,
        "practitioner": name,
        "grade": staff.grade if staff else None,
        "start_date": allocation.start_date,
    }


def _audit(
    session: Session,
    actor: Actor,
    person: Person,
    staff: Staff,
    allocation: Allocation,
    before: dict[str, Any] | None,
    verdict: PolicyVerdict,
) -> None:
    after = _describe(session, allocation) | {
        "reason": allocation.reason,
        "note": allocation.note,
        "outside_policy": allocation.outside_policy,
        "policy_reason": allocation.policy_reason,
        "policy_check": verdict.reason,
        "safeguard_warning": allocation.safeguard_warning,
        "safeguard_reason": allocation.safeguard_reason,
    }
    moved = "reallocated" if before else "allocated"
    audit.record(
        session,
        actor,
        f"case.{moved}",
        "case",
        person.crn,
        summary=f"{person.crn} {moved} to {after['practitioner']} ({staff.grade})",
        before=before,
        after=after,
        extra={"allocation_id": allocation.id},
    )
