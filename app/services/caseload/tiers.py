"""Computing and keeping the tier of each case, with its history (DOMAIN.md 3).

A new assessment recomputes the tier; a changed tier is a new history record.
A rise in protect level, or a tier that puts the case outside its
practitioner's grade, raises a review item for the allocation desk.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.db.bulk import bulk_insert, in_ids
from app.db.models import (
    ASSESSMENT_FIELDS,
    Allocation,
    Assessment,
    Event,
    Person,
    ReviewItem,
    Staff,
    TierRecord,
)
from app.db.readmodel import event_facts, latest_by_person
from app.domain.cases import is_running, main_event
from app.domain.codes import RESTRICTIVE_REQUIREMENTS, Grade, Requirement, SentenceType
from app.domain.policy import check_grade
from app.domain.tiering import (
    MODEL,
    TierInputs,
    TierResult,
    assessment_is_valid,
    calculate_tier,
    checked_needs,
    mandate_for_change,
    parse_tier,
    protect_rank,
)
from app.services.core import settings

REVIEW_TIER_RISE = "TIER_RISE"
REVIEW_OUTSIDE_GRADE = "OUTSIDE_GRADE"
REVIEW_REASSESS = "REASSESS"
REVIEW_PRACTITIONER_LEFT = "PRACTITIONER_LEFT"
REVIEW_TIER_DIFFERS = "TIER_DIFFERS"
"""The tier in an extract differs from the calculation on the row's assessment (SPEC.md 5)."""
FROM_EXTRACT = "Tier from the extract"


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


_EVENT_COLUMNS = (
    Event.id,
    Event.person_id,
    Event.sentence_type,
    Event.sentence_date,
    Event.release_date,
    Event.end_date,
    Event.ended_on,
    Event.requirements,
)
_ASSESSMENT_COLUMNS = (
    Assessment.id,
    Assessment.person_id,
    *(getattr(Assessment, name) for name in ASSESSMENT_FIELDS),
)
_TIER_COLUMNS = (
    TierRecord.person_id,
    TierRecord.tier,
    TierRecord.protect,
    TierRecord.unsupervised,
    TierRecord.source,
)


def tier_inputs(
    gender: str | None,
    events: Sequence[Any],
    assessment: Any | None,
    as_at: date,
    valid_weeks: int = 55,
    restrictive: frozenset[Requirement] = RESTRICTIVE_REQUIREMENTS,
) -> TierInputs:
    """The inputs of the tier calculation from a case's records (rows or ORM objects).

    The mandate for change looks at every sentence still running: a current
    order with a rehabilitation requirement gives one, whatever the latest
    sentence is (DOMAIN.md 3a).
    """
    facts = event_facts(events)
    running = {f.event_id for f in facts if is_running(f, as_at)}
    main = main_event(facts, as_at)
    current = [e for e in events if e.id in running] or [
        e for e in events if main is not None and e.id == main.event_id
    ]
    mandate = any(
        mandate_for_change(
            SentenceType(e.sentence_type), _requirements(e.requirements), restrictive
        )
        for e in current
    )
    if assessment is None:
        return TierInputs(
            is_female=gender == "F", has_mandate_for_change=mandate, has_assessment=False
        )
    valid = assessment.has_full_assessment and assessment_is_valid(
        assessment.assessment_date, as_at, valid_weeks
    )
    return TierInputs(
        rosh=assessment.rosh,
        rsr_percent=assessment.rsr_percent,
        mappa_level=assessment.mappa_level,
        complexity_factors=frozenset(f for f in assessment.complexity_factors.split(";") if f),
        is_female=gender == "F",
        parenting_responsibilities=assessment.parenting_responsibilities,
        impulsivity_or_temper_control=assessment.impulsivity_or_temper_control,
        previous_enforcement=assessment.previous_enforcement,
        iom_nominal=assessment.iom_nominal,
        has_mandate_for_change=mandate,
        has_assessment=valid,
        ogrs_percent=assessment.ogrs_percent,
        needs=_needs(assessment.needs or "{}"),
    )


@functools.lru_cache(maxsize=4096)
def _needs(text: str) -> Mapping[str, str]:
    """Stored needs (JSON) checked once per distinct text: an import has few distinct ones."""
    return checked_needs(json.loads(text))


def _computed(
    person_id: int, result: TierResult, as_at: date, assessment_id: int | None, now: datetime
) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "tier": result.tier,
        "protect": result.protect,
        "change": result.change,
        "protect_points": result.protect_points,
        "change_points": result.change_points,
        "unsupervised": False,
        "model": result.model,
        "source": "computed",
        "explanation": "",  # worked out when shown: see explain()
        "effective_date": as_at,
        "assessment_id": assessment_id,
        "recorded_at": now,
    }


TierPolicy = tuple[int, frozenset[Requirement]]


def tier_policy(session: Session, as_at: date) -> TierPolicy:
    """The tiering settings in force: assessment validity and restrictive requirements."""
    weeks = int(settings.get(session, "assessment_valid_weeks", as_at))
    restrictive = RESTRICTIVE_REQUIREMENTS
    if not settings.get(session, "foreign_travel_restrictive", as_at):
        restrictive = restrictive - {Requirement.FOREIGN_TRAVEL}
    return weeks, restrictive


def explain(session: Session, person_id: int, as_at: date) -> tuple[str, ...]:
    """The points behind a case's computed tier on ``as_at``, line by line (DOMAIN.md 3a).

    Worked out when asked, from the stored records, rather than stored with
    every tier: a bulk import computes hundreds of thousands of tiers.
    """
    gender = session.scalar(select(Person.gender).where(Person.id == person_id))
    events = session.execute(select(*_EVENT_COLUMNS).where(Event.person_id == person_id)).all()
    assessment = session.execute(
        select(*_ASSESSMENT_COLUMNS)
        .where(Assessment.person_id == person_id)
        .order_by(Assessment.id.desc())
        .limit(1)
    ).first()
    inputs = tier_inputs(gender, events, assessment, as_at, *tier_policy(session, as_at))
    return calculate_tier(inputs).explanation


def calculate(
    gender: str | None,
    events: Sequence[Any],
    assessment: Any | None,
    as_at: date,
    policy: TierPolicy,
) -> TierResult:
    """The calculated tier of a case from its records (rows, ORM objects or look-alikes)."""
    return calculate_tier(tier_inputs(gender, events, assessment, as_at, *policy))


def _imported(
    person_id: int, tier: str, as_at: date, now: datetime, note: str = ""
) -> dict[str, Any]:
    parsed = parse_tier(tier)
    protect, change, unsupervised = parsed if parsed else (None, None, False)
    return {
        "person_id": person_id,
        "tier": f"{protect}{change}" if protect else None,
        "protect": protect,
        "change": change,
        "protect_points": None,
        "change_points": None,
        "unsupervised": unsupervised,
        "model": MODEL,
        "source": "imported",
        "explanation": note or FROM_EXTRACT,
        "effective_date": as_at,
        "assessment_id": None,
        "recorded_at": now,
    }


@dataclass(frozen=True)
class ExtractTier:
    """A tier an extract gives for a case, with what the calculation said of it."""

    tier: str
    note: str = ""


def recompute(
    session: Session,
    person_ids: Iterable[int],
    as_at: date,
    imported: Mapping[int, ExtractTier] | None = None,
    compute: Collection[int] = (),
) -> list[TierChange]:
    """Recompute the tiers of these cases; record and return those that changed.

    A tier given by an extract stands, marked "from the extract" (SPEC.md 5):
    NDelius works it out from the full assessment, which an extract rarely
    carries whole. ``imported`` holds the tiers of the extract being
    imported; an earlier extract's tier stays until an extract gives another,
    or until ``compute`` names the case (its extract row gave no tier).
    """
    ids = sorted(set(person_ids))
    policy = tier_policy(session, as_at)
    now = clock.now().replace(tzinfo=None)
    keep = _KeepOrCompute(imported or {}, frozenset(compute), as_at, now, policy)
    changes: list[TierChange] = []
    for start in range(0, len(ids), 5000):
        records = keep.records(session, ids[start : start + 5000])
        for record, old in records:
            changes.append(
                TierChange(
                    record["person_id"],
                    old.tier if old else None,
                    record["tier"],
                    old.protect if old else None,
                    record["protect"],
                )
            )
        if records:
            bulk_insert(session, TierRecord, [record for record, _old in records])
    return changes


@dataclass(frozen=True)
class _KeepOrCompute:
    """Which tier each case of a chunk has now: the extract's, the one it had, or computed."""

    imported: Mapping[int, ExtractTier]
    compute: frozenset[int]
    as_at: date
    now: datetime
    policy: TierPolicy

    def records(self, session: Session, chunk: list[int]) -> list[tuple[dict[str, Any], Any]]:
        """The new tier records of the chunk's cases whose tier changed, with the old one."""
        genders: dict[int, str | None] = {
            pid: gender
            for pid, gender in session.execute(
                select(Person.id, Person.gender).where(in_ids(Person.id, chunk))
            )
        }
        events: dict[int, list[Any]] = defaultdict(list)
        for ev in session.execute(select(*_EVENT_COLUMNS).where(in_ids(Event.person_id, chunk))):
            events[ev.person_id].append(ev)
        assessments = latest_by_person(
            session.execute(
                select(*_ASSESSMENT_COLUMNS)
                .where(in_ids(Assessment.person_id, chunk))
                .order_by(Assessment.id)
            )
        )
        olds = latest_by_person(
            session.execute(
                select(*_TIER_COLUMNS)
                .where(in_ids(TierRecord.person_id, chunk))
                .order_by(TierRecord.id)
            )
        )
        out = []
        for pid in chunk:
            old = olds.get(pid)
            if pid in self.imported:
                given = self.imported[pid]
                record = _imported(pid, given.tier, self.as_at, self.now, given.note)
            elif old is not None and old.source == "imported" and pid not in self.compute:
                continue  # an extract's tier stands until an extract says otherwise
            else:
                assessment = assessments.get(pid)
                result = calculate(
                    genders.get(pid), events[pid], assessment, self.as_at, self.policy
                )
                record = _computed(
                    pid, result, self.as_at, assessment.id if assessment else None, self.now
                )
            same = ("tier", "unsupervised", "source")
            if old is not None and all(getattr(old, k) == record[k] for k in same):
                continue
            out.append((record, old))
        return out


def raise_reviews(
    session: Session, changes: list[TierChange], as_at: date, also: Iterable[int] = ()
) -> list[int]:
    """Review items for allocated cases whose protect level rose or left the grade.

    ``changes`` are tier changes; ``also`` names further cases whose risk may
    have changed without their tier (a RoSH rising within the same protect
    level can still put a case outside its practitioner's grade). A review
    already open is not raised twice.
    """
    by_person = {c.person_id: c for c in changes}
    ids = sorted(set(by_person) | set(also))
    raised: list[int] = []
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        items = _reviews_for(session, chunk, by_person, as_at)
        if items:
            bulk_insert(session, ReviewItem, items)
            raised.extend(item["person_id"] for item in items)
    return raised


def _reviews_for(
    session: Session, chunk: list[int], by_person: dict[int, TierChange], as_at: date
) -> list[dict[str, Any]]:
    holders = session.execute(
        select(
            Allocation.person_id,
            Allocation.policy_reason,
            Allocation.outside_policy,
            Allocation.start_date,
            Staff.grade,
            Staff.forename,
            Staff.surname,
        )
        .join(Staff, Staff.id == Allocation.staff_id)
        .where(in_ids(Allocation.person_id, chunk), Allocation.end_date.is_(None))
    ).all()
    decided = _grade_decisions(session, chunk)
    assessments = latest_by_person(
        session.execute(
            select(Assessment.person_id, Assessment.rosh, Assessment.mappa_level)
            .where(in_ids(Assessment.person_id, chunk))
            .order_by(Assessment.id)
        )
    )
    open_items = {
        (pid, kind)
        for pid, kind in session.execute(
            select(ReviewItem.person_id, ReviewItem.kind).where(
                in_ids(ReviewItem.person_id, chunk), ReviewItem.resolved_on.is_(None)
            )
        )
    }
    items = []
    for pid, reason, outside, start, grade, forename, surname in holders:
        change = by_person.get(pid)
        if change is not None and change.protect_rose:
            items.append(
                _review(
                    pid,
                    REVIEW_TIER_RISE,
                    as_at,
                    f"Tier rose from {change.old_tier} to {change.new_tier}: review the allocation",
                )
            )
        assessment = assessments.get(pid)
        verdict = check_grade(
            grade, getattr(assessment, "rosh", None), getattr(assessment, "mappa_level", None)
        )
        # A PQiP's High RoSH case confirmed by the SPO is recorded within policy
        # with the confirmation as its reason (allocation service).
        confirmed = verdict.needs_confirmation and not outside and bool(reason.strip())
        # A choice recorded outside policy, or a review already decided for this
        # allocation, is the SPO's decision: not asked again.
        already = outside or decided.get(pid, date.min) >= start
        if not verdict.within_policy and not confirmed and not already:
            items.append(
                _review(
                    pid,
                    REVIEW_OUTSIDE_GRADE,
                    as_at,
                    f"Held by {forename} {surname} ({Grade(grade).short}): {verdict.reason}",
                )
            )
    return [i for i in items if (i["person_id"], i["kind"]) not in open_items]


def _grade_decisions(session: Session, chunk: list[int]) -> dict[int, date]:
    """When each case's latest outside-grade review was decided (resolved)."""
    rows = session.execute(
        select(ReviewItem.person_id, func.max(ReviewItem.resolved_on))
        .where(
            in_ids(ReviewItem.person_id, chunk),
            ReviewItem.kind == REVIEW_OUTSIDE_GRADE,
            ReviewItem.resolved_on.is_not(None),
        )
        .group_by(ReviewItem.person_id)
    )
    return {pid: day for pid, day in rows if day is not None}


def _review(person_id: int, kind: str, as_at: date, detail: str) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "kind": kind,
        "raised_on": as_at,
        "detail": detail,
        "resolved_on": None,
        "resolved_by": None,
        "resolution": "",
    }
