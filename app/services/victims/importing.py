"""Importing VCS cases (SPEC.md 5): all or nothing, matched on the case reference.

A row names the person (CRN, already imported), the case reference, the
eligibility basis and the referral date, and may give the VLO (a username,
or the staff code of the VLO's staff record), the contact dates and the
sentence's dates. Importing creates the tasks due from those dates.
Victims' own names and details are never in this file: they are entered
or imported in the window by a VLO (:mod:`.victim_import`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select

from app.db.models import AppUser, Event, Person, Staff, UserRole
from app.db.victim_models import VcsCase
from app.domain.codes import Role
from app.domain.columns import VCS_CASE_COLUMNS, HeaderMapping
from app.domain.parsing import ParseError, clean_text, parse_crn, parse_date, show
from app.domain.victims import ELIGIBILITY, SECURITY_CATEGORIES
from app.services.imports.cells import BlockParser, Column
from app.services.imports.common import Context, parsed_rows, planned_report
from app.services.imports.reader import Table
from app.services.imports.report import FieldChange, ImportReport, RecordChange, RowError, shown
from app.services.victims.planning import replan

FIELDS = (
    "eligibility",
    "referral_date",
    "vlo_user_id",
    "opted_in_date",
    "opted_out_date",
    "first_offer_date",
    "parole_review_date",
    "expected_release_date",
    "security_category",
)


class VcsRow(NamedTuple):
    row: int
    crn: str | None
    vcs_case_ref: str | None
    eligibility: Any
    referral_date: date | None
    vlo_code: str | None
    opted_in_date: date | None
    opted_out_date: date | None
    first_offer_date: date | None
    parole_review_date: date | None
    expected_release_date: date | None
    security_category: Any


def parse_case_ref(value: object) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    if len(text) > 40 or any(ch.isspace() for ch in text):
        raise ParseError(f"{show(value)} is not a case reference (up to 40 letters and digits)")
    return text


def _crn(value: object) -> str | None:
    text = clean_text(value)
    return None if text is None else parse_crn(text)


COLUMNS = [
    Column("crn", _crn, True),
    Column("vcs_case_ref", parse_case_ref, True, False),
    Column("eligibility", ELIGIBILITY, True),
    Column("referral_date", parse_date, True),
    Column("vlo_code", clean_text),
    Column("opted_in_date", parse_date),
    Column("opted_out_date", parse_date),
    Column("first_offer_date", parse_date),
    Column("parole_review_date", parse_date),
    Column("expected_release_date", parse_date),
    Column("security_category", SECURITY_CATEGORIES),
]


@dataclass
class _Planned:
    row: VcsRow
    person_id: int
    pdu_id: int
    event_id: int | None
    values: dict[str, Any]
    existing: VcsCase | None


def vlo_lookup(session: Any) -> dict[str, int]:
    """Each active VLO by username and by their staff record's code (upper case)."""
    found: dict[str, int] = {}
    rows = session.execute(
        select(AppUser.id, AppUser.username, Staff.staff_code)
        .join(UserRole, UserRole.user_id == AppUser.id)
        .outerjoin(Staff, Staff.id == AppUser.staff_id)
        .where(UserRole.role == Role.VLO.value, AppUser.active.is_(True))
    )
    for uid, username, code in rows:
        found[username.upper()] = uid
        if code:
            found[code.upper()] = uid
    return found


class VcsCaseImport:
    """The ``vcs-cases`` extract."""

    kind = "vcs-cases"
    columns = VCS_CASE_COLUMNS
    roles = (Role.HEAD_OF_PDU, Role.ADMIN, Role.VLO, Role.SYSTEM)

    def __init__(self) -> None:
        self.rows = 0
        self.planned: list[_Planned] = []
        self.changed_refs: list[str] = []

    def check(self, ctx: Context, table: Table, mapping: HeaderMapping) -> list[RowError]:
        errors: list[RowError] = []
        parser = BlockParser(mapping, table.headers, COLUMNS)
        labels = dict(zip([c.name for c in COLUMNS], parser.labels, strict=True))
        parsed = [VcsRow(*r) for r in parsed_rows(table, parser, errors, ctx.progress)]
        self.rows = len(parsed)
        people = self._people(ctx, {r.crn for r in parsed if r.crn})
        vlos = vlo_lookup(ctx.session)
        seen: dict[str, int] = {}
        for r in parsed:
            self._check_row(ctx, r, labels, people, vlos, seen, errors)
        return errors

    def _people(self, ctx: Context, crns: set[str]) -> dict[str, tuple[int, int]]:
        rows = ctx.session.execute(
            select(Person.crn, Person.id, Person.pdu_id).where(Person.crn.in_(crns))
        )
        return {crn: (pid, pdu) for crn, pid, pdu in rows}

    def _check_row(
        self,
        ctx: Context,
        r: VcsRow,
        labels: dict[str, str],
        people: dict[str, tuple[int, int]],
        vlos: dict[str, int],
        seen: dict[str, int],
        errors: list[RowError],
    ) -> None:
        def bad(column: str, value: object, reason: str) -> None:
            errors.append(RowError(r.row, labels[column], value, reason))

        if r.vcs_case_ref is None or r.crn is None:
            return
        if r.vcs_case_ref in seen:
            bad("vcs_case_ref", r.vcs_case_ref, f"is repeated from row {seen[r.vcs_case_ref]}")
            return
        seen[r.vcs_case_ref] = r.row
        person = people.get(r.crn)
        if person is None:
            bad("crn", r.crn, "names no case: import the caseload first")
            return
        if not ctx.actor.covers(person[1]):
            bad("crn", r.crn, "is a case of a PDU other than the PDUs you cover")
            return
        vlo = None
        if r.vlo_code is not None:
            vlo = vlos.get(r.vlo_code.upper())
            if vlo is None:
                bad("vlo_code", r.vlo_code, "names no active victim liaison officer")
                return
        for column in ("opted_in_date", "opted_out_date", "first_offer_date"):
            day = getattr(r, column)
            if day is not None and r.referral_date and day < r.referral_date:
                bad(column, shown(day), f"is before the referral ({shown(r.referral_date)})")
            if day is not None and day > ctx.as_at:
                bad(column, shown(day), "is in the future")
        if r.referral_date and r.referral_date > ctx.as_at:
            bad("referral_date", shown(r.referral_date), "is in the future")
        self._plan_row(ctx, r, person, vlo)

    def _plan_row(self, ctx: Context, r: VcsRow, person: tuple[int, int], vlo: int | None) -> None:
        assert r.vcs_case_ref is not None
        existing = ctx.session.scalar(select(VcsCase).where(VcsCase.vcs_case_ref == r.vcs_case_ref))
        event = ctx.session.scalar(
            select(Event)
            .where(Event.person_id == person[0])
            .order_by(Event.sentence_date.desc())
            .limit(1)
        )
        values: dict[str, Any] = {
            "eligibility": r.eligibility.value,
            "referral_date": r.referral_date,
            "opted_in_date": r.opted_in_date,
            "opted_out_date": r.opted_out_date,
            "first_offer_date": r.first_offer_date,
            "parole_review_date": r.parole_review_date,
            "expected_release_date": r.expected_release_date
            or (event.release_date if event else None),
            "security_category": r.security_category.value if r.security_category else None,
        }
        if vlo is not None or existing is None:
            values["vlo_user_id"] = vlo  # a blank VLO never removes one
        if existing is not None:  # a blank cell leaves a date as it is
            values = {k: v for k, v in values.items() if v is not None or k == "vlo_user_id"}
            if "vlo_user_id" in values and values["vlo_user_id"] is None:
                del values["vlo_user_id"]
        self.planned.append(
            _Planned(r, person[0], person[1], event.id if event else None, values, existing)
        )

    def plan(self, ctx: Context) -> ImportReport:
        changes, added, changed, unchanged = [], 0, 0, 0
        for p in self.planned:
            ref = p.row.vcs_case_ref or ""
            if p.existing is None:
                added += 1
                changes.append(RecordChange("added", ref, p.row.crn or "", summary="VCS case"))
                continue
            diffs = tuple(
                FieldChange(k, shown(getattr(p.existing, k)), shown(v))
                for k, v in p.values.items()
                if getattr(p.existing, k) != v
            )
            if diffs:
                changed += 1
                self.changed_refs.append(ref)
                changes.append(RecordChange("changed", ref, p.row.crn or "", diffs))
            else:
                unchanged += 1
        return planned_report(
            ctx, self, added=added, changed=changed, unchanged=unchanged, changes=changes, notes=()
        )

    def write(self, ctx: Context) -> frozenset[int]:
        session = ctx.session
        for p in self.planned:
            case = p.existing
            if case is None:
                case = VcsCase(
                    vcs_case_ref=p.row.vcs_case_ref,
                    person_id=p.person_id,
                    pdu_id=p.pdu_id,
                    event_id=p.event_id,
                    listed_offence=False,
                    created_at=ctx.now,
                    version=1,
                )
                session.add(case)
            elif not any(getattr(case, k) != v for k, v in p.values.items()):
                continue
            else:
                case.version += 1
            for key, value in p.values.items():
                setattr(case, key, value)
            session.flush()
            replan(session, case, ctx.as_at)
        return frozenset()

    def audit_extra(self) -> dict[str, Any]:
        return {
            "added": [p.row.vcs_case_ref for p in self.planned if p.existing is None],
            "changed": list(self.changed_refs),
        }
