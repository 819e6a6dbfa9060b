"""The bench database, written with raw SQL inserts into the real tables (STYLE.md).

The schema (and reference data) comes from ``open_store``; the rows then go in
through ``sqlite3.executemany``, including the caseload read model, because
building 250,000 cases through the importer would take the bench's time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table

from app import clock
from app.bench_data import NEEDS, CaseSpec, case_specs, practitioners_for
from app.db.engine import sqlite_url
from app.db.models import (
    Allocation,
    Assessment,
    Base,
    CaseloadRow,
    Event,
    Person,
    Pod,
    Staff,
    Team,
    TierRecord,
)
from app.domain.cases import allocation_clock_start, name_key
from app.domain.codes import SentenceType
from app.domain.tiering import tier_sort_key

BATCH = 20_000
_ROSH_RANK = {None: 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3, "VERY_HIGH": 4}
_GRADES = ("PO", "PO", "PSO", "PSO", "PQIP")


@dataclass(frozen=True)
class Practitioner:
    """A practitioner as the caseload read model shows them."""

    id: int
    code: str
    forename: str
    surname: str
    grade: str
    team_id: int
    team_name: str
    pod_id: int
    pod_name: str


def iso(value: date | datetime | None) -> str | None:
    """A date or timestamp as SQLAlchemy stores it in SQLite."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat()


def insert_sql(model: type[Base]) -> tuple[str, list[str]]:
    """``INSERT INTO table (...) VALUES (?, ...)`` for every column of a model."""
    table = _table(model)
    columns = [c.name for c in table.columns]
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})", columns


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def insert_rows(db: sqlite3.Connection, model: type[Base], rows: Iterable[dict[str, Any]]) -> None:
    sql, columns = insert_sql(model)
    db.executemany(sql, ([row.get(c) for c in columns] for row in rows))


def pdu_ids(db: sqlite3.Connection, numbers: Sequence[int]) -> list[int]:
    found = dict(db.execute("SELECT number, id FROM pdu").fetchall())
    return [found[n] for n in numbers]


def insert_staff(
    db: sqlite3.Connection, pdus: Sequence[int], per_pdu: int
) -> list[list[Practitioner]]:
    """Teams of 16 practitioners (three PODs each) in every PDU; the practitioners by PDU."""
    out: list[list[Practitioner]] = []
    number = 0
    for p, pdu_id in enumerate(pdus):
        people: list[Practitioner] = []
        for k in range(per_pdu):
            if k % 16 == 0:
                team_name = f"Team {p + 1}-{k // 16 + 1}"
                team_id = _insert(db, Team, pdu_id=pdu_id, name=team_name, version=1)
                pods = [
                    (_insert(db, Pod, team_id=team_id, name=f"POD {i}", version=1), f"POD {i}")
                    for i in (1, 2, 3)
                ]
            pod_id, pod_name = pods[k % 3]
            number += 1
            grade = _GRADES[number % len(_GRADES)]
            code, forename, surname = f"B{number:06d}", f"Prac{number}", f"Titioner{number}"
            values = {
                "staff_code": code,
                "forename": forename,
                "surname": surname,
                "grade": grade,
                "gender": "F" if number % 3 else "M",
                "contracted_hours": 37.0,
                "pdu_id": pdu_id,
                "team_id": team_id,
                "pod_id": pod_id,
                "specialisms": "",
                "version": 1,
            }
            staff_id = _insert(db, Staff, **values)
            people.append(
                Practitioner(
                    staff_id, code, forename, surname, grade, team_id, team_name, pod_id, pod_name
                )
            )
        out.append(people)
    return out


def _insert(db: sqlite3.Connection, model: type[Base], **values: Any) -> int:
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    cursor = db.execute(
        f"INSERT INTO {_table(model).name} ({columns}) VALUES ({marks})", list(values.values())
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _needs_json(spec: CaseSpec) -> str:
    return json.dumps(dict(zip(NEEDS, spec.needs, strict=True)))


def case_rows(
    spec: CaseSpec, pid: int, pdu_id: int, holder: Practitioner | None, now: str
) -> dict[type[Base], dict[str, Any]]:
    """The rows of one case in each table, keyed by model; ``pid`` is its id everywhere."""
    requirements = ";".join(spec.requirements)
    person = {
        "id": pid, "crn": spec.crn, "forename": spec.forename, "surname": spec.surname,
        "date_of_birth": iso(spec.date_of_birth), "gender": spec.gender, "pdu_id": pdu_id,
        "female_practitioner_requested": spec.female_requested, "version": 1,
    }  # fmt: skip
    event = {
        "id": pid, "person_id": pid, "sentence_type": spec.sentence_type,
        "sentence_date": iso(spec.sentence_date), "release_date": iso(spec.release_date),
        "end_date": iso(spec.end_date), "requirements": requirements,
        "upw_hours_ordered": spec.upw_hours, "upw_intensive": False,
    }  # fmt: skip
    assessment = {
        "id": pid, "person_id": pid, "assessment_date": iso(spec.assessment_date),
        "rosh": spec.rosh, "rsr_percent": spec.rsr_percent, "ogrs_percent": spec.ogrs_percent,
        "mappa_level": spec.mappa_level, "complexity_factors": "", "iom_nominal": False,
        "parenting_responsibilities": False, "impulsivity_or_temper_control": False,
        "previous_enforcement": False, "needs": _needs_json(spec), "has_full_assessment": True,
        "recorded_at": now,
    }  # fmt: skip
    tier = {
        "id": pid, "person_id": pid, "tier": spec.tier,
        "protect": spec.tier[0] if spec.tier else None,
        "change": int(spec.tier[1]) if spec.tier else None,
        "unsupervised": False, "model": "TWO_AXIS_2021",
        "source": "computed", "explanation": "", "effective_date": now[:10],
        "assessment_id": pid, "recorded_at": now,
    }  # fmt: skip
    rows: dict[type[Base], dict[str, Any]] = {
        Person: person, Event: event, Assessment: assessment, TierRecord: tier,
        CaseloadRow: caseload_row(spec, pid, pdu_id, holder),
    }  # fmt: skip
    if holder is not None:
        rows[Allocation] = {
            "id": pid, "person_id": pid, "staff_id": holder.id,
            "start_date": iso(spec.allocation_date), "note": "", "outside_policy": False,
            "policy_reason": "", "safeguard_warning": "", "safeguard_reason": "",
            "recorded_at": now,
        }  # fmt: skip
    return rows


def caseload_row(
    spec: CaseSpec, pid: int, pdu_id: int, holder: Practitioner | None
) -> dict[str, Any]:
    """The flattened read-model row, as ``app.db.readmodel`` would build it."""
    kind = SentenceType(spec.sentence_type)
    clock_start = allocation_clock_start(kind, spec.sentence_date, spec.release_date)
    row = {
        "person_id": pid, "pdu_id": pdu_id, "crn": spec.crn, "forename": spec.forename,
        "surname": spec.surname, "name_key": name_key(spec.surname, spec.forename),
        "date_of_birth": iso(spec.date_of_birth), "gender": spec.gender,
        "sentence_type": spec.sentence_type, "sentence_date": iso(spec.sentence_date),
        "release_date": iso(spec.release_date), "end_date": iso(spec.end_date),
        "clock_start": iso(clock_start), "requirements": ";".join(spec.requirements),
        "tier": spec.tier, "tier_rank": tier_sort_key(spec.tier), "rosh": spec.rosh,
        "rosh_rank": _ROSH_RANK[spec.rosh], "rsr_percent": spec.rsr_percent,
        "ogrs_percent": spec.ogrs_percent, "mappa_level": spec.mappa_level,
        "unallocated": holder is None, "female_practitioner_requested": spec.female_requested,
        "upw_hours_ordered": spec.upw_hours, "open_reviews": 0, "version": 1,
        "practitioner_name": "", "practitioner_key": "", "team_name": "", "pod_name": "",
    }  # fmt: skip
    if holder is not None:
        row.update(
            staff_id=holder.id,
            practitioner_name=f"{holder.forename} {holder.surname}",
            practitioner_key=f"{holder.surname} {holder.forename}".casefold(),
            practitioner_grade=holder.grade,
            team_id=holder.team_id,
            team_name=holder.team_name,
            pod_id=holder.pod_id,
            pod_name=holder.pod_name,
            allocated_on=iso(spec.allocation_date),
        )
    return row


def _batches(specs: Iterator[CaseSpec]) -> Iterator[list[CaseSpec]]:
    while batch := list(islice(specs, BATCH)):
        yield batch


def connect(path: Path) -> sqlite3.Connection:
    """A raw connection for bulk writing: the bench's own file, so no full sync."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    return db


def create_schema(path: Path) -> None:
    """An empty store at ``path``: schema and reference data, as the app makes it."""
    from app.services.core.store import open_store

    open_store(sqlite_url(path)).close()


def build_database(path: Path, cases: int, pdu_numbers: Sequence[int], seed: int = 1) -> None:
    """A store of ``cases`` active cases spread over the PDUs, with staff and read model."""
    create_schema(path)
    now = iso(clock.now().replace(tzinfo=None))
    assert now is not None
    db = connect(path)
    with db:
        pdus = pdu_ids(db, pdu_numbers)
        per_pdu = -(-practitioners_for(cases) // len(pdus))
        staff = insert_staff(db, pdus, per_pdu)
        specs = case_specs(cases, len(pdus), per_pdu, clock.today(), seed)
        for batch in _batches(specs):
            tables: dict[type[Base], list[dict[str, Any]]] = {}
            for spec in batch:
                p = spec.pdu_index
                holder = None if spec.practitioner is None else staff[p][spec.practitioner]
                for model, row in case_rows(spec, spec.number + 1, pdus[p], holder, now).items():
                    tables.setdefault(model, []).append(row)
            for model, rows in tables.items():
                insert_rows(db, model, rows)
        db.execute("ANALYZE")  # as an import leaves it (readmodel.analyse)
    db.close()
