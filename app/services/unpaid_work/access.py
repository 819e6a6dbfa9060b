"""Who may do what in unpaid work (SPEC.md 1): the roles its services are registered with.

The unpaid work manager manages projects, sessions, supervisors and
placements; the unpaid work manager and case administrators record
attendance and stand-downs (and rebook the people a stand-down sent away,
the one step that follows it) and requirement details; every signed-in
role reads the unpaid work of the PDUs they cover (the unpaid work imports name
their own roles, in ``app.services.imports``). Each service carries
:func:`app.services.core.permissions.write_service` (or ``guarded_read``)
with one of these tuples and checks its PDU with :func:`require_pdu`.
"""

from __future__ import annotations

from app.domain.codes import Role
from app.services.core.actor import Actor
from app.services.core.permissions import EVERY_ROLE

MANAGING = (Role.UPW_MANAGER,)
RECORDING = (Role.UPW_MANAGER, Role.ADMIN)
READING = EVERY_ROLE
"""Reads are open to every role: the scope (the PDUs covered) is what limits them."""

MANAGE_PROJECTS = "manage unpaid work projects"
MANAGE_SESSIONS = "manage unpaid work sessions"
ASSIGN_SUPERVISORS = "assign unpaid work supervisors"
BOOK = "book people onto unpaid work sessions"
RECORD_ATTENDANCE = "record unpaid work attendance"
STAND_DOWN = "stand down unpaid work sessions"
REBOOK = "rebook people after a stand-down"
RECORD_REQUIREMENT = "record unpaid work requirement details"
SEE = "see unpaid work"


def require_pdu(actor: Actor, pdu_id: int, action: str) -> None:
    """Work only in a PDU the actor covers."""
    actor.require_pdu(pdu_id, action)
