"""The rows of a staff extract as typed records; one record per staff code (SPEC.md 5)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from app.domain import coded
from app.domain.codes import Specialism
from app.domain.parsing import (
    ParseError,
    parse_date,
    parse_name,
    parse_number,
    parse_staff_code,
    show,
)
from app.services.imports.cells import Column, Parser
from app.services.imports.lookups import PduLookup
from app.services.imports.report import RowError, shown


class StaffRow(NamedTuple):
    """One parsed row of a staff extract; fields follow ``STAFF_COLUMNS``."""

    row: int
    staff_code: str | None
    forename: str | None
    surname: str | None
    grade: str | None
    pdu: int | None
    team: str | None
    pod: str | None
    contracted_hours: float | None
    gender: str | None
    specialisms: frozenset[Specialism] | None
    start_date: date | None
    leave_date: date | None


def parse_contracted_hours(value: Any) -> float | None:
    """Contracted hours a week: more than 0, at most the 168 hours of a week."""
    hours = parse_number(value, minimum=0)
    if hours is not None and not 0 < hours <= 168:
        raise ParseError(f"{show(value)} is not a number of hours a week (more than 0)")
    return hours


def staff_columns(pdus: PduLookup) -> list[Column]:
    """How to read each staff column, in ``StaffRow`` order."""
    parsers: dict[str, Parser] = {
        "staff_code": parse_staff_code,
        "forename": parse_name,
        "surname": parse_name,
        "grade": coded.parse_grade,
        "pdu": pdus,
        "team": parse_name,
        "pod": parse_name,
        "contracted_hours": parse_contracted_hours,
        "gender": coded.parse_gender,
        "specialisms": coded.parse_specialisms,
        "start_date": parse_date,
        "leave_date": parse_date,
    }
    required = {"staff_code", "forename", "surname", "grade", "pdu"}
    unique = {"staff_code", "forename", "surname"}
    return [
        Column(name, parsers[name], name in required, name not in unique)
        for name in StaffRow._fields[1:]
    ]


class StaffGrouper:
    """One row per staff code; a repeated code must repeat the same details."""

    def __init__(self, labels: Mapping[str, str], pdu_names: Mapping[int, str]) -> None:
        self.labels = labels
        self.pdu_names = pdu_names
        self.staff: dict[str, StaffRow] = {}

    def add(self, row: StaffRow, errors: list[RowError]) -> None:
        if row.staff_code is None:
            return
        if row.pod is not None and row.team is None:
            errors.append(self._error(row, "team", None, "a POD needs its team: name the team"))
        if row.start_date and row.leave_date and row.leave_date < row.start_date:
            reason = f"is before the start date ({shown(row.start_date)})"
            errors.append(self._error(row, "leave_date", shown(row.leave_date), reason))
        first = self.staff.setdefault(row.staff_code, row)
        if first is row:
            return
        for index, name in enumerate(StaffRow._fields[2:], start=2):
            mine, theirs = row[index], first[index]
            if mine != theirs:
                reason = (
                    f"disagrees with row {first.row} for staff code {row.staff_code}, "
                    f"which has {show(shown(self._show(name, theirs)))}"
                )
                errors.append(self._error(row, name, self._show(name, mine), reason))

    def _show(self, name: str, value: object) -> object:
        if name == "pdu" and isinstance(value, int):
            return self.pdu_names.get(value, value)
        if isinstance(value, frozenset):
            return ";".join(sorted(value))
        return shown(value) if isinstance(value, date) else value

    def _error(self, row: StaffRow, column: str, value: object, reason: str) -> RowError:
        return RowError(row.row, self.labels.get(column, column), value, reason)
