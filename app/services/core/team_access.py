"""Who may change a team: the Head of PDU, or the SPO who leads it (SPEC.md 1).

"SPO: ... edit their team's PODs"; the Head of PDU sees and manages
everything in the PDUs they cover. Checked in the service layer, not only by
hiding buttons (SPEC.md 1).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Staff, Team
from app.domain.codes import Role
from app.services.core.actor import Actor
from app.services.core.errors import PermissionDenied


def _refuse(actor: Actor, action: str, needs: str) -> PermissionDenied:
    return PermissionDenied(
        f"{actor.display_name} ({actor.roles_label}) may not {action}: this needs {needs}."
    )


def is_head_of(actor: Actor, pdu_id: int | None) -> bool:
    """The actor is a Head of PDU covering this PDU."""
    return actor.has(Role.HEAD_OF_PDU) and actor.covers(pdu_id)


def require_head(actor: Actor, pdu_id: int, action: str) -> None:
    """Only the Head of PDU of this PDU."""
    if not is_head_of(actor, pdu_id):
        raise _refuse(actor, action, "the Head of PDU")


def leads(actor: Actor, team: Team | None) -> bool:
    """Whether the actor is an SPO of this team: its SPO, or given it in Administration."""
    return (
        team is not None
        and actor.has(Role.SPO)
        and actor.covers(team.pdu_id)
        and (
            team.id in actor.team_ids
            or (actor.staff_id is not None and actor.staff_id == team.spo_id)
        )
    )


def spo_teams(session: Session, actor: Actor) -> set[int]:
    """The teams an SPO works in: given in Administration, led, or the one they sit in."""
    if not actor.has(Role.SPO):
        return set()
    teams = set(actor.team_ids)
    if actor.staff_id is not None:
        teams |= set(session.scalars(select(Team.id).where(Team.spo_id == actor.staff_id)))
        own = session.scalar(select(Staff.team_id).where(Staff.id == actor.staff_id))
        if own is not None:
            teams.add(own)
    return teams


def require_team(actor: Actor, team: Team | None, action: str, *, pdu_id: int | None) -> None:
    """The Head of PDU, or the SPO of ``team``; a person in no team needs the Head.

    ``pdu_id``: the PDU of the record changed (a team's own, or a member of staff's).
    """
    if is_head_of(actor, team.pdu_id if team is not None else pdu_id):
        return
    if team is None:
        raise _refuse(actor, action, "the Head of PDU")
    if not leads(actor, team):
        raise _refuse(actor, action, "the Head of PDU or the team's SPO")
