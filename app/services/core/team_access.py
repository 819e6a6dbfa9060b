"""Who may change a team: the Head of PDU, or the SPO who leads it (SPEC.md 1).

"SPO: ... edit their team's PODs"; the Head of PDU sees and manages
everything in the PDU. Checked in the service layer, not only by hiding
buttons (SPEC.md 1).
"""

from __future__ import annotations

from app.db.models import Team
from app.domain.codes import Role
from app.services.core.actor import Actor
from app.services.core.errors import PermissionDenied


def _refuse(actor: Actor, action: str, needs: str) -> PermissionDenied:
    return PermissionDenied(
        f"{actor.display_name} ({actor.role.label}) may not {action}: this needs {needs}."
    )


def require_head(actor: Actor, pdu_id: int, action: str) -> None:
    """Only the Head of PDU (of this PDU, when the account names one)."""
    if actor.role is not Role.HEAD_OF_PDU or actor.pdu_id not in (None, pdu_id):
        raise _refuse(actor, action, "the Head of PDU")


def leads(actor: Actor, team: Team | None) -> bool:
    """Whether the actor is the SPO who leads this team."""
    return (
        team is not None
        and actor.role is Role.SPO
        and actor.staff_id is not None
        and actor.staff_id == team.spo_id
    )


def require_team(actor: Actor, team: Team | None, action: str) -> None:
    """The Head of PDU, or the SPO of ``team``; a person in no team needs the Head."""
    if actor.role is Role.HEAD_OF_PDU and (team is None or actor.pdu_id in (None, team.pdu_id)):
        return
    if not leads(actor, team):
        raise _refuse(actor, action, "the Head of PDU or the team's SPO")
