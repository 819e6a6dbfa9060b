"""Who may do what with a weekly return (SPEC.md 1): the roles and the scope.

Admin staff build and export returns, and so may the Head of PDU; the
command line's system account builds and exports too. Only the Head of PDU
signs a return off, and only the Head of PDU rebuilds a week as a
correction. Everyone may see the figures of a PDU they cover (the Overview,
the preview, the history: counts only). Nobody acts on another PDU's
return.

The services carry the roles in their decorators
(:mod:`app.services.core.permissions`); the scope is checked in their
bodies with :func:`own_pdu`.
"""

from __future__ import annotations

from app.domain.codes import Role
from app.services.core.actor import Actor
from app.services.core.permissions import EVERY_ROLE

BUILD: tuple[Role, ...] = (Role.ADMIN, Role.HEAD_OF_PDU, Role.SYSTEM)
BUILD_ACTION = "build and export weekly returns"

SIGN_OFF: tuple[Role, ...] = (Role.HEAD_OF_PDU,)
SIGN_OFF_ACTION = "sign off a weekly return"

CORRECT: tuple[Role, ...] = (Role.HEAD_OF_PDU,)
CORRECT_ACTION = "rebuild a weekly return as a correction"

SEE: tuple[Role, ...] = EVERY_ROLE
SEE_ACTION = "see the weekly return"


def own_pdu(actor: Actor, pdu_id: int, action: str) -> None:
    """Refuse a return of a PDU the actor does not cover."""
    actor.require_pdu(pdu_id, action)
