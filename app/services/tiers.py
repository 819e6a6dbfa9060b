"""Computing and keeping the tier of each case, with its history (DOMAIN.md 3).

A new assessment recomputes the tier; a changed tier is a new history record.
A rise in protect level, or a tier that puts the case outside its
practitioner's grade, raises a review item for the allocation desk.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Allocation, Assessment, Event, Person, ReviewItem, Staff, TierRecord
from app.domain.cases import EventFacts, main_event
from app.domain.codes import Requirement, SentenceType
from app.domain.policy import check_grade
from app.domain.tiering import (
    MODEL,
    TierInputs,
    TierResult,
    assessment_is_valid,
    calculate_tier,
    mandate_for_change,
    parse_tier,
    protect_rank,
)

REVIEW_TIER_RISE = "TIER_RISE"
REVIEW_OUTSIDE_GRADE = "OUTSIDE_GRADE"
REVIEW_REASSESS = "REASSESS"


@dataclass(frozen=True)
class TierChange:
    person_id: int
    old_tier: str | None
    new_tier: str | None
    old_protect: str | None
    new_protect: str | None

    @property
    def protect_rose(self) -> bool:
        if self.new_protect is None:
            return False
        if self.old_protect is None:
            return False
        return protect_rank(self.new_protect) > protect_rank(self.old_protect)


def _requirements(text: str) -> list[Requirement]:
    return [Requirement(code) for code in text.split(";") if code]


def tier_inputs(
    person: Person,
    events: list[Event],
    assessment: Assessment | None,
    as_at: date,
    valid_weeks: int = 55,
) -> TierInputs:
    """The inputs of the tier calculation from a case's records."""
    facts = [
        EventFacts(
            e.id,
            SentenceType(e.sentence_type),
            e.sentence_date,
            e.release_date,
            e.end_date,
            e.ended_on,
        )
        for e in events
    ]
    main = main_event(facts, as_at)
    mandate = False
    if main is not None:
        event = next(e for e in events if e.id == main.event_id)
        mandate = mandate_for_change(main.sentence_type, _requirements(event.requirements))
    if assessment is None:
        return TierInputs(
            is_female=person.gender == "F", has_mandate_for_change=mandate, has_assessment=False
        )
    valid = assessment.has_full_assessment and assessment_is_valid(
        assessment.assessment_date, as_at, valid_weeks
    )
    return TierInputs(
        rosh=assessment.rosh,
        rsr_percent=assessment.rsr_percent,
        mappa_level=assessment.mappa_level,
        complexity_factors=frozenset(f for f in assessment.complexity_factors.split(";") if f),
        is_female=person.gender == "F",
        parenting_responsibilities=assessment.parenting_responsibilities,
        impulsivity_or_temper_control=assessment.impulsivity_or_temper_control,
        previous_enforcement=assessment.previous_enforcement,
        iom_nominal=assessment.iom_nominal,
        has_mandate_for_change=mandate,
        has_assessment=valid,
        ogrs_percent=assessment.ogrs_percent,
        needs=json.loads(assessment.needs or "{}"),
    )


def _record(
    person_id: int,
    result: TierResult | None,
    imported: str | None,
    as_at: date,
    assessment_id: int | None,
) -> TierRecord:
    now = clock.now().replace(tzinfo=None)
    if result is not None:
        return TierRecord(
            person_id=person_id,
            tier=result.tier,
            protect=result.protect,
            change=result.change,
            protect_points=result.protect_points,
            change_points=result.change_points,
            unsupervised=False,
            model=result.model,
            source="computed",
            explanation="\n".join(result.explanation),
            effective_date=as_at,
            assessment_id=assessment_id,
            recorded_at=now,
        )
    parsed = parse_tier(imported)
    protect, change, unsupervised = parsed if parsed else (None, None, False)
    return TierRecord(
        person_id=person_id,
        tier=f"{protect}{change}" if protect else None,
        protect=protect,
        change=change,
        unsupervised=unsupervised,
        model=MODEL,
        source="imported",
        explanation="Tier taken from the extract (no assessment to compute it from)",
        effective_date=as_at,
        assessment_id=None,
        recorded_at=now,
    )


def _latest(rows: Iterable[TierRecord | Assessment]) -> dict[int, TierRecord | Assessment]:
    latest: dict[int, TierRecord | Assessment] = {}
    for row in rows:
        latest[row.person_id] = row
    return latest


def recompute(
    session: Session,
    person_ids: Iterable[int],
    as_at: date,
    imported: dict[int, str] | None = None,
    valid_weeks: int = 55,
) -> list[TierChange]:
    """Recompute the tiers of these cases; record and return those that changed.

    ``imported`` holds an extract's tier for cases with no assessment data:
    such a tier is kept as "imported", not computed (SPEC.md 5).
    """
    ids = sorted(set(person_ids))
    imported = imported or {}
    changes: list[TierChange] = []
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(chunk)))}
        events: dict[int, list[Event]] = defaultdict(list)
        for ev in session.scalars(select(Event).where(Event.person_id.in_(chunk))):
            events[ev.person_id].append(ev)
        assessments = _latest(
            session.scalars(
                select(Assessment).where(Assessment.person_id.in_(chunk)).order_by(Assessment.id)
            )
        )
        tiers = _latest(
            session.scalars(
                select(TierRecord).where(TierRecord.person_id.in_(chunk)).order_by(TierRecord.id)
            )
        )
        for pid in chunk:
            assessment = assessments.get(pid)
            assert assessment is None or isinstance(assessment, Assessment)
            result = None
            if assessment is not None or pid not in imported:
                inputs = tier_inputs(people[pid], events[pid], assessment, as_at, valid_weeks)
                result = calculate_tier(inputs)
            record = _record(
                pid, result, imported.get(pid), as_at, assessment.id if assessment else None
            )
            old = tiers.get(pid)
            assert old is None or isinstance(old, TierRecord)
            if old is not None and (old.tier, old.unsupervised, old.source) == (
                record.tier,
                record.unsupervised,
                record.source,
            ):
                continue
            session.add(record)
            changes.append(
                TierChange(
                    pid,
                    old.tier if old else None,
                    record.tier,
                    old.protect if old else None,
                    record.protect,
                )
            )
    session.flush()
    return changes


def raise_reviews(session: Session, changes: list[TierChange], as_at: date) -> list[int]:
    """Review items for allocated cases whose protect level rose or left the grade."""
    if not changes:
        return []
    by_person = {c.person_id: c for c in changes}
    holders = session.execute(
        select(Allocation.person_id, Staff.grade, Staff.forename, Staff.surname)
        .join(Staff, Staff.id == Allocation.staff_id)
        .where(Allocation.person_id.in_(list(by_person)), Allocation.end_date.is_(None))
    ).all()
    assessments = _latest(
        session.scalars(
            select(Assessment)
            .where(Assessment.person_id.in_(list(by_person)))
            .order_by(Assessment.id)
        )
    )
    raised: list[int] = []
    for pid, grade, forename, surname in holders:
        change = by_person[pid]
        if change.protect_rose:
            session.add(
                ReviewItem(
                    person_id=pid,
                    kind=REVIEW_TIER_RISE,
                    raised_on=as_at,
                    detail=f"Tier rose from {change.old_tier} to {change.new_tier}: "
                    "review the allocation (TOM 777)",
                )
            )
            raised.append(pid)
        assessment = assessments.get(pid)
        rosh = getattr(assessment, "rosh", None)
        mappa = getattr(assessment, "mappa_level", None)
        verdict = check_grade(grade, rosh, mappa)
        if not verdict.within_policy and not verdict.needs_confirmation:
            session.add(
                ReviewItem(
                    person_id=pid,
                    kind=REVIEW_OUTSIDE_GRADE,
                    raised_on=as_at,
                    detail=f"Held by {forename} {surname} ({grade}): {verdict.reason}",
                )
            )
            raised.append(pid)
    session.flush()
    return raised
