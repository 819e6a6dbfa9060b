"""Matching an extract's cases to the store: what is added, changed, left alone or ended.

SPEC.md 5: people match on CRN; a row with the same CRN and sentence date
updates that sentence, a new sentence date adds an event; a blank
practitioner never removes an allocation, and a different one replaces the
current allocation only when its allocation date is later than the current
allocation's start. A column the file lacks leaves its stored value alone; a
blank name, date of birth or gender never erases one; for sentences the
extract is the record, so a blank cell there is a blank. A row with no
assessment cell filled leaves the stored assessment alone; one with some
filled gives a new assessment (when it differs from the latest) whose blank
cells are blanks and whose missing columns keep their stored values (a new
person's start blank): an assessment date is never invented. The tier is settled by
:mod:`app.services.imports.casetiers`.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row

from app.db.models import ASSESSMENT_FIELDS
from app.domain.codes import Rosh, SentenceType
from app.domain.parsing import format_date
from app.services.caseload.tiers import TierPolicy
from app.services.imports.caserows import NEED_COLUMNS, CaseFacts, CaseRow, join_codes
from app.services.imports.casetiers import PersonRef, TierPlan, TierSettler
from app.services.imports.existing import Existing, codes_text
from app.services.imports.lookups import PractitionerLookup
from app.services.imports.report import FieldChange, RecordChange

NEW_PERSON: dict[str, Any] = {
    "date_of_birth": None,
    "gender": None,
    "female_practitioner_requested": False,
    "ended_on": None,
    "version": 1,
}
NEW_EVENT: dict[str, Any] = {
    "release_date": None,
    "end_date": None,
    "requirements": "",
    "upw_hours_ordered": None,
    "upw_hours_completed": None,
    "upw_assessment_date": None,
    "upw_start_date": None,
    "upw_intensive": False,
    "ended_on": None,
}
NO_ASSESSMENT: dict[str, Any] = {
    "assessment_date": None,
    "rosh": None,
    "rsr_percent": None,
    "ogrs_percent": None,
    "mappa_level": None,
    "mappa_category": None,
    "complexity_factors": "",
    "iom_nominal": False,
    "parenting_responsibilities": False,
    "impulsivity_or_temper_control": False,
    "previous_enforcement": False,
    "needs": "{}",
    "has_full_assessment": False,
}
_FLAGS = (
    "iom_nominal",
    "parenting_responsibilities",
    "impulsivity_or_temper_control",
    "previous_enforcement",
)
_SCALARS = ("rosh", "rsr_percent", "ogrs_percent", "mappa_level", "mappa_category")
_COMPARED = tuple(name for name in ASSESSMENT_FIELDS if name != "assessment_date")
ASSESSMENT_COLUMNS = frozenset(
    (*_SCALARS, *_FLAGS, "complexity_factors", "assessment_date", *NEED_COLUMNS)
)


def person_name(forename: object, surname: object) -> str:
    return f"{str(surname).upper()}, {forename}"


@functools.lru_cache(maxsize=4096)
def _needs_json(needs: tuple[tuple[str, str], ...]) -> str:
    """Needs as stored: a JSON object in key order (few distinct ones, so cached)."""
    return json.dumps(dict(needs), sort_keys=True)


@dataclass
class CasePlan:
    """Everything an import of cases will write, and the report of it.

    ``person_updates`` and ``endings`` hold the version each case had when read:
    they are written only while the case still has it (SPEC.md 9).
    """

    new_people: list[dict[str, Any]] = field(default_factory=list)
    person_updates: list[dict[str, Any]] = field(default_factory=list)
    new_events: list[dict[str, Any]] = field(default_factory=list)
    event_updates: list[dict[str, Any]] = field(default_factory=list)
    new_assessments: list[dict[str, Any]] = field(default_factory=list)
    allocation_ends: list[dict[str, Any]] = field(default_factory=list)
    new_allocations: list[dict[str, Any]] = field(default_factory=list)
    tiers: TierPlan = field(default_factory=TierPlan)
    endings: list[dict[str, Any]] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)
    changes: list[RecordChange] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    changed: int = 0
    unchanged: int = 0
    kept_allocations: int = 0

    @property
    def added(self) -> int:
        return len(self.new_people)

    def notes(self) -> tuple[str, ...]:
        if not self.kept_allocations:
            return ()
        return (
            f"{self.kept_allocations} case(s) name another practitioner without a later "
            "allocation date: their current allocation was kept.",
        )


class CasePlanner:
    """Compares each case of an extract with the store and fills a :class:`CasePlan`."""

    def __init__(
        self,
        existing: Existing,
        present: frozenset[str],
        staff: PractitionerLookup,
        *,
        policy: TierPolicy,
        as_at: date,
        now: datetime,
        user_id: int | None,
        note: str,
    ) -> None:
        self.existing = existing
        self.present = present
        self.staff = staff
        self.as_at = as_at
        self.now = now
        self.user_id = user_id
        self.note = note
        self.settler = TierSettler(existing, present, policy, as_at)
        self.plan = CasePlan(tiers=self.settler.plan)
        # Positions in a CaseRow of the assessment columns the file has.
        index = {name: i for i, name in enumerate(CaseRow._fields) if name in present}
        self._flags = [(name, index[name]) for name in _FLAGS if name in index]
        self._scalars = [(name, index[name]) for name in _SCALARS if name in index]
        self._factors = index.get("complexity_factors")
        self._needs = [(index[n], need.value) for n, need in NEED_COLUMNS.items() if n in index]
        self._given = [
            index[name] for name in ASSESSMENT_COLUMNS - {"complexity_factors"} if name in index
        ]

    def add_case(self, facts: CaseFacts) -> None:
        stored = self.existing.people.get(facts.crn)
        if stored is None:
            self._add(facts)
        else:
            self._update(facts, stored)

    # --- new people ---------------------------------------------------------------
    def _add(self, facts: CaseFacts) -> None:
        plan, crn = self.plan, facts.crn
        plan.new_people.append(NEW_PERSON | facts.person)
        for values in facts.events.values():
            plan.new_events.append(NEW_EVENT | values | {"person_id": crn})
        assessment = self._assessment(facts.latest, None)
        if assessment is not None:
            plan.new_assessments.append(assessment | {"person_id": crn})
        self.settler.settle(crn, facts, None, assessment, [])
        staff_id = facts.latest.practitioner_code
        if staff_id is not None:
            start = facts.latest.allocation_date or self.as_at
            plan.new_allocations.append(self._allocation(crn, staff_id, start))
        name = person_name(facts.person["forename"], facts.person["surname"])
        plan.changes.append(RecordChange("added", crn, name, summary=_new_case_summary(facts)))

    # --- stored people --------------------------------------------------------------
    def _update(self, facts: CaseFacts, stored: Row[Any]) -> None:
        fields: list[FieldChange] = []
        update: dict[str, Any] = {}
        for name, value in facts.person.items():
            if name != "crn" and value != getattr(stored, name):
                update[name] = value
                fields.append(FieldChange(name, getattr(stored, name), value))
        if stored.ended_on is not None:
            update["ended_on"] = None
            fields.append(FieldChange("ended_on", stored.ended_on, None))
        self._events(facts, stored.id, fields)
        assessment = self._assessment_change(facts.latest, stored.id, fields)
        self.settler.settle(stored.id, facts, stored, assessment, fields)
        self._allocation_change(facts.latest, stored.id, fields)
        name = person_name(stored.forename, stored.surname)
        if not fields:
            self.plan.unchanged += 1
            return
        # The version read: the update applies only while the case still has it.
        self.plan.person_updates.append(update | {"id": stored.id, "version": stored.version})
        self.plan.touched.add(stored.id)
        self.plan.changed += 1
        self.plan.changes.append(RecordChange("changed", facts.crn, name, tuple(fields)))

    def _events(self, facts: CaseFacts, person_id: int, fields: list[FieldChange]) -> None:
        stored = self.existing.events.get(person_id, {})
        for sentence_date, values in facts.events.items():
            label = f"sentence of {format_date(sentence_date)}"
            old = stored.get(sentence_date)
            if old is None:
                self.plan.new_events.append(NEW_EVENT | values | {"person_id": person_id})
                kind = SentenceType(values["sentence_type"]).label
                fields.append(FieldChange(label, None, f"{kind} (new)"))
                continue
            changed: dict[str, Any] = {}
            for name, value in values.items():
                before = getattr(old, name)
                if name == "requirements":
                    before = codes_text(before)
                if value != before:
                    changed[name] = value
                    fields.append(FieldChange(f"{label}: {name}", before, value))
            if changed:
                self.plan.event_updates.append(changed | {"id": old.id})

    # --- assessment and tier -------------------------------------------------------
    def _assessment(self, row: CaseRow, latest: dict[str, Any] | None) -> dict[str, Any] | None:
        """The assessment this row gives, or None when it gives none or the same as stored."""
        if not self._gives_assessment(row):
            return None
        values = self._assessment_values(row, latest)
        if latest is not None and _same_assessment(values, row.assessment_date, latest):
            return None
        if "assessment_date" in self.present or _new_needs(values, latest):
            # A blank date stays blank; a file silent on the date keeps the stored one
            # only while the needs and OGRS it dates are the same (never invented).
            values["assessment_date"] = row.assessment_date
        values["recorded_at"] = self.now
        return values

    def _gives_assessment(self, row: CaseRow) -> bool:
        """Whether any assessment cell of the row is filled (an empty list of factors is not)."""
        if any(row[index] is not None for index in self._given):
            return True
        return self._factors is not None and bool(row.complexity_factors)

    def _assessment_values(self, row: CaseRow, latest: dict[str, Any] | None) -> dict[str, Any]:
        """Stored values, overwritten by every assessment column the file has (SPEC.md 5)."""
        values = NO_ASSESSMENT | (latest or {})
        for name, index in self._flags:
            values[name] = bool(row[index])
        for name, index in self._scalars:
            values[name] = row[index]
        if self._factors is not None:
            values["complexity_factors"] = join_codes(row.complexity_factors)
        if self._needs:
            needs: dict[str, str] = json.loads(values["needs"]) if latest else {}
            for index, need in self._needs:
                _set_need(needs, need, row[index])
            values["needs"] = _needs_json(tuple(sorted(needs.items())))
        full = values["needs"] != "{}" or values["ogrs_percent"] is not None
        values["has_full_assessment"] = full
        return values

    def _assessment_change(
        self, row: CaseRow, person_id: int, fields: list[FieldChange]
    ) -> dict[str, Any] | None:
        """The new assessment the row gives a stored case, if any, with its changed fields."""
        latest = self.existing.assessments.get(person_id)
        values = self._assessment(row, latest)
        if values is not None:
            self.plan.new_assessments.append(values | {"person_id": person_id})
            before = latest or NO_ASSESSMENT
            for name in ASSESSMENT_FIELDS:
                if values[name] != before[name]:
                    fields.append(FieldChange(name, before[name], values[name]))
        return values

    # --- allocation ---------------------------------------------------------------------
    def _allocation(self, person: PersonRef, staff_id: int, start: date) -> dict[str, Any]:
        return {
            "person_id": person,
            "staff_id": staff_id,
            "start_date": start,
            "end_date": None,
            "allocated_by": self.user_id,
            "reason": None,
            "note": self.note,
            "outside_policy": False,
            "policy_reason": "",
            "recorded_at": self.now,
        }

    def _allocation_change(self, row: CaseRow, person_id: int, fields: list[FieldChange]) -> None:
        staff_id = row.practitioner_code
        if staff_id is None:
            return  # a blank practitioner never removes an allocation
        current = self.existing.allocations.get(person_id)
        if current is not None and current.staff_id == staff_id:
            return
        start = row.allocation_date
        if current is None:
            start = start or self.as_at
        elif start is None or start <= current.start_date:
            self.plan.kept_allocations += 1
            return
        else:
            self.plan.allocation_ends.append({"id": current.id, "end_date": start})
        self.plan.new_allocations.append(self._allocation(person_id, staff_id, start))
        before = None if current is None else self.staff.name(current.staff_id)
        fields.append(FieldChange("practitioner", before, self.staff.name(staff_id)))
        fields.append(FieldChange("allocated from", None, start))

    # --- the snapshot -------------------------------------------------------------------
    def add_missing(self, open_cases: list[Row[Any]], in_file: set[str], end: bool) -> None:
        """Open cases of the extract's PDUs that it does not hold: listed, or ended."""
        for case in open_cases:
            if case.crn in in_file:
                continue
            self.plan.missing.append(case.crn)
            name = person_name(case.forename, case.surname)
            if not end:
                self.plan.changes.append(RecordChange("missing", case.crn, name))
                continue
            self.plan.endings.append(
                {"id": case.id, "ended_on": self.as_at, "version": case.version}
            )
            self.plan.touched.add(case.id)
            ended = (FieldChange("ended_on", None, self.as_at),)
            self.plan.changes.append(RecordChange("ended", case.crn, name, ended))


def _same_assessment(values: dict[str, Any], given: date | None, latest: dict[str, Any]) -> bool:
    """Whether a row repeats the latest assessment; a blank date matches any date."""
    if given is not None and given != latest["assessment_date"]:
        return False
    return all(values[name] == latest[name] for name in _COMPARED)


def _new_needs(values: dict[str, Any], latest: dict[str, Any] | None) -> bool:
    """Whether the row's needs or OGRS differ from the stored assessment's (or there is none)."""
    if latest is None:
        return True
    return any(values[name] != latest[name] for name in ("needs", "ogrs_percent"))


def _set_need(needs: dict[str, str], need: str, severity: object) -> None:
    if severity is None:
        needs.pop(need, None)
    else:
        needs[need] = str(severity)


def _new_case_summary(facts: CaseFacts) -> str:
    """A new case in a few words for the preview: its latest sentence and practitioner."""
    row = facts.latest
    kind = SentenceType(row.sentence_type).label if row.sentence_type else "Sentence"
    text = f"{kind}, sentenced {format_date(row.sentence_date)}"
    if row.rosh is not None:
        text += f"; RoSH {Rosh(row.rosh).label}"
    return text + ("; allocated" if row.practitioner_code is not None else "; unallocated")
