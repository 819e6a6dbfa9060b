"""Erasing victims' personal details a set time after their VCS case closes (issue 19).

Run by the daily upkeep (:func:`app.services.caseload.upkeep.run_daily`):
for every closed case whose erasure date has come (the setting
``vcs_erase_months_after_closure`` in force that day, for the case's PDU),
each victim's name, contact details and notes, and every note on the case's
tasks and contacts, are blanked. Nothing needs opening to erase, so whoever
has the window open runs it. The case, its victims' relationships and
choices, its dates and its tasks stay: the weekly return's counts are
unchanged. The audit entry names the fields erased and the cases, never a
value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.victim_models import VcsCase, Victim, VictimContact, VictimTask
from app.domain.victims_retention import erase_due_on
from app.services.core import audit, settings
from app.services.core.actor import Actor
from app.services.core.changes import Kind
from app.services.core.permissions import EVERY_ROLE, write_service
from app.services.core.unit_of_work import touch
from app.services.victims.fields import SEALED_COLUMNS

SETTING = "vcs_erase_months_after_closure"


@dataclass(frozen=True)
class Erasure:
    """What one run erased: how many cases and victims, and which fields (never values)."""

    case_refs: tuple[str, ...] = ()
    victims: int = 0
    fields: tuple[str, ...] = ()

    @property
    def cases(self) -> int:
        return len(self.case_refs)


def cases_due(session: Session, as_at: date) -> list[VcsCase]:
    """Closed cases not yet erased whose erasure date (the setting in force) has come."""
    found = session.scalars(
        select(VcsCase)
        .where(VcsCase.closed_on.is_not(None), VcsCase.erased_on.is_(None))
        .order_by(VcsCase.id)
    )
    due = []
    for case in found:
        assert case.closed_on is not None
        months = int(settings.get(session, SETTING, as_at, case.pdu_id))
        if erase_due_on(case.closed_on, months) <= as_at:
            due.append(case)
    return due


def _blank(row: object, columns: tuple[str, ...]) -> set[str]:
    """Blank the row's sealed columns; the names of those that held something."""
    held = set()
    for column in columns:
        if getattr(row, column) is not None:
            setattr(row, column, None)
            held.add(column.removesuffix("_enc"))
    return held


def _erase_case(session: Session, case: VcsCase, as_at: date) -> tuple[int, set[str]]:
    erased: set[str] = set()
    victims = list(session.scalars(select(Victim).where(Victim.vcs_case_id == case.id)))
    for victim in victims:
        erased |= _blank(victim, SEALED_COLUMNS[Victim])
        victim.erased_on = as_at
    for model in (VictimTask, VictimContact):
        for row in session.scalars(select(model).where(model.vcs_case_id == case.id)):
            if _blank(row, SEALED_COLUMNS[model]):
                erased.add(f"{model.__tablename__}.note")
    case.erased_on = as_at
    touch(session, Kind.VICTIM, [v.id for v in victims])
    touch(session, Kind.VCS_CASE, [case.id])
    return len(victims), erased


@write_service(*EVERY_ROLE, action="erase victims' details of closed cases")
def erase_due_details(session: Session, actor: Actor, as_at: date) -> Erasure:
    """Erase the personal details of every closed case due; what was erased (counts, fields)."""
    due = cases_due(session, as_at)
    if not due:
        return Erasure()
    victims, fields = 0, set()
    for case in due:
        count, erased = _erase_case(session, case, as_at)
        victims += count
        fields |= erased
    session.flush()
    result = Erasure(tuple(c.vcs_case_ref for c in due), victims, tuple(sorted(fields)))
    audit.record(
        session,
        actor,
        "vcs.details_erased",
        "vcs_case",
        "",
        summary=f"Victims' details erased on {result.cases} closed VCS "
        f"case{'s' if result.cases != 1 else ''} ({victims} victim{'s' if victims != 1 else ''})",
        extra={
            "cases": list(result.case_refs),
            "victims": victims,
            "fields": list(result.fields),
            "setting": SETTING,
        },
    )
    return result
