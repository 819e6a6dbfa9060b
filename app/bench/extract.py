"""The caseload extract of the import figure, and its floor (SPEC.md 8).

The extract uses the column names of SPEC.md 5. ``dict_rows_import`` parses it
into a dict per row per table and writes those; the true floor (prepared
tuples) is ``app.bench.floor``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from app import clock
from app.bench.data import NEEDS, CaseSpec, case_specs
from app.bench.sql import BATCH, Practitioner, case_rows, connect, insert_rows, iso
from app.db.models import Base

HEADER = (
    *("crn", "forename", "surname", "date_of_birth", "gender", "pdu", "sentence_type"),
    *("sentence_date", "release_date", "sentence_end_date", "requirements", "rosh"),
    *("rsr_percent", "ogrs_percent", "mappa_level"),
    *("need_accommodation", "need_ete", "need_relationships", "need_lifestyle"),
    *("need_drugs", "need_alcohol", "need_thinking_behaviour", "need_attitudes"),
    *("assessment_date", "practitioner_code", "allocation_date"),
    *("female_practitioner_requested", "upw_hours_ordered"),
)
_TYPES = {"CO": "CO", "SSO": "SSO", "LICENCE": "Licence", "PSS": "PSS", "CUSTODY": "Custody"}
_ROSH = {"LOW": "Low", "MEDIUM": "Medium", "HIGH": "High", "VERY_HIGH": "Very High", None: ""}
_SEVERITY = {"NO_NEED": "none", "STANDARD": "standard", "SEVERE": "severe"}
_REQUIREMENTS = {"UPW": "UPW", "RAR": "RAR", "PROGRAMME": "Programme", "CURFEW": "Curfew"}
_REQUIREMENTS["EM"] = "EM"


def _uk(day: date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def _from_uk(text: str) -> date | None:
    return date(int(text[6:10]), int(text[3:5]), int(text[:2])) if text else None


def extract_row(spec: CaseSpec, pdu_number: int, staff: Sequence[Practitioner]) -> list[str]:
    """One extract line of a case, as NDelius-derived reports write it."""
    holder = "" if spec.practitioner is None else staff[spec.practitioner].code
    return [
        spec.crn, spec.forename, spec.surname, _uk(spec.date_of_birth), spec.gender,
        str(pdu_number), _TYPES[spec.sentence_type], _uk(spec.sentence_date),
        _uk(spec.release_date), _uk(spec.end_date),
        ";".join(_REQUIREMENTS[r] for r in spec.requirements), _ROSH[spec.rosh],
        f"{spec.rsr_percent:.2f}", str(spec.ogrs_percent),
        "" if spec.mappa_level is None else str(spec.mappa_level),
        *(_SEVERITY[n] for n in spec.needs), _uk(spec.assessment_date), holder,
        _uk(spec.allocation_date), "Y" if spec.female_requested else "N",
        "" if spec.upw_hours is None else f"{spec.upw_hours:g}",
    ]  # fmt: skip


def write_extract(
    path: Path, cases: int, pdu_number: int, staff: Sequence[Practitioner], today: date
) -> None:
    """A caseload extract of ``cases`` rows for one PDU, in UTF-8 CSV."""
    specs = case_specs(cases, 1, len(staff), today, seed=2)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(extract_row(spec, pdu_number, staff) for spec in specs)


_BACK_TYPES = {v: k for k, v in _TYPES.items()}
_BACK_ROSH = {v: k for k, v in _ROSH.items()}
_BACK_NEEDS = {v: k for k, v in _SEVERITY.items()}
_BACK_REQUIREMENTS = {v: k for k, v in _REQUIREMENTS.items()}


def _spec(number: int, row: list[str], by_code: dict[str, int]) -> CaseSpec:
    """A parsed extract line, taken at its word (the floor checks nothing)."""
    (crn, forename, surname, born, gender, _pdu, kind, sentenced, released, ends, reqs, rosh,
     rsr, ogrs, mappa, *rest) = row  # fmt: skip
    needs, (assessed, holder, allocated, female, upw) = rest[: len(NEEDS)], rest[len(NEEDS) :]
    end = _from_uk(ends)
    assert end is not None
    return CaseSpec(
        number, crn, forename, surname, _from_uk(born) or date.min, gender, 0,
        _BACK_TYPES[kind], _from_uk(sentenced) or date.min, _from_uk(released), end,
        tuple(_BACK_REQUIREMENTS[r] for r in reqs.split(";") if r), float(upw) if upw else None,
        _BACK_ROSH[rosh], float(rsr), int(ogrs), int(mappa) if mappa else None,
        tuple(_BACK_NEEDS[n] for n in needs), _from_uk(assessed) or date.min,
        by_code[holder] if holder else None, _from_uk(allocated), female == "Y", None,
    )  # fmt: skip


def _rows(
    path: Path, staff: Sequence[Practitioner], pdu_id: int
) -> Iterator[dict[type[Base], Any]]:
    by_code = {p.code: i for i, p in enumerate(staff)}
    now = iso(clock.now().replace(tzinfo=None))
    assert now is not None
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for number, row in enumerate(reader, start=1):
            spec = _spec(number, row, by_code)
            holder = None if spec.practitioner is None else staff[spec.practitioner]
            yield case_rows(spec, number, pdu_id, holder, now)


def dict_rows_import(
    db_path: Path, extract: Path, staff: Sequence[Practitioner], pdu_id: int
) -> None:
    """CSV parse into a dict per row per table, then ``executemany``, one commit.

    Not a floor: building six dicts a line costs about as much again as writing
    them. The figure's floor is ``app.bench.floor.floor_import``; this stays as a
    second point of comparison.
    """
    db = connect(db_path)
    with db:
        cases = _rows(extract, staff, pdu_id)
        while batch := list(islice(cases, BATCH)):
            tables: dict[type[Base], list[dict[str, Any]]] = {}
            for rows in batch:
                for model, row in rows.items():
                    tables.setdefault(model, []).append(row)
            for model, table_rows in tables.items():
                insert_rows(db, model, table_rows)
    db.close()
