"""What the store already holds for the people of an extract, read in a few bulk queries."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from app.db.models import ASSESSMENT_FIELDS, Allocation, Assessment, Event, Person, TierRecord
from app.db.readmodel import latest_by_person
from app.services.imports.lookups import chunks

PERSON_FIELDS = (
    "forename",
    "surname",
    "date_of_birth",
    "gender",
    "pdu_id",
    "female_practitioner_requested",
)
EVENT_FIELDS = (
    "sentence_type",
    "sentence_date",
    "release_date",
    "end_date",
    "requirements",
    "upw_hours_ordered",
    "upw_hours_completed",
    "upw_assessment_date",
    "upw_start_date",
    "upw_intensive",
)


@functools.lru_cache(maxsize=4096)
def codes_text(text: str | None) -> str:
    """Stored codes (``UPW;RAR``) in the order the importer writes them, to compare fairly."""
    return ";".join(sorted(filter(None, (text or "").split(";"))))


@functools.lru_cache(maxsize=4096)
def needs_text(text: str | None) -> str:
    """Stored needs (a JSON object) with its keys in order, to compare fairly."""
    return json.dumps(json.loads(text or "{}"), sort_keys=True)


def stored_assessment(row: Row[Any]) -> dict[str, Any]:
    """An assessment's fields, with codes and needs written as the importer writes them."""
    values = {name: getattr(row, name) for name in ASSESSMENT_FIELDS}
    values["needs"] = needs_text(values["needs"])
    values["complexity_factors"] = codes_text(values["complexity_factors"])
    return values


@dataclass
class Existing:
    """Stored records of the extract's people, keyed for matching (CRN, sentence date)."""

    people: dict[str, Row[Any]] = field(default_factory=dict)
    events: dict[int, dict[date, Row[Any]]] = field(default_factory=dict)
    assessments: dict[int, dict[str, Any]] = field(default_factory=dict)
    allocations: dict[int, Row[Any]] = field(default_factory=dict)
    tiers: dict[int, Row[Any]] = field(default_factory=dict)


def load_existing(session: Session, crns: Sequence[str]) -> Existing:
    """People with these CRNs, with their events, latest assessment, tier and allocation."""
    found = Existing()
    person_columns = [getattr(Person, name) for name in ("id", "crn", "ended_on", "version")]
    person_columns += [getattr(Person, name) for name in PERSON_FIELDS]
    for chunk in chunks(sorted(crns)):
        for row in session.execute(select(*person_columns).where(Person.crn.in_(chunk))):
            found.people[row.crn] = row
    ids = sorted(row.id for row in found.people.values())
    for row in _rows(session, Event, ("id", "person_id", *EVENT_FIELDS, "ended_on"), ids):
        found.events.setdefault(row.person_id, {})[row.sentence_date] = row
    found.assessments = {
        person_id: stored_assessment(row)
        for person_id, row in _latest(
            session, Assessment, ("id", "person_id", *ASSESSMENT_FIELDS), ids
        ).items()
    }
    tier_fields = ("id", "person_id", "tier", "unsupervised", "source")
    found.tiers = _latest(session, TierRecord, tier_fields, ids)
    for row in _rows(
        session,
        Allocation,
        ("id", "person_id", "staff_id", "start_date"),
        ids,
        Allocation.end_date.is_(None),
    ):
        current = found.allocations.get(row.person_id)
        if current is None or (row.start_date, row.id) > (current.start_date, current.id):
            found.allocations[row.person_id] = row
    return found


def _rows(
    session: Session, model: Any, names: Iterable[str], ids: Sequence[int], *where: Any
) -> Iterable[Row[Any]]:
    columns = [getattr(model, name) for name in names]
    for chunk in chunks(ids):
        query = select(*columns).where(model.person_id.in_(chunk), *where).order_by(model.id)
        yield from session.execute(query)


def _latest(
    session: Session, model: Any, names: Iterable[str], ids: Sequence[int]
) -> dict[int, Row[Any]]:
    """The last row (highest id) per person."""
    return latest_by_person(_rows(session, model, names, ids))


def open_cases_of(session: Session, pdu_ids: Iterable[int]) -> list[Row[Any]]:
    """Every case of these PDUs that is not ended: what a snapshot of them should hold."""
    wanted = sorted(set(pdu_ids))
    if not wanted:
        return []
    query = (
        select(Person.id, Person.crn, Person.forename, Person.surname, Person.version)
        .where(Person.pdu_id.in_(wanted), Person.ended_on.is_(None))
        .order_by(Person.crn)
    )
    return list(session.execute(query))
