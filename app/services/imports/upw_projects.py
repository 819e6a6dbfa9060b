"""Importing unpaid work projects (SPEC.md 5): what teams keep in spreadsheets today.

Projects match on their code within a PDU; a column the file lacks leaves
the stored value alone; importing the same file again changes nothing.
"""

from __future__ import annotations

from datetime import time
from typing import Any, NamedTuple

from sqlalchemy import select

from app.db.upw_models import UpwProject
from app.domain import coded
from app.domain.codes import Role
from app.domain.columns import UPW_PROJECT_COLUMNS, HeaderMapping
from app.domain.parsing import (
    ParseError,
    clean_text,
    parse_days,
    parse_name,
    parse_number,
    parse_time,
    show,
)
from app.domain.unpaid_work import PROJECT_TYPES
from app.services.core.changes import Kind
from app.services.core.unit_of_work import touch
from app.services.imports.cells import BlockParser, Column, Parser
from app.services.imports.common import Context, diff_payload, parsed_rows, planned_report
from app.services.imports.lookups import PduLookup
from app.services.imports.reader import Table
from app.services.imports.report import FieldChange, ImportReport, RecordChange, RowError
from app.services.imports.upw_common import default_pdu, parse_project_code, row_pdu
from app.services.unpaid_work.projects import days_of, days_text

DEFAULT_START, DEFAULT_END = time(9, 0), time(16, 0)
COMPARED = (
    "name",
    "project_type",
    "places",
    "days",
    "start_time",
    "end_time",
    "women_only",
    "high_rosh_suitable",
    "beneficiary",
    "address",
)


class ProjectRow(NamedTuple):
    row: int
    project_code: str | None
    name: str | None
    type: Any
    places: float | None
    days: frozenset[int] | None
    start_time: time | None
    end_time: time | None
    women_only: bool | None
    high_rosh_suitable: bool | None
    beneficiary: str | None
    address: str | None
    pdu: int | None


def parse_places(value: Any) -> int | None:
    number = parse_number(value, minimum=0)
    if number is None:
        return None
    if not number.is_integer() or not 1 <= number <= 100:
        raise ParseError(f"{show(value)} is not a number of places (a whole number, 1 to 100)")
    return int(number)


def _days(value: Any) -> frozenset[int] | None:
    found = parse_days(value)
    return found or None


def project_columns(pdus: PduLookup) -> list[Column]:
    parsers: dict[str, Parser] = {
        "project_code": parse_project_code,
        "name": parse_name,
        "type": PROJECT_TYPES.parse,
        "places": parse_places,
        "days": _days,
        "start_time": parse_time,
        "end_time": parse_time,
        "women_only": coded.parse_yes_no,
        "high_rosh_suitable": coded.parse_yes_no,
        "beneficiary": clean_text,
        "address": clean_text,
        "pdu": pdus,
    }
    required = {"project_code", "name", "type", "places"}
    return [Column(n, parsers[n], n in required) for n in ProjectRow._fields[1:]]


class ProjectImport:
    """Checks, plans and writes one file of unpaid work projects."""

    kind = "upw-projects"
    roles = (Role.UPW_MANAGER, Role.ADMIN, Role.SYSTEM)
    """Who imports unpaid work files (SPEC.md 1)."""
    columns = UPW_PROJECT_COLUMNS

    def __init__(self) -> None:
        self.rows = 0
        self.present: frozenset[str] = frozenset()
        self.projects: dict[tuple[int, str], dict[str, Any]] = {}
        self.new: list[dict[str, Any]] = []
        self.updates: dict[int, dict[str, Any]] = {}
        self.report: ImportReport | None = None

    def check(self, ctx: Context, table: Table, mapping: HeaderMapping) -> list[RowError]:
        pdus = PduLookup(ctx.session, ctx.actor)
        fallback = default_pdu(ctx, pdus)
        self.present = frozenset(mapping.indexes)
        parser = BlockParser(mapping, table.headers, project_columns(pdus))
        labels = dict(zip(ProjectRow._fields[1:], parser.labels, strict=True))
        errors: list[RowError] = []
        seen: dict[tuple[int, str], int] = {}
        for values in parsed_rows(table, parser, errors, ctx.progress):
            self.rows += 1
            row = ProjectRow._make(values)
            pdu = row_pdu(row.row, row.pdu, fallback, errors)
            if row.project_code is None or pdu is None:
                continue
            start, end = row.start_time or DEFAULT_START, row.end_time or DEFAULT_END
            if end <= start:
                reason = f"is not after the start time {start:%H:%M}"
                errors.append(RowError(row.row, labels["end_time"], f"{end:%H:%M}", reason))
            key = (pdu, row.project_code)
            if key in seen:
                reason = f"appears again: row {seen[key]} has the same project code"
                errors.append(RowError(row.row, labels["project_code"], row.project_code, reason))
                continue
            seen[key] = row.row
            self.projects[key] = self._values(row, start, end)
        return errors

    def _values(self, row: ProjectRow, start: time, end: time) -> dict[str, Any]:
        values: dict[str, Any] = {
            "name": row.name,
            "project_type": row.type.value if row.type is not None else None,
            "places": row.places,
        }
        optional = {
            "days": days_text(row.days) if row.days else "",
            "start_time": start,  # a new project without times runs 09:00 to 16:00
            "end_time": end,
            "women_only": bool(row.women_only),
            "high_rosh_suitable": bool(row.high_rosh_suitable),
            "beneficiary": row.beneficiary or "",
            "address": row.address or "",
        }
        for name, value in optional.items():
            if name in self.present:
                values[name] = value
        return values

    def plan(self, ctx: Context) -> ImportReport:
        stored = {
            (p.pdu_id, p.code): p
            for p in ctx.session.scalars(
                select(UpwProject).where(UpwProject.pdu_id.in_({k[0] for k in self.projects}))
            )
        }
        changes: list[RecordChange] = []
        unchanged = 0
        for (pdu, code), values in self.projects.items():
            old = stored.get((pdu, code))
            if old is None:
                self.new.append({"pdu_id": pdu, "code": code, **values})
                changes.append(RecordChange("added", code, str(values["name"])))
                continue
            fields = [
                FieldChange(name, _shown(name, getattr(old, name)), _shown(name, value))
                for name, value in values.items()
                if name in COMPARED and value != getattr(old, name)
            ]
            if fields:
                self.updates[old.id] = {f: values[f] for f in values if f in COMPARED}
                changes.append(RecordChange("changed", code, old.name, tuple(fields)))
            else:
                unchanged += 1
        self.report = planned_report(
            ctx,
            self,
            added=len(self.new),
            changed=len(self.updates),
            unchanged=unchanged,
            changes=changes,
            notes=(),
        )
        return self.report

    def write(self, ctx: Context) -> frozenset[int]:
        session = ctx.session
        for values in self.new:
            session.add(UpwProject(active=True, version=1, **_defaults(values)))
        for project_id, values in self.updates.items():
            project = session.get(UpwProject, project_id)
            assert project is not None
            for name, value in values.items():
                setattr(project, name, value)
            project.version += 1
        session.flush()
        touch(session, Kind.UPW_PROJECT, bulk=True)
        return frozenset()

    def audit_extra(self) -> dict[str, Any]:
        assert self.report is not None
        return diff_payload(self.report)


def _defaults(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "start_time": DEFAULT_START,
        "end_time": DEFAULT_END,
        "days": "",
        "women_only": False,
        "high_rosh_suitable": False,
        "beneficiary": "",
        "address": "",
    } | values


def _shown(name: str, value: Any) -> Any:
    if name == "days" and isinstance(value, str):
        labels = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        return ",".join(labels[d] for d in sorted(days_of(value))) or None
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value
