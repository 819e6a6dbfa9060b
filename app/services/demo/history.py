"""The demo's latest allocations, made through the allocation service (SPEC.md 6).

The demo's older history is written in bulk; the allocations of its last 14
days are made by its SPO (in their own team) and its Head of PDU (elsewhere)
through the same service the window uses, so the audit log holds them one
by one and ``pdu-manager db check`` verifies a real chain.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db.models import Allocation, Person, Staff
from app.services.allocation.writes import allocate
from app.services.core.changes import Kind
from app.services.core.errors import UserError
from app.services.core.team_access import spo_teams
from app.services.core.unit_of_work import touch
from app.services.demo.users import DemoUsers

RECENT_DAYS = 14
DEMO_REASON = "Demo: the SPO's judgement of the case and the practitioner"


def split_recent(
    rows: list[dict[str, Any]], today: date, keep_in_bulk: frozenset[int] = frozenset()
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(written in bulk, made through the service): first allocations of the last 14 days,
    but for the cases in ``keep_in_bulk``."""
    recent = [
        r
        for r in rows
        if r["end_date"] is None
        and r["reason"] is None
        and (today - r["start_date"]).days < RECENT_DAYS
        and r["person_id"] not in keep_in_bulk
    ]
    chosen = {id(r) for r in recent}
    return [r for r in rows if id(r) not in chosen], recent


def allocate_recent(session: Session, users: DemoUsers, rows: list[dict[str, Any]]) -> int:
    """Allocate each case through the service, oldest first; how many went that way.

    A case the service refuses (a rule the synthetic plan did not foresee) is
    written as planned, so the demo stays whole.
    """
    own = spo_teams(session, users.spo)
    made = 0
    for row in sorted(rows, key=lambda r: (r["start_date"], r["recorded_at"], r["person_id"])):
        team = session.scalar(select(Staff.team_id).where(Staff.id == row["staff_id"]))
        actor = users.spo if team in own else users.head
        version = session.scalar(select(Person.version).where(Person.id == row["person_id"]))
        try:
            with session.begin_nested():
                allocate(
                    session,
                    actor,
                    row["person_id"],
                    row["staff_id"],
                    int(version or 1),
                    note="First allocation",
                    policy_reason=row["policy_reason"] or DEMO_REASON,
                    confirmed=True,
                    as_at=row["start_date"],
                )
            made += 1
        except UserError:
            session.execute(insert(Allocation), [row | {"allocated_by": users.head.user_id}])
            touch(session, Kind.CASE, [row["person_id"]])  # refreshed once, at commit
    return made
