"""The tier an imported case has: the extract's, or the calculation's (SPEC.md 5).

A row that gives a ``tier`` keeps it, marked "from the extract": NDelius
works its tier out from the full assessment, which an extract rarely carries
whole. Where that row also carries assessment inputs (a need or OGRS) and
the calculation gives another tier, the preview lists both with the
calculation's points and the import raises a review item. A row without a
tier has its tier calculated; but a file with no tier column says nothing
of the tier, so an earlier extract's tier stands unless the row gives the
inputs of a full assessment to calculate from. An assessment given without its date
is stored without one, so it is not a valid assessment (DOMAIN.md 3a), and
the preview says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from app.db.bulk import bulk_insert
from app.db.models import ReviewItem
from app.domain.tiering import TierResult
from app.services.caseload import tiers
from app.services.caseload.tiers import ExtractTier, TierPolicy
from app.services.imports.caserows import NEED_COLUMNS, CaseFacts, CaseRow
from app.services.imports.existing import Existing
from app.services.imports.lookups import chunks
from app.services.imports.report import FieldChange, Finding

PersonRef = int | str  # a stored person's id, or the CRN of a person still to be added
UNDATED = "an assessment with needs or OGRS but no assessment date: stored without a date"
_NEW_EVENT = {"release_date": None, "end_date": None, "requirements": "", "ended_on": None}


@dataclass
class TierPlan:
    """The tiers an import gives: the extract's, those to calculate, the reviews to raise."""

    extract: dict[PersonRef, ExtractTier] = field(default_factory=dict)
    compute: set[PersonRef] = field(default_factory=set)
    reviews: dict[PersonRef, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def carries_assessment(row: CaseRow) -> bool:
    """Whether the row gives the inputs of a full assessment: a need or an OGRS score."""
    return row.ogrs_percent is not None or any(
        getattr(row, name) is not None for name in NEED_COLUMNS
    )


def points_text(result: TierResult) -> str:
    return f"protect {_points(result.protect_points)}, change {_points(result.change_points)}"


def _points(n: int) -> str:
    return "1 point" if n == 1 else f"{n} points"


class TierSettler:
    """Decides each imported case's tier and says where the extract and calculation differ."""

    def __init__(
        self, existing: Existing, present: frozenset[str], policy: TierPolicy, as_at: date
    ) -> None:
        self.existing = existing
        self.has_column = "tier" in present
        self.policy = policy
        self.as_at = as_at
        self.plan = TierPlan()

    def settle(
        self,
        ref: PersonRef,
        facts: CaseFacts,
        person: Row[Any] | None,
        assessment: dict[str, Any] | None,
        fields: list[FieldChange],
    ) -> None:
        """The tier of the case after the import; ``person`` is its stored row, if any.

        ``assessment`` is the assessment the import stores for it, if any;
        ``fields`` gathers the changes of a stored case, shown in the preview.
        """
        stored = None if person is None else int(person.id)
        name = f"{str(facts.person['surname']).upper()}, {facts.person['forename']}"
        if assessment and assessment["has_full_assessment"] and not assessment["assessment_date"]:
            self.plan.findings.append(Finding("no_assessment_date", facts.crn, name, UNDATED))
        current = None if stored is None else self.existing.tiers.get(stored)
        old = _tier_text(current)
        from_extract = current is not None and current.source == "imported"
        given = facts.latest.tier
        effective = assessment or (
            None if stored is None else self.existing.assessments.get(stored)
        )
        if given is None:
            if from_extract and (self.has_column or carries_assessment(facts.latest)):
                result = self._calculate(facts, person, effective)
                self.plan.compute.add(ref)
                fields.append(FieldChange("tier", old, f"{result.tier} (calculated)"))
            return
        changed = old != given or not from_extract
        if changed and stored is not None:
            fields.append(
                FieldChange("tier", old, given if old != given else f"{given} (from the extract)")
            )
        note = ""
        if carries_assessment(facts.latest):
            result = self._calculate(facts, person, effective)
            if result.tier != given[:2]:
                note = self._differs(facts, name, given, result, effective)
                if changed or assessment is not None:
                    self.plan.reviews[ref] = _review_detail(given, result, effective)
        if changed:
            self.plan.extract[ref] = ExtractTier(given, note)

    def _differs(
        self,
        facts: CaseFacts,
        name: str,
        given: str,
        result: TierResult,
        assessment: dict[str, Any] | None,
    ) -> str:
        """Names the difference in the preview; the note kept with the extract's tier."""
        undated = "; the assessment has no date, so it is not valid" if _undated(assessment) else ""
        detail = (
            f"tier {given} in the extract, {result.tier} by the calculation "
            f"({points_text(result)}{undated}): the extract's tier stands"
        )
        self.plan.findings.append(Finding("tier_differs", facts.crn, name, detail))
        return (
            f"{tiers.FROM_EXTRACT}.\nThe calculation on the extract's assessment gives "
            f"{result.tier}: {points_text(result)}{undated}."
        )

    def _calculate(
        self, facts: CaseFacts, person: Row[Any] | None, assessment: dict[str, Any] | None
    ) -> TierResult:
        """The calculation on the case's records as the import leaves them."""
        gender = facts.person.get("gender", getattr(person, "gender", None))
        stored = {} if person is None else self.existing.events.get(person.id, {})
        events = _events_after(facts, stored)
        record = None if assessment is None else SimpleNamespace(**assessment)
        return tiers.calculate(gender, events, record, self.as_at, self.policy)


def _tier_text(record: Row[Any] | None) -> str | None:
    if record is None or not record.tier:
        return None
    return f"{record.tier}{'S' if record.unsupervised else ''}"


def _undated(assessment: dict[str, Any] | None) -> bool:
    return bool(
        assessment and assessment["has_full_assessment"] and not assessment["assessment_date"]
    )


def _review_detail(given: str, result: TierResult, assessment: dict[str, Any] | None) -> str:
    undated = "; the assessment has no date" if _undated(assessment) else ""
    return (
        f"Tier in the extract ({given}) differs from the calculation ({result.tier}: "
        f"{points_text(result)}{undated}): the extract's tier stands; check the assessment "
        "in NDelius"
    )


def _events_after(facts: CaseFacts, stored: dict[date, Any]) -> list[SimpleNamespace]:
    """The case's sentences as the import leaves them: stored ones updated, new ones added."""
    events = []
    for sentence_date, row in stored.items():
        values = {name: getattr(row, name) for name in (*_NEW_EVENT, "sentence_type")}
        values |= facts.events.get(sentence_date, {}) | {"id": row.id}
        events.append(SimpleNamespace(**values))
    new = (values for day, values in facts.events.items() if day not in stored)
    for n, values in enumerate(new, start=1):
        events.append(SimpleNamespace(**(_NEW_EVENT | values | {"id": -n})))
    return events


def raise_tier_reviews(session: Session, details: dict[int, str], as_at: date) -> list[int]:
    """A review item for each case whose extract tier differs, unless one is open already."""
    open_items: set[int] = set()
    for chunk in chunks(sorted(details)):
        open_items.update(
            session.scalars(
                select(ReviewItem.person_id).where(
                    ReviewItem.person_id.in_(chunk),
                    ReviewItem.kind == tiers.REVIEW_TIER_DIFFERS,
                    ReviewItem.resolved_on.is_(None),
                )
            )
        )
    items = [
        {
            "person_id": pid,
            "kind": tiers.REVIEW_TIER_DIFFERS,
            "raised_on": as_at,
            "detail": detail,
            "resolved_on": None,
            "resolved_by": None,
            "resolution": "",
        }
        for pid, detail in sorted(details.items())
        if pid not in open_items
    ]
    bulk_insert(session, ReviewItem, items)
    return [pid for pid in sorted(details) if pid not in open_items]
