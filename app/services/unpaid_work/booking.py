"""Booking people onto sessions, taking them off, and rebooking after a stand-down.

Each booking is checked against the schedule's rules (DOMAIN.md 5,
:mod:`app.domain.unpaid_work_booking`): a rule that refuses stops it with
the rule in words; a rule that asks for a reason stops it until a reason is
recorded (:class:`BookingNeedsReason` carries the warnings to show). Booking
takes the session's version, so two people filling the last place at once
cannot both succeed (SPEC.md 9).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.upw_models import UpwAttendance, UpwPlacement, UpwSession, UpwStandDown
from app.domain.parsing import format_date
from app.domain.unpaid_work_booking import (
    BookingWarning,
    SessionFacts,
    Severity,
    booking_warnings,
    refusals,
)
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import ConflictError, NotFound, UserError
from app.services.core.permissions import write_service
from app.services.unpaid_work import access
from app.services.unpaid_work.facts import (
    bookings_of,
    other_bookings,
    people_facts,
    session_facts_of,
)
from app.services.unpaid_work.facts import session_and_project as _session
from app.services.unpaid_work.locks import lock
from app.services.unpaid_work.requirements import current_requirement


class BookingNeedsReason(UserError):
    """The booking breaks a rule that asks for a recorded reason; ``warnings`` say which."""

    def __init__(self, message: str, warnings: tuple[BookingWarning, ...]) -> None:
        super().__init__(message)
        self.warnings = warnings


class BookingRefused(UserError):
    """The booking breaks a rule that refuses it; the message says the rule in words."""


@dataclass(frozen=True)
class BookingCheck:
    """What booking a person onto a session would break, before anything is written."""

    warnings: tuple[BookingWarning, ...]

    @property
    def refused(self) -> bool:
        return any(w.severity is Severity.REFUSED for w in self.warnings)

    @property
    def needs_reason(self) -> bool:
        return any(w.severity is Severity.NEEDS_REASON for w in self.warnings)


def _warnings(session: Session, facts: SessionFacts, person_id: int) -> tuple[BookingWarning, ...]:
    booked = bookings_of(session, [facts.session_id]).get(facts.session_id, [])
    people = people_facts(session, [*booked, person_id])
    elsewhere = [
        s
        for s in other_bookings(session, [person_id], facts.day, facts.day).get(person_id, [])
        if s.session_id != facts.session_id
    ]
    return tuple(booking_warnings(facts, people[person_id], [people[p] for p in booked], elsewhere))


def check_booking(session: Session, session_id: int, person_id: int) -> BookingCheck:
    """The warnings booking this person would raise (the screen asks before it books)."""
    row, project = _session(session, session_id)
    return BookingCheck(_warnings(session, session_facts_of(row, project), person_id))


def _stood_down(session: Session, session_id: int) -> bool:
    found = session.scalar(select(UpwStandDown.id).where(UpwStandDown.session_id == session_id))
    return found is not None


def _place(
    session: Session,
    actor: Actor,
    session_id: int,
    expected_version: int,
    person_id: int,
    reason: str,
    rebooked_from: int | None = None,
) -> int:
    row, project = _session(session, session_id)
    access.require_pdu(actor, project.pdu_id, "book people onto sessions")
    if _stood_down(session, row.id):
        raise ConflictError(
            f"{project.name} on {format_date(row.day)} has been stood down: choose another session."
        )
    requirement = current_requirement(session, person_id, row.day)
    if requirement.pdu_id != project.pdu_id:
        raise UserError(f"{requirement.crn} is a case of another PDU.")
    facts = session_facts_of(row, project)
    warnings = _warnings(session, facts, person_id)
    if not warnings and session.scalar(
        select(UpwPlacement.id).where(
            UpwPlacement.session_id == row.id, UpwPlacement.person_id == person_id
        )
    ):
        raise UserError(f"{requirement.name} is already booked on {facts.described}.")
    refused = refusals(warnings)
    if refused:
        raise BookingRefused("; ".join(w.message for w in refused) + ". The booking was refused.")
    asking = tuple(w for w in warnings if w.severity is Severity.NEEDS_REASON)
    if asking and not reason.strip():
        raise BookingNeedsReason(
            "; ".join(w.message for w in asking) + ". Record a reason to book anyway.", asking
        )
    lock(session, UpwSession, row.id, expected_version)
    placement = UpwPlacement(
        session_id=row.id,
        requirement_id=requirement.id,
        person_id=person_id,
        rebooked_from_id=rebooked_from,
        override_reason=reason.strip() if asking else "",
        booked_at=clock.now().replace(tzinfo=None),
        booked_by=actor.user_id,
    )
    session.add(placement)
    session.flush()
    audit.record(
        session,
        actor,
        "upw.rebooked" if rebooked_from else "upw.booked",
        "upw_session",
        row.id,
        summary=f"{requirement.crn} booked on {facts.described}",
        after={
            "placement_id": placement.id,
            "person_id": person_id,
            "rebooked_from": rebooked_from,
            "reason": placement.override_reason,
            "rules": [w.rule.value for w in asking],
        },
    )
    return placement.id


@write_service(*access.MANAGING, action=access.BOOK)
def book(
    session: Session,
    actor: Actor,
    session_id: int,
    expected_version: int,
    person_id: int,
    reason: str = "",
) -> int:
    """Book a person onto a session; returns the booking's id."""
    return _place(session, actor, session_id, expected_version, person_id, reason)


@write_service(*access.MANAGING, action=access.BOOK)
def unbook(session: Session, actor: Actor, placement_id: int, expected_version: int) -> int:
    """Take a person off a session they have no outcome for yet; returns the session's id."""
    placement = session.get(UpwPlacement, placement_id)
    if placement is None:
        raise NotFound("That booking no longer exists.")
    row, project = _session(session, placement.session_id)
    access.require_pdu(actor, project.pdu_id, "book people onto sessions")
    has_outcome = session.scalar(
        select(UpwAttendance.id).where(UpwAttendance.placement_id == placement.id)
    )
    if has_outcome is not None:
        raise UserError("An outcome is recorded for this booking: it stays on the record.")
    if session.scalar(select(UpwPlacement.id).where(UpwPlacement.rebooked_from_id == placement.id)):
        raise UserError("This booking has been rebooked: it stays on the record.")
    lock(session, UpwSession, row.id, expected_version)
    session.delete(placement)
    audit.record(
        session,
        actor,
        "upw.unbooked",
        "upw_session",
        row.id,
        summary=f"Booking taken off {project.name} on {format_date(row.day)}",
        before={"placement_id": placement_id, "person_id": placement.person_id},
    )
    return row.id


@write_service(*access.RECORDING, action=access.REBOOK)
def rebook(
    session: Session,
    actor: Actor,
    placement_id: int,
    session_id: int,
    expected_version: int,
    reason: str = "",
) -> int:
    """Rebook a person a stand-down sent away onto another session, in one step."""
    old = session.get(UpwPlacement, placement_id)
    if old is None:
        raise NotFound("That booking no longer exists.")
    _row, was = _session(session, old.session_id)
    access.require_pdu(actor, was.pdu_id, "rebook people")
    outcome = session.scalar(
        select(UpwAttendance.outcome).where(UpwAttendance.placement_id == old.id)
    )
    if outcome not in ("AASD", "ATSS", "RSSR"):
        raise UserError("Only a booking stood down or rescheduled by the service is rebooked.")
    again = session.scalar(select(UpwPlacement.id).where(UpwPlacement.rebooked_from_id == old.id))
    if again is not None:
        raise ConflictError("This person has already been rebooked; nothing was changed.")
    if session_id == old.session_id:
        raise UserError("Choose another session to rebook onto.")
    target, _project = _session(session, session_id)
    if target.day < clock.today():
        raise UserError("Rebook onto a session from today on.")
    return _place(session, actor, session_id, expected_version, old.person_id, reason, old.id)
