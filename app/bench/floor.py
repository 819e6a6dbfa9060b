"""The import figure's floor: the plainest correct way to load the extract (SPEC.md 8).

Parse the CSV with :mod:`csv` and ``executemany`` prepared tuples into the same
tables (person, sentence, assessment, tier, allocation, caseload row) with the
same indexes, in one transaction. No checking, matching or tier calculation,
and no Python dict per row: what is left is the parsing and SQLite's own work.
(``app.bench.extract.dict_rows_import`` is the earlier, slower stand-in that
built a dict per row per table.)
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from app import clock
from app.bench.data import NEEDS
from app.bench.sql import BATCH, Practitioner, connect, iso
from app.domain.cases import allocation_clock_start, name_key
from app.domain.codes import SentenceType

_TYPES = {"CO": "CO", "SSO": "SSO", "Licence": "LICENCE", "PSS": "PSS", "Custody": "CUSTODY"}
_ROSH = {"Low": "LOW", "Medium": "MEDIUM", "High": "HIGH", "Very High": "VERY_HIGH", "": None}
_ROSH_RANK = {None: 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3, "VERY_HIGH": 4}
_SEVERITY = {"none": "NO_NEED", "standard": "STANDARD", "severe": "SEVERE"}
_REQUIREMENTS = {"UPW": "UPW", "RAR": "RAR", "Programme": "PROGRAMME", "Curfew": "CURFEW"}
_REQUIREMENTS["EM"] = "EM"

_SQL = {
    "person": (
        "id, crn, forename, surname, date_of_birth, gender, pdu_id,"
        " female_practitioner_requested, version"
    ),
    "event": (
        "id, person_id, sentence_type, sentence_date, release_date, end_date, requirements,"
        " upw_hours_ordered, upw_intensive"
    ),
    "assessment": (
        "id, person_id, assessment_date, rosh, rsr_percent, ogrs_percent, mappa_level,"
        " complexity_factors, iom_nominal, parenting_responsibilities,"
        " impulsivity_or_temper_control, previous_enforcement, needs, has_full_assessment,"
        " recorded_at"
    ),
    "tier_record": (
        "id, person_id, tier, protect, change, unsupervised, model, source, explanation,"
        " effective_date, assessment_id, recorded_at"
    ),
    "allocation": (
        "id, person_id, staff_id, start_date, note, outside_policy, policy_reason,"
        " safeguard_warning, safeguard_reason, recorded_at"
    ),
    "caseload_row": (
        "person_id, pdu_id, crn, forename, surname, name_key, date_of_birth, gender,"
        " sentence_type, sentence_date, release_date, end_date, clock_start, requirements,"
        " tier, tier_rank, rosh, rosh_rank, rsr_percent, ogrs_percent, mappa_level,"
        " unallocated, female_practitioner_requested, upw_hours_ordered, open_reviews, version,"
        " staff_id, practitioner_name, practitioner_key, practitioner_grade, team_id, team_name,"
        " pod_id, pod_name, allocated_on"
    ),
}
INSERTS = {
    table: f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * (cols.count(',') + 1))})"
    for table, cols in _SQL.items()
}


def _iso(uk: str) -> str | None:
    """dd/mm/yyyy as SQLite stores a date (yyyy-mm-dd)."""
    return f"{uk[6:10]}-{uk[3:5]}-{uk[:2]}" if uk else None


def _day(text: str | None) -> date:
    assert text is not None
    return date.fromisoformat(text)


def _rows(row: list[str], pid: int, pdu_id: int, holder: Practitioner | None, now: str) -> Any:
    """The tuples of one extract line, one per table (no allocation when unallocated)."""
    (crn, forename, surname, born, gender, _pdu, kind, sentenced, released, ends, reqs, rosh,
     rsr, ogrs, mappa, *rest) = row  # fmt: skip
    needs, (assessed, _code, allocated, female, upw) = rest[: len(NEEDS)], rest[len(NEEDS) :]
    sentence_type, rosh_code = _TYPES[kind], _ROSH[rosh]
    requirements = ";".join(_REQUIREMENTS[r] for r in reqs.split(";") if r)
    hours = float(upw) if upw else None
    sentence_date, release_date, end_date = _iso(sentenced), _iso(released), _iso(ends)
    dob, is_female, mappa_level = _iso(born), female == "Y", int(mappa) if mappa else None
    needs_json = json.dumps(dict(zip(NEEDS, (_SEVERITY[n] for n in needs), strict=True)))
    person = (pid, crn, forename, surname, dob, gender, pdu_id, is_female, 1)
    event = (pid, pid, sentence_type, sentence_date, release_date, end_date, requirements,
             hours, False)  # fmt: skip
    assessment = (pid, pid, _iso(assessed), rosh_code, float(rsr), int(ogrs), mappa_level, "",
                  False, False, False, False, needs_json, True, now)  # fmt: skip
    tier = (pid, pid, None, None, None, False, "TWO_AXIS_2021", "computed", "", now[:10], pid,
            now)  # fmt: skip
    clock_start = allocation_clock_start(
        SentenceType(sentence_type), _day(sentence_date), _day(release_date) if released else None
    ).isoformat()
    staff: tuple[Any, ...] = (None, "", "", None, None, "", None, "", None)
    allocation = None
    if holder is not None:
        start = _iso(allocated)
        staff = (holder.id, f"{holder.forename} {holder.surname}",
                 f"{holder.surname} {holder.forename}".casefold(), holder.grade, holder.team_id,
                 holder.team_name, holder.pod_id, holder.pod_name, start)  # fmt: skip
        allocation = (pid, pid, holder.id, start, "", False, "", "", "", now)
    caseload = (pid, pdu_id, crn, forename, surname, name_key(surname, forename), dob, gender,
                sentence_type, sentence_date, release_date, end_date, clock_start, requirements,
                None, 0, rosh_code, _ROSH_RANK[rosh_code], float(rsr), int(ogrs), mappa_level,
                holder is None, is_female, hours, 0, 1, *staff)  # fmt: skip
    return person, event, assessment, tier, allocation, caseload


def _lines(path: Path) -> Iterator[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        yield from reader


def floor_import(db_path: Path, extract: Path, staff: Sequence[Practitioner], pdu_id: int) -> None:
    """CSV parse and ``executemany`` of prepared tuples into the same tables, one commit."""
    by_code = {p.code: p for p in staff}
    now = iso(clock.now().replace(tzinfo=None))
    assert now is not None
    tables = ("person", "event", "assessment", "tier_record", "allocation", "caseload_row")
    db = connect(db_path)
    with db:
        lines = _lines(extract)
        number = 0
        while batch := list(islice(lines, BATCH)):
            columns: list[list[Any]] = [[] for _ in tables]
            for row in batch:
                number += 1
                holder = by_code.get(row[len(row) - 4])
                for out, values in zip(
                    columns, _rows(row, number, pdu_id, holder, now), strict=True
                ):
                    if values is not None:
                        out.append(values)
            for table, values in zip(tables, columns, strict=True):
                db.executemany(INSERTS[table], values)
    db.close()
