"""Who may do what with a weekly return (SPEC.md 1): one small function per rule.

Admin staff build and export returns, and so may the Head of PDU; the
command line's system account builds and exports too. Only the Head of PDU
signs a return off, and only the Head of PDU rebuilds a week as a
correction. Nobody acts on another PDU's return.
"""

from __future__ import annotations

from app.domain.codes import Role
from app.services.core.actor import Actor


def _own_pdu(actor: Actor, pdu_id: int, action: str) -> None:
    actor.require_pdu(pdu_id, action)


def require_build(actor: Actor, pdu_id: int) -> None:
    """Build and export: admin, the Head of PDU, the command line."""
    actor.require(
        Role.ADMIN, Role.HEAD_OF_PDU, Role.SYSTEM, action="build and export weekly returns"
    )
    _own_pdu(actor, pdu_id, "build or export the weekly return")


def require_sign_off(actor: Actor, pdu_id: int) -> None:
    """Sign off: the Head of PDU only (never the command line)."""
    actor.require(Role.HEAD_OF_PDU, action="sign off a weekly return")
    _own_pdu(actor, pdu_id, "sign off the weekly return")


def require_correct(actor: Actor, pdu_id: int) -> None:
    """Rebuild a week from the data as it now stands: the Head of PDU only."""
    actor.require(Role.HEAD_OF_PDU, action="rebuild a weekly return as a correction")
    _own_pdu(actor, pdu_id, "correct the weekly return")
