"""Importing unpaid work sessions with attendance (SPEC.md 5): one row per person booked.

A session is a project on a date; its rows name the people booked, the
outcome (blank for a session still to come), their times and penalty, and a
stand-down's reason and notice. Every row of a session stood down with the
same reason makes the session stood down; a reason on some rows only sends
those people away alone. Credits follow the rules of recording attendance,
in date order. Refused, naming every bad row: an unknown outcome code, a CRN
with no unpaid work requirement, an unknown supervisor, times that make no
sense. Importing the same file again changes nothing.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any, NamedTuple

from sqlalchemy import select

from app.db.models import Person, Staff
from app.db.upw_models import UpwProject
from app.domain.codes import Role
from app.domain.columns import UPW_SESSION_COLUMNS, HeaderMapping
from app.domain.parsing import (
    ParseError,
    format_date,
    parse_crn,
    parse_date,
    parse_number,
    parse_staff_code,
    parse_time,
    show,
)
from app.domain.unpaid_work import NOTICES, OUTCOMES, STAND_DOWN_REASONS, Notice, Outcome
from app.domain.unpaid_work_booking import outcome_problem
from app.services.core.changes import Kind
from app.services.core.unit_of_work import touch
from app.services.imports.cells import BlockParser, Column, Parser
from app.services.imports.common import Context, parsed_rows, planned_report
from app.services.imports.lookups import PduLookup
from app.services.imports.reader import Table
from app.services.imports.report import ImportReport, RowError
from app.services.imports.upw_common import default_pdu, parse_project_code, row_pdu
from app.services.imports.upw_write import SessionWriter
from app.services.unpaid_work.projects import SUPERVISOR_GRADES
from app.services.unpaid_work.requirements import load_requirements


class SessionRow(NamedTuple):
    row: int
    project_code: str | None
    date: date | None
    supervisor_code: str | None
    crn: str | None
    outcome: Outcome | None
    start_time: time | None
    end_time: time | None
    penalty_minutes: float | None
    stand_down_reason: Any
    stand_down_notice: Notice | None
    pdu: int | None


class Booking(NamedTuple):
    """One checked row: who on which session, and what happened."""

    row: int
    project_id: int
    day: date
    person_id: int
    requirement_id: int
    crn: str
    supervisor_id: int | None
    outcome: Outcome | None
    start: time | None
    end: time | None
    penalty: int
    reason: str | None
    notice: Notice | None


def _crn(value: Any) -> str | None:
    text = None if value is None else str(value).strip()
    return parse_crn(text) if text else None


def _penalty(value: Any) -> float | None:
    number = parse_number(value, minimum=0)
    if number is not None and not number.is_integer():
        raise ParseError(f"{show(value)} is not a whole number of minutes")
    return number


def session_columns(pdus: PduLookup) -> list[Column]:
    parsers: dict[str, Parser] = {
        "project_code": parse_project_code,
        "date": parse_date,
        "supervisor_code": parse_staff_code,
        "crn": _crn,
        "outcome": OUTCOMES.parse,
        "start_time": parse_time,
        "end_time": parse_time,
        "penalty_minutes": _penalty,
        "stand_down_reason": STAND_DOWN_REASONS.parse,
        "stand_down_notice": NOTICES.parse,
        "pdu": pdus,
    }
    required = {"project_code", "date", "crn"}
    return [Column(n, parsers[n], n in required) for n in SessionRow._fields[1:]]


class _Lookups:
    """Projects, supervisors and people the rows name."""

    def __init__(self, ctx: Context) -> None:
        session = ctx.session
        self.projects = {(p.pdu_id, p.code): p for p in session.scalars(select(UpwProject))}
        self.supervisors: dict[str, tuple[int, str]] = {
            code.upper(): (sid, grade)
            for sid, code, grade in session.execute(select(Staff.id, Staff.staff_code, Staff.grade))
        }
        self.people = {
            crn: (pid, pdu)
            for pid, crn, pdu in session.execute(select(Person.id, Person.crn, Person.pdu_id))
        }


class SessionImport:
    """Checks, plans and writes one file of sessions with attendance."""

    kind = "upw-sessions"
    roles = (Role.UPW_MANAGER, Role.ADMIN, Role.SYSTEM)
    """Who imports unpaid work files (SPEC.md 1)."""
    columns = UPW_SESSION_COLUMNS

    def __init__(self) -> None:
        self.rows = 0
        self.bookings: list[Booking] = []
        self.writer: SessionWriter | None = None
        self.report: ImportReport | None = None

    def check(self, ctx: Context, table: Table, mapping: HeaderMapping) -> list[RowError]:
        pdus = PduLookup(ctx.session, ctx.actor)
        fallback = default_pdu(ctx, pdus)
        found = _Lookups(ctx)
        parser = BlockParser(mapping, table.headers, session_columns(pdus))
        self.labels = dict(zip(SessionRow._fields[1:], parser.labels, strict=True))
        errors: list[RowError] = []
        seen: dict[tuple[int, date, str], int] = {}
        supervisors: dict[tuple[int, date], tuple[int | None, int]] = {}
        for values in parsed_rows(table, parser, errors, ctx.progress):
            self.rows += 1
            row = SessionRow._make(values)
            booking = self._check_row(
                ctx, row, row_pdu(row.row, row.pdu, fallback, errors), found, errors
            )
            if booking is None:
                continue
            key = (booking.project_id, booking.day, booking.crn)
            if key in seen:
                errors.append(
                    self._error(
                        row, "crn", row.crn, f"is booked twice on this session (row {seen[key]})"
                    )
                )
                continue
            seen[key] = row.row
            first = supervisors.setdefault(
                (booking.project_id, booking.day), (booking.supervisor_id, row.row)
            )
            if "supervisor_code" in mapping.indexes and first[0] != booking.supervisor_id:
                reason = f"disagrees with row {first[1]} on the session's supervisor"
                errors.append(self._error(row, "supervisor_code", row.supervisor_code, reason))
            self.bookings.append(booking)
        return errors

    def _error(self, row: SessionRow, column: str, value: object, reason: str) -> RowError:
        return RowError(row.row, self.labels.get(column, column), value, reason)

    def _check_row(
        self,
        ctx: Context,
        row: SessionRow,
        pdu: int | None,
        found: _Lookups,
        errors: list[RowError],
    ) -> Booking | None:
        if None in (row.project_code, row.date, row.crn) or pdu is None:
            return None
        assert row.project_code is not None and row.date is not None and row.crn is not None
        before = len(errors)
        project = found.projects.get((pdu, row.project_code))
        if project is None:
            errors.append(
                self._error(
                    row,
                    "project_code",
                    row.project_code,
                    "is not a project of this PDU: import the projects first",
                )
            )
        supervisor_id = self._supervisor(row, found, errors)
        person = found.people.get(row.crn)
        requirement_id = None
        if person is None or person[1] != pdu:
            errors.append(self._error(row, "crn", row.crn, "is not a case of this PDU"))
        else:
            requirement_id = self._requirement(ctx, row, person[0], errors)
        self._check_outcome(ctx, row, project, errors)
        if len(errors) > before or project is None or person is None or requirement_id is None:
            return None
        reason = row.stand_down_reason.value if row.stand_down_reason is not None else None
        return Booking(
            row.row,
            project.id,
            row.date,
            person[0],
            requirement_id,
            row.crn,
            supervisor_id,
            row.outcome,
            row.start_time,
            row.end_time,
            int(row.penalty_minutes or 0),
            reason,
            row.stand_down_notice,
        )

    def _supervisor(self, row: SessionRow, found: _Lookups, errors: list[RowError]) -> int | None:
        if row.supervisor_code is None:
            return None
        known = found.supervisors.get(row.supervisor_code)
        if known is None:
            errors.append(
                self._error(
                    row,
                    "supervisor_code",
                    row.supervisor_code,
                    "is not a staff code of anyone known: import the staff extract first",
                )
            )
            return None
        if known[1] not in SUPERVISOR_GRADES:
            errors.append(
                self._error(
                    row,
                    "supervisor_code",
                    row.supervisor_code,
                    "is not a community payback supervisor",
                )
            )
            return None
        return known[0]

    def _requirement(
        self, ctx: Context, row: SessionRow, person_id: int, errors: list[RowError]
    ) -> int | None:
        assert row.date is not None
        for record in load_requirements(ctx.session, person_id):
            if record.facts.is_running(row.date):
                return record.id
        reason = f"has no unpaid work requirement running on {format_date(row.date)}"
        errors.append(self._error(row, "crn", row.crn, reason))
        return None

    def _check_outcome(
        self, ctx: Context, row: SessionRow, project: UpwProject | None, errors: list[RowError]
    ) -> None:
        assert row.date is not None
        if row.outcome is not None:
            problem = outcome_problem(row.outcome, row.date, ctx.as_at)
            if problem:
                errors.append(
                    self._error(row, "outcome", row.outcome.value, problem[0].lower() + problem[1:])
                )
        start = row.start_time or (project.start_time if project else None)
        end = row.end_time or (project.end_time if project else None)
        if start is not None and end is not None:
            length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            if length <= 0:
                errors.append(
                    self._error(
                        row,
                        "end_time",
                        f"{end:%H:%M}",
                        f"is not after the start time {start:%H:%M}",
                    )
                )
            elif (row.penalty_minutes or 0) > length:
                errors.append(
                    self._error(
                        row,
                        "penalty_minutes",
                        row.penalty_minutes,
                        f"is longer than the {length} minutes worked",
                    )
                )
        if row.stand_down_reason is not None:
            if row.outcome not in (Outcome.AASD, Outcome.ATSS):
                errors.append(
                    self._error(
                        row,
                        "stand_down_reason",
                        row.stand_down_reason.value,
                        "goes with the outcome AASD (in advance) or ATSS (on the day)",
                    )
                )
            elif row.stand_down_notice is None:
                errors.append(
                    self._error(
                        row,
                        "stand_down_notice",
                        None,
                        "a stand-down needs its notice: advance or on_the_day",
                    )
                )

    def plan(self, ctx: Context) -> ImportReport:
        self.writer = writer = SessionWriter(ctx, self.bookings)
        self.report = planned_report(
            ctx,
            self,
            added=writer.added,
            changed=writer.changed,
            unchanged=writer.unchanged,
            changes=writer.changes,
            notes=writer.notes,
        )
        return self.report

    def write(self, ctx: Context) -> frozenset[int]:
        assert self.writer is not None
        self.writer.write()
        for kind in (
            Kind.UPW_SESSION,
            Kind.UPW_PLACEMENT,
            Kind.UPW_ATTENDANCE,
            Kind.UPW_STAND_DOWN,
        ):
            touch(ctx.session, kind, bulk=True)
        return frozenset()

    def audit_extra(self) -> dict[str, Any]:
        assert self.writer is not None
        return {
            "sessions_added": self.writer.sessions_added,
            "bookings": [c.key for c in self.writer.changes],
        }
