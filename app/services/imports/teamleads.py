"""Imported SPOs lead their team (SPEC.md 3: a team is led by one SPO).

A staff row with grade SPO and a team makes them that team's SPO when the
team has none (a team the extract creates has none); when the team already
has another SPO, the current one is kept and the preview says so. Changing a
team's SPO stays the Head of PDU's decision, on the Teams screen. A leaver
leads nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db.models import Staff, Team
from app.domain.codes import Grade
from app.services.imports.lookups import chunks
from app.services.imports.report import Finding
from app.services.imports.staffrows import StaffRow

TeamRef = int | tuple[int, str]  # a stored team's id, or (PDU id, key) of one to create


@dataclass(frozen=True)
class Lead:
    """An SPO of the extract and the team they are to lead, or whose SPO is kept."""

    team: TeamRef
    staff_code: str
    name: str
    current: str = ""  # the SPO kept, when the team has one


@dataclass
class TeamLeads:
    """Who the import makes a team's SPO, and who it leaves under another SPO."""

    leads: list[Lead] = field(default_factory=list)
    kept: list[Lead] = field(default_factory=list)

    @classmethod
    def plan(
        cls,
        session: Session,
        staff: Mapping[str, StaffRow],
        stored: Mapping[str, Any],
        team_of: Callable[[StaffRow], TeamRef | None],
        as_at: date,
    ) -> TeamLeads:
        """The decisions for the extract's SPOs, in the order of the file."""
        leaders: dict[int, int | None] = dict(session.execute(select(Team.id, Team.spo_id)).all())
        names = _names(session, {spo for spo in leaders.values() if spo is not None})
        found = cls()
        chosen: dict[TeamRef, Lead] = {}
        for code, row in staff.items():
            team = team_of(row)
            if row.grade != Grade.SPO or team is None:
                continue
            if row.leave_date is not None and row.leave_date <= as_at:
                continue
            name = f"{row.forename} {row.surname}"
            leader = leaders.get(team) if isinstance(team, int) else None
            own = stored.get(code)
            if leader is not None and own is not None and leader == own.id:
                continue  # leads it already
            if team in chosen:
                found.kept.append(Lead(team, code, name, chosen[team].name))
            elif leader is None:
                chosen[team] = lead = Lead(team, code, name)
                found.leads.append(lead)
            else:
                found.kept.append(Lead(team, code, name, names.get(leader, "another SPO")))
        return found

    def notes(self, teams: Mapping[Any, str]) -> tuple[str, ...]:
        return tuple(
            f"{lead.name} ({lead.staff_code}) becomes the SPO of {teams[lead.team]}, "
            "which has none."
            for lead in self.leads
        )

    def findings(self, teams: Mapping[Any, str]) -> list[Finding]:
        return [
            Finding(
                "team_spo",
                lead.staff_code,
                lead.name,
                f"{teams[lead.team]} already has an SPO, {lead.current}, who is kept: "
                f"{lead.name} joins the team without leading it (the Head of PDU can change "
                "a team's SPO on the Teams screen)",
            )
            for lead in self.kept
        ]

    def write(self, session: Session, created: Mapping[tuple[int, str], int]) -> list[int]:
        """Make each SPO their team's SPO while it still has none; the teams changed."""
        codes = [lead.staff_code for lead in self.leads]
        ids: dict[str, int] = {}
        for chunk in chunks(codes):
            query = select(Staff.staff_code, Staff.id).where(Staff.staff_code.in_(chunk))
            ids.update({code.upper(): staff_id for code, staff_id in session.execute(query)})
        changed = []
        for lead in self.leads:
            team_id = created[lead.team] if isinstance(lead.team, tuple) else lead.team
            done = session.execute(
                update(Team)
                .where(Team.id == team_id, Team.spo_id.is_(None))
                .values(spo_id=ids[lead.staff_code.upper()], version=Team.version + 1)
            )
            if done.rowcount:  # type: ignore[attr-defined]
                changed.append(team_id)
        return changed

    def audit(self, teams: Mapping[Any, str]) -> dict[str, str]:
        """Each team given an SPO, by name, with the SPO's staff code."""
        return {teams[lead.team]: lead.staff_code for lead in self.leads}


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(Staff.id, Staff.forename, Staff.surname).where(Staff.id.in_(sorted(ids)))
    return {staff_id: f"{f} {s}" for staff_id, f, s in session.execute(query)}
