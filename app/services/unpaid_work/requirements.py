"""Unpaid work requirements: kept in step with the caseload extract, and what the app records.

A sentence ordering unpaid work hours has one requirement record. The caseload
extract gives the hours ordered, the hours completed as at its import (kept
with that day: "hours from two sources", issue 18) and whether working is
intensive; :func:`sync_requirements` keeps the records in step after an
import or the demo. What the app owns is recorded here: the assessment,
induction, start and review dates (these win over the extract's), a woman's
consent to work in an all-male group, completion or termination, and a
court's extension of the 12 months with its new date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.bulk import bulk_insert
from app.db.models import Event, Person
from app.db.upw_models import UpwRequirement
from app.domain.parsing import format_date
from app.domain.unpaid_work import minutes_from_hours
from app.domain.unpaid_work_deadlines import MilestoneKind, RequirementFacts
from app.domain.unpaid_work_hours import ExtractHours, prefer_app_date
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.changes import Kind
from app.services.core.errors import NotFound, UserError
from app.services.core.permissions import write_service
from app.services.core.unit_of_work import touch
from app.services.unpaid_work import access
from app.services.unpaid_work.locks import lock


@dataclass(frozen=True)
class RequirementRecord:
    """One requirement with its sentence, as the rules need it."""

    id: int
    person_id: int
    pdu_id: int
    crn: str
    name: str
    ordered_minutes: int
    extract: ExtractHours | None
    ete_share_percent: float | None
    all_male_group_consent: bool
    facts: RequirementFacts
    version: int


def chunks(items: list[int], size: int = 500) -> list[list[int]]:
    """Slices small enough for an SQL ``IN`` list."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def _minutes(hours: float | None) -> int | None:
    return None if hours is None else minutes_from_hours(max(0.0, hours))


def sync_requirements(
    session: Session, person_ids: Iterable[int] | None = None, as_at: date | None = None
) -> list[int]:
    """Create or update the requirement of each sentence ordering hours; the ids touched.

    ``person_ids`` limits it to those people (None: everyone). The extract's
    hours completed are dated ``as_at`` only when they change, so importing
    the same extract again changes nothing.
    """
    day = as_at or clock.today()
    query = (
        select(
            Event.id,
            Event.person_id,
            Event.upw_hours_ordered,
            Event.upw_hours_completed,
            Event.upw_intensive,
            UpwRequirement,
        )
        .outerjoin(UpwRequirement, UpwRequirement.event_id == Event.id)
        .where(Event.upw_hours_ordered > 0)
    )
    people = None if person_ids is None else sorted(set(person_ids))
    batches = [None] if people is None else list(chunks(people))
    new: list[dict[str, Any]] = []
    touched: list[int] = []
    for batch in batches:
        limited = query if batch is None else query.where(Event.person_id.in_(batch))
        for event_id, person_id, ordered, done, intensive, req in session.execute(limited):
            values = {
                "ordered_minutes": _minutes(ordered) or 0,
                "extract_completed_minutes": _minutes(done),
                "intensive": bool(intensive),
            }
            if req is None:
                new.append(_new_requirement(event_id, person_id, values, day))
            elif _update(req, values, day):
                touched.append(req.id)
    bulk_insert(session, UpwRequirement, new)
    if new:
        touch(session, Kind.UPW_REQUIREMENT, bulk=True)
    session.flush()
    return touched


def _new_requirement(
    event_id: int, person_id: int, values: dict[str, Any], day: date
) -> dict[str, Any]:
    return values | {
        "event_id": event_id,
        "person_id": person_id,
        "extract_on": day,
        "all_male_group_consent": False,
        "extension_note": "",
        "version": 1,
    }


def _update(req: UpwRequirement, values: dict[str, Any], day: date) -> bool:
    changed = False
    if values["extract_completed_minutes"] != req.extract_completed_minutes:
        req.extract_completed_minutes = values["extract_completed_minutes"]
        req.extract_on = day
        changed = True
    for name in ("ordered_minutes", "intensive"):
        if getattr(req, name) != values[name]:
            setattr(req, name, values[name])
            changed = True
    return changed


def _facts(req: UpwRequirement, event: Event) -> RequirementFacts:
    return RequirementFacts(
        sentence_date=event.sentence_date,
        intensive=req.intensive,
        assessed_on=prefer_app_date(req.assessed_on, event.upw_assessment_date),
        started_on=prefer_app_date(req.started_on, event.upw_start_date),
        first_review_on=req.first_review_on,
        second_review_on=req.second_review_on,
        completed_on=req.completed_on,
        terminated_on=req.terminated_on,
        extended_to=req.extended_to,
    )


def record_of(req: UpwRequirement, event: Event, person: Person) -> RequirementRecord:
    extract = None
    if req.extract_completed_minutes is not None and req.extract_on is not None:
        extract = ExtractHours(req.extract_completed_minutes, req.extract_on)
    return RequirementRecord(
        id=req.id,
        person_id=person.id,
        pdu_id=person.pdu_id,
        crn=person.crn,
        name=f"{person.forename} {person.surname}",
        ordered_minutes=req.ordered_minutes,
        extract=extract,
        ete_share_percent=req.ete_share_percent,
        all_male_group_consent=req.all_male_group_consent,
        facts=_facts(req, event),
        version=req.version,
    )


def load_requirements(session: Session, person_id: int) -> list[RequirementRecord]:
    """A person's requirements, the latest sentence first."""
    rows = session.execute(
        select(UpwRequirement, Event, Person)
        .join(Event, Event.id == UpwRequirement.event_id)
        .join(Person, Person.id == UpwRequirement.person_id)
        .where(UpwRequirement.person_id == person_id)
        .order_by(Event.sentence_date.desc(), UpwRequirement.id.desc())
    ).all()
    return [record_of(req, event, person) for req, event, person in rows]


def current_requirement(session: Session, person_id: int, as_at: date) -> RequirementRecord:
    """The running requirement a booking counts against: the latest one still running."""
    for record in load_requirements(session, person_id):
        if record.facts.is_running(as_at):
            return record
    raise UserError("This person has no unpaid work requirement running: there is nothing to book.")


def _scoped(
    session: Session, actor: Actor, requirement_id: int
) -> tuple[UpwRequirement, Event, Person]:
    """The requirement, its sentence and person, of a PDU the actor covers."""
    found = session.execute(
        select(UpwRequirement, Event, Person)
        .join(Event, Event.id == UpwRequirement.event_id)
        .join(Person, Person.id == UpwRequirement.person_id)
        .where(UpwRequirement.id == requirement_id)
    ).first()
    if found is None:
        raise NotFound("That unpaid work requirement no longer exists.")
    access.require_pdu(actor, found[2].pdu_id, "record requirements")
    return found[0], found[1], found[2]


# --- what the app records ------------------------------------------------------------

_MILESTONE_FIELDS = {
    MilestoneKind.ASSESSMENT: "assessed_on",
    MilestoneKind.START: "started_on",
    MilestoneKind.FIRST_REVIEW: "first_review_on",
    MilestoneKind.SECOND_REVIEW: "second_review_on",
}
INDUCTION = "induction"


def _write(
    session: Session,
    actor: Actor,
    requirement_id: int,
    expected_version: int,
    values: dict[str, Any],
    summary: str,
) -> int:
    req, _event, person = _scoped(session, actor, requirement_id)
    lock(session, UpwRequirement, req.id, expected_version)
    before = {name: getattr(req, name) for name in values}
    for name, value in values.items():
        setattr(req, name, value)
    audit.record(
        session,
        actor,
        "upw.requirement.recorded",
        "upw_requirement",
        req.id,
        summary=f"{person.crn}: {summary}",
        before=before,
        after=values,
    )
    return req.id


@write_service(*access.RECORDING, action=access.RECORD_REQUIREMENT)
def record_milestone(
    session: Session,
    actor: Actor,
    requirement_id: int,
    expected_version: int,
    milestone: MilestoneKind | str,
    day: date | None,
) -> int:
    """Record (or clear, with None) the day of an assessment, induction, start or review."""
    if milestone == INDUCTION:
        name, label = "induction_on", "induction"
    else:
        kind = MilestoneKind(milestone)
        if kind not in _MILESTONE_FIELDS:
            raise UserError("Record completion as the requirement's ending.")
        name, label = _MILESTONE_FIELDS[kind], kind.label.lower()
    if day is not None and day > clock.today():
        raise UserError(f"The {label} cannot be recorded for a day still to come.")
    said = format_date(day) if day else "cleared"
    return _write(session, actor, requirement_id, expected_version, {name: day}, f"{label} {said}")


@write_service(*access.RECORDING, action=access.RECORD_REQUIREMENT)
def record_consent(
    session: Session, actor: Actor, requirement_id: int, expected_version: int, consent: bool
) -> int:
    """A woman's recorded choice to work in an all-male group (DOMAIN.md 5)."""
    values: dict[str, Any] = {
        "all_male_group_consent": consent,
        "consent_recorded_on": clock.today() if consent else None,
    }
    said = "consents" if consent else "does not consent"
    summary = f"{said} to work in an all-male group"
    return _write(session, actor, requirement_id, expected_version, values, summary)


@write_service(*access.RECORDING, action=access.RECORD_REQUIREMENT)
def record_ending(
    session: Session,
    actor: Actor,
    requirement_id: int,
    expected_version: int,
    ending: str,
    day: date | None,
) -> int:
    """Mark the requirement completed or terminated on a day (None clears both)."""
    if ending not in ("completed", "terminated"):
        raise UserError("A requirement ends completed or terminated.")
    if day is not None and day > clock.today():
        raise UserError("A requirement cannot end on a day still to come.")
    values: dict[str, Any] = {"completed_on": None, "terminated_on": None}
    if day is not None:
        values[f"{ending}_on"] = day
    said = f"{ending} on {format_date(day)}" if day else "no longer ended"
    return _write(session, actor, requirement_id, expected_version, values, said)


@write_service(*access.RECORDING, action=access.RECORD_REQUIREMENT)
def record_extension(
    session: Session,
    actor: Actor,
    requirement_id: int,
    expected_version: int,
    extended_to: date | None,
    ordered_on: date | None = None,
    note: str = "",
) -> int:
    """A court's extension of the 12 months, with its new completion date (None removes it)."""
    _req, event, _person = _scoped(session, actor, requirement_id)
    if extended_to is not None and extended_to <= event.sentence_date:
        raise UserError("The extended completion date must come after the sentence date.")
    values: dict[str, Any] = {
        "extended_to": extended_to,
        "extension_ordered_on": (ordered_on or clock.today()) if extended_to else None,
        "extension_note": note.strip() if extended_to else "",
    }
    said = f"extended to {format_date(extended_to)}" if extended_to else "extension removed"
    return _write(session, actor, requirement_id, expected_version, values, said)
