"""The rows of a caseload extract as typed records, and the cases they describe (SPEC.md 5).

Several rows for one CRN with the same sentence date are one event: their
requirements merge. Rows for one CRN that disagree on the person (name, date
of birth, PDU) are bad rows, and so refuse the file. The person's risk,
tier and practitioner come from the row of their latest sentence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from app.domain import coded
from app.domain.codes import Requirement
from app.domain.parsing import (
    ParseError,
    parse_crn,
    parse_date,
    parse_name,
    parse_number,
    show,
)
from app.domain.parsing import parse_percent as _parse_percent
from app.domain.tiering import ComplexityFactor, Need
from app.services.imports.cells import Column, Parser
from app.services.imports.lookups import PduLookup, PractitionerLookup
from app.services.imports.report import RowError, shown


class CaseRow(NamedTuple):
    """One parsed row of a caseload extract; fields follow ``CASE_COLUMNS``."""

    row: int
    crn: str | None
    forename: str | None
    surname: str | None
    date_of_birth: date | None
    gender: str | None
    pdu: int | None
    sentence_type: str | None
    sentence_date: date | None
    release_date: date | None
    sentence_end_date: date | None
    requirements: frozenset[Requirement] | None
    rosh: str | None
    rsr_percent: float | None
    ogrs_percent: int | None
    mappa_level: int | None
    mappa_category: int | None
    complexity_factors: frozenset[ComplexityFactor] | None
    iom_nominal: bool | None
    parenting_responsibilities: bool | None
    impulsivity_or_temper_control: bool | None
    previous_enforcement: bool | None
    need_accommodation: str | None
    need_ete: str | None
    need_relationships: str | None
    need_lifestyle: str | None
    need_drugs: str | None
    need_alcohol: str | None
    need_thinking_behaviour: str | None
    need_attitudes: str | None
    assessment_date: date | None
    tier: str | None
    practitioner_code: int | None
    allocation_date: date | None
    female_practitioner_requested: bool | None
    upw_hours_ordered: float | None
    upw_hours_completed: float | None
    upw_assessment_date: date | None
    upw_start_date: date | None
    upw_intensive: bool | None


NEED_COLUMNS: Mapping[str, Need] = {
    "need_accommodation": Need.ACCOMMODATION,
    "need_ete": Need.EDUCATION_TRAINING_AND_EMPLOYABILITY,
    "need_relationships": Need.RELATIONSHIPS,
    "need_lifestyle": Need.LIFESTYLE_AND_ASSOCIATES,
    "need_drugs": Need.DRUG_MISUSE,
    "need_alcohol": Need.ALCOHOL_MISUSE,
    "need_thinking_behaviour": Need.THINKING_AND_BEHAVIOUR,
    "need_attitudes": Need.ATTITUDES,
}
# Event (sentence) fields an extract may give, with the column each comes from.
EVENT_COLUMNS: Mapping[str, str] = {
    "release_date": "release_date",
    "end_date": "sentence_end_date",
    "requirements": "requirements",
    "upw_hours_ordered": "upw_hours_ordered",
    "upw_hours_completed": "upw_hours_completed",
    "upw_assessment_date": "upw_assessment_date",
    "upw_start_date": "upw_start_date",
    "upw_intensive": "upw_intensive",
}
_FIELD_INDEX = {name: i for i, name in enumerate(CaseRow._fields)}


MAX_HOURS = 1_000
"""Unpaid work hours above this are no order's (the most a court orders is 300)."""
MIN_AGE, MAX_AGE = 10, 110
"""A person on probation is at least 10 (the age of criminal responsibility) and under 110."""


def join_codes(codes: frozenset[str] | None) -> str:
    """Codes stored as one text, in a stable order: ``RAR;UPW``."""
    return ";".join(sorted(codes)) if codes else ""


def parse_ogrs(value: object) -> int | None:
    """An OGRS percentage; the tier uses whole percentages, so decimals are cut."""
    number = _parse_percent(value)  # type: ignore[arg-type]
    return None if number is None else math.floor(number)


def _hours(in_minutes: bool) -> Parser:
    """Hours, never negative; NDelius gives unpaid work in minutes (SPEC.md 5)."""

    def parse(value: Any) -> float | None:
        number = parse_number(value, minimum=0)
        if number is not None and in_minutes:
            number = round(number / 60, 2)
        if number is not None and number > MAX_HOURS:
            raise ParseError(
                f"{show(value)} is more hours than any order holds: at most {MAX_HOURS:,} are read"
            )
        return number

    return parse


def case_columns(
    pdus: PduLookup, staff: PractitionerLookup, in_minutes: frozenset[str]
) -> list[Column]:
    """How to read each caseload column, in ``CaseRow`` order."""
    parsers: dict[str, Parser] = {
        "crn": parse_crn,
        "forename": parse_name,
        "surname": parse_name,
        "pdu": pdus,
        "gender": coded.parse_gender,
        "sentence_type": coded.parse_sentence_type,
        "requirements": coded.parse_requirements,
        "rosh": coded.parse_rosh,
        "rsr_percent": _parse_percent,
        "ogrs_percent": parse_ogrs,
        "mappa_level": coded.parse_mappa_level,
        "mappa_category": coded.parse_mappa_category,
        "complexity_factors": coded.parse_complexity_factors,
        "tier": coded.parse_tier_code,
        "practitioner_code": staff,
        "upw_hours_ordered": _hours("upw_hours_ordered" in in_minutes),
        "upw_hours_completed": _hours("upw_hours_completed" in in_minutes),
    }
    required = {"crn", "forename", "surname", "pdu", "sentence_type", "sentence_date"}
    unique = {"crn", "forename", "surname"}
    columns = []
    for name in CaseRow._fields[1:]:
        if name in parsers:
            parse = parsers[name]
        elif name.endswith("_date") or name == "date_of_birth":
            parse = parse_date
        elif name in NEED_COLUMNS:
            parse = coded.parse_need_severity
        else:
            parse = coded.parse_yes_no
        columns.append(Column(name, parse, name in required, name not in unique))
    return columns


@dataclass(slots=True)
class CaseFacts:
    """What an extract says about one person: details, sentences, and their latest row."""

    crn: str
    row: int
    person: dict[str, Any]
    latest: CaseRow
    events: dict[date, dict[str, Any]] = field(default_factory=dict)


class CaseGrouper:
    """Gathers parsed rows into one :class:`CaseFacts` per CRN, reporting disagreements."""

    def __init__(
        self,
        present: frozenset[str],
        labels: Mapping[str, str],
        pdu_names: Mapping[int, str],
        as_at: date,
    ) -> None:
        self.present = present
        self.labels = labels
        self.pdu_names = pdu_names
        self.as_at = as_at
        self.cases: dict[str, CaseFacts] = {}
        self.rows: dict[str, CaseRow] = {}  # the first row of each CRN
        self._event_fields = [
            (f, _FIELD_INDEX[c]) for f, c in EVENT_COLUMNS.items() if c in present
        ]
        self._person_fields = [
            name
            for name in ("date_of_birth", "gender", "female_practitioner_requested")
            if name in present
        ]

    def add(self, row: CaseRow, errors: list[RowError]) -> None:
        self._check_dates(row, errors)
        if row.crn is None or row.sentence_date is None or row.sentence_type is None:
            return
        facts = self.cases.get(row.crn)
        if facts is None:
            self.cases[row.crn] = self._new(row)
            self.rows[row.crn] = row
            return
        self._check_person(self.rows[row.crn], row, facts, errors)
        self._add_event(facts, row, errors)
        if (row.sentence_date, row.row) > (facts.latest.sentence_date, facts.latest.row):
            facts.latest = row

    def _new(self, row: CaseRow) -> CaseFacts:
        person: dict[str, Any] = {
            "crn": row.crn,
            "forename": row.forename,
            "surname": row.surname,
            "pdu_id": row.pdu,
        }
        for name in self._person_fields:
            value = row[_FIELD_INDEX[name]]
            if value is not None:
                person[name] = value
        facts = CaseFacts(str(row.crn), row.row, person, row)
        facts.events[row.sentence_date] = self._event(row)  # type: ignore[index]
        return facts

    def _event(self, row: CaseRow) -> dict[str, Any]:
        values: dict[str, Any] = {
            "sentence_type": row.sentence_type,
            "sentence_date": row.sentence_date,
        }
        for name, index in self._event_fields:
            values[name] = row[index]
        if "requirements" in values:
            values["requirements"] = join_codes(values["requirements"])
        if "upw_intensive" in values:
            values["upw_intensive"] = bool(values["upw_intensive"])
        return values

    def _check_person(
        self, first: CaseRow, row: CaseRow, facts: CaseFacts, errors: list[RowError]
    ) -> None:
        for name in ("forename", "surname", "date_of_birth", "pdu"):
            value, other = self._person_value(row, name), self._person_value(first, name)
            if value is None or other is None:
                continue
            if str(value).casefold() != str(other).casefold():
                reason = f"disagrees with row {first.row} for {facts.crn}, which has {show(other)}"
                errors.append(self._error(row, name, value, reason))
        for name in self._person_fields:
            found = row[_FIELD_INDEX[name]]
            if found is not None:
                facts.person.setdefault(name, found)

    def _person_value(self, row: CaseRow, name: str) -> object:
        """A detail of the person as the user wrote it (a PDU by its name)."""
        if name == "pdu":
            return None if row.pdu is None else self.pdu_names.get(row.pdu, row.pdu)
        value = row[_FIELD_INDEX[name]]
        return shown(value) if isinstance(value, date) else value

    def _add_event(self, facts: CaseFacts, row: CaseRow, errors: list[RowError]) -> None:
        new = self._event(row)
        old = facts.events.get(row.sentence_date)  # type: ignore[arg-type]
        if old is None:
            facts.events[row.sentence_date] = new  # type: ignore[index]
            return
        for name, value in new.items():
            if name == "requirements":
                codes = set(filter(None, old[name].split(";"))) | set(
                    filter(None, value.split(";"))
                )
                old[name] = ";".join(sorted(codes))
            elif name == "upw_intensive":
                old[name] = old[name] or value
            elif old.get(name) is None:
                old[name] = value
            elif value is not None and value != old[name]:
                column = EVENT_COLUMNS.get(name, name)
                reason = (
                    f"disagrees with an earlier row for the same sentence of {facts.crn}, "
                    f"which has {show(shown(old[name]))}"
                )
                errors.append(self._error(row, column, value, reason))

    def _check_dates(self, row: CaseRow, errors: list[RowError]) -> None:
        """Dates that cannot be true: born or sentenced after today, ending before sentence."""
        born = row.date_of_birth
        if born is not None and born > self.as_at:
            errors.append(self._error(row, "date_of_birth", born, "is in the future"))
        elif born is not None and not MIN_AGE <= age_on(born, self.as_at) <= MAX_AGE:
            reason = (
                f"is not a plausible date of birth: the person would be "
                f"{age_on(born, self.as_at):,} years old ({MIN_AGE} to {MAX_AGE} are accepted)"
            )
            errors.append(self._error(row, "date_of_birth", born, reason))
        for name in ("assessment_date", "allocation_date"):
            value = getattr(row, name, None)
            if value is not None and value > self.as_at:
                errors.append(self._error(row, name, value, "is in the future"))
        if row.sentence_date is not None and row.sentence_date > self.as_at:
            reason = "is in the future: a sentence date is the day the court sentenced"
            errors.append(self._error(row, "sentence_date", row.sentence_date, reason))
        for name in ("sentence_end_date", "release_date"):
            value = getattr(row, name, None)
            if value is not None and row.sentence_date is not None and value < row.sentence_date:
                reason = f"is before the sentence date {shown(row.sentence_date)}"
                errors.append(self._error(row, name, value, reason))

    def _error(self, row: CaseRow, column: str, value: object, reason: str) -> RowError:
        return RowError(row.row, self.labels.get(column, column), _raw(value), reason)


def age_on(born: date, day: date) -> int:
    """Whole years of age on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _raw(value: object) -> object:
    """A typed value written back as the user would have typed it."""
    return shown(value) if isinstance(value, date | bool) else value
