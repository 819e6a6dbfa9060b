"""What a caseload extract means for unpaid work: requirements kept in step, dates compared.

An assessment or start date recorded in the app wins over the extract's
("hours from two sources", issue 18); the import preview names each case
where the two differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Event, Person
from app.db.upw_models import UpwRequirement
from app.domain.parsing import format_date
from app.domain.unpaid_work_hours import dates_conflict

_COMPARED = (
    ("upw_assessment_date", "assessed_on", "assessment"),
    ("upw_start_date", "started_on", "start"),
)


def date_conflicts(
    session: Session, events: Mapping[str, Mapping[date, Mapping[str, Any]]]
) -> list[str]:
    """Preview notes: the CRN's unpaid work dates in the app that differ from the extract's.

    ``events`` maps a CRN to the extract's sentences by sentence date.
    """
    crns = sorted(events)
    notes: list[str] = []
    for start in range(0, len(crns), 500):
        chunk = crns[start : start + 500]
        rows = session.execute(
            select(Person.crn, Event.sentence_date, UpwRequirement)
            .join(Event, Event.person_id == Person.id)
            .join(UpwRequirement, UpwRequirement.event_id == Event.id)
            .where(
                Person.crn.in_(chunk),
                (UpwRequirement.assessed_on.is_not(None))
                | (UpwRequirement.started_on.is_not(None)),
            )
            .order_by(Person.crn)
        ).all()
        for crn, sentenced, req in rows:
            given = events.get(crn, {}).get(sentenced, {})
            notes += _notes(crn, given, req)
    return notes


def _notes(crn: str, given: Mapping[str, Any], req: UpwRequirement) -> Iterable[str]:
    for column, field, label in _COMPARED:
        theirs, ours = given.get(column), getattr(req, field)
        if dates_conflict(ours, theirs):
            yield (
                f"{crn}: the unpaid work {label} date recorded in the app ({format_date(ours)}) "
                f"differs from the extract's ({format_date(theirs)}); the app's is kept."
            )
