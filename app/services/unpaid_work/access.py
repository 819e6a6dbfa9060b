"""Who may do what in unpaid work (SPEC.md 1), one small function per rule.

The unpaid work manager manages projects, sessions, supervisors and
placements; the unpaid work manager and case administrators record
attendance and stand-downs (and rebook the people a stand-down sent away,
the one step that follows it); SPOs and the Head of PDU read. Each rule is
its own function so that it can follow the signed-in user's several roles
and scopes when they arrive.
"""

from __future__ import annotations

from app.domain.codes import Role
from app.services.core.actor import Actor

MANAGING = (Role.UPW_MANAGER,)
RECORDING = (Role.UPW_MANAGER, Role.ADMIN)
IMPORTING = (Role.UPW_MANAGER, Role.ADMIN, Role.SYSTEM)


def require_manage_projects(actor: Actor) -> None:
    actor.require(*MANAGING, action="manage unpaid work projects")


def require_manage_sessions(actor: Actor) -> None:
    actor.require(*MANAGING, action="manage unpaid work sessions")


def require_assign_supervisors(actor: Actor) -> None:
    actor.require(*MANAGING, action="assign unpaid work supervisors")


def require_book(actor: Actor) -> None:
    actor.require(*MANAGING, action="book people onto unpaid work sessions")


def require_record_attendance(actor: Actor) -> None:
    actor.require(*RECORDING, action="record unpaid work attendance")


def require_stand_down(actor: Actor) -> None:
    actor.require(*RECORDING, action="stand down unpaid work sessions")


def require_rebook(actor: Actor) -> None:
    actor.require(*RECORDING, action="rebook people after a stand-down")


def require_record_requirement(actor: Actor) -> None:
    actor.require(*RECORDING, action="record unpaid work requirement details")


def require_import(actor: Actor) -> None:
    actor.require(*IMPORTING, action="import unpaid work files")


def require_pdu(actor: Actor, pdu_id: int, action: str) -> None:
    """Work only in a PDU the actor covers."""
    actor.require_pdu(pdu_id, action)
