"""Importing a staff extract (SPEC.md 5): staff by staff code, and the teams and PODs they name.

Teams and PODs named in the extract are created in the staff member's PDU
when they do not exist yet (a team matches on its name or code, ignoring
case and spacing). A column the file lacks, or a blank team, POD, gender or
contracted hours, leaves the stored value alone; a move to another team
without a POD leaves the member of staff in no POD. The cases of a
practitioner given a leave date on or before today go to the allocation
desk's reviews list to be reallocated; a new grade flags the cases it puts
outside the practitioner's grade. An SPO named with a team leads it when it
has no SPO yet; a team that has one keeps it, and the preview says so
(:mod:`app.services.imports.teamleads`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.bulk import bulk_insert
from app.db.models import Allocation, Pod, ReviewItem, Staff, Team
from app.domain.columns import STAFF_COLUMNS, HeaderMapping
from app.domain.parsing import format_date, normalise_key
from app.services.caseload import tiers
from app.services.core.changes import Kind
from app.services.core.unit_of_work import refresh_pending, touch
from app.services.imports.cells import BlockParser
from app.services.imports.common import (
    Context,
    conflict,
    diff_payload,
    parsed_rows,
    planned_report,
)
from app.services.imports.lookups import PduLookup, chunks
from app.services.imports.programme import programme_reductions
from app.services.imports.reader import Table
from app.services.imports.report import FieldChange, ImportReport, RecordChange, RowError
from app.services.imports.staffrows import StaffGrouper, StaffRow, staff_columns
from app.services.imports.teamleads import TeamLeads
from app.services.imports.writing import changed_since_read, insert_rows, update_rows

NewTeam = tuple[int, str]  # (PDU id, folded name) of a team still to be created
TeamRef = int | NewTeam
PodRef = int | tuple[TeamRef, str]
COMPARED = (
    "forename",
    "surname",
    "grade",
    "pdu_id",
    "team_id",
    "pod_id",
    "contracted_hours",
    "gender",
    "specialisms",
    "start_date",
    "leave_date",
)
NEW_STAFF: dict[str, Any] = {
    "gender": None,
    "contracted_hours": 37.0,
    "team_id": None,
    "pod_id": None,
    "specialisms": "",
    "start_date": None,
    "leave_date": None,
    "version": 1,
}


@dataclass
class Structure:
    """The teams and PODs known, and those the extract will create."""

    teams: dict[TeamRef, str] = field(default_factory=dict)  # ref -> name
    team_keys: dict[NewTeam, int] = field(default_factory=dict)
    pods: dict[PodRef, str] = field(default_factory=dict)
    pod_keys: dict[tuple[TeamRef, str], int] = field(default_factory=dict)
    new_teams: dict[NewTeam, str] = field(default_factory=dict)
    new_pods: dict[tuple[TeamRef, str], str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> Structure:
        found = cls()
        for team_id, pdu_id, name, code in session.execute(
            select(Team.id, Team.pdu_id, Team.name, Team.code)
        ):
            found.teams[team_id] = name
            found.team_keys.setdefault((pdu_id, normalise_key(name)), team_id)
            if code:
                found.team_keys.setdefault((pdu_id, normalise_key(code)), team_id)
        for pod_id, team_id, name in session.execute(select(Pod.id, Pod.team_id, Pod.name)):
            found.pods[pod_id] = name
            found.pod_keys.setdefault((team_id, normalise_key(name)), pod_id)
        return found

    def team(self, pdu_id: int, name: str) -> TeamRef:
        key = (pdu_id, normalise_key(name))
        if key in self.team_keys:
            return self.team_keys[key]
        self.new_teams.setdefault(key, name)
        self.teams.setdefault(key, name)
        return key

    def pod(self, team: TeamRef, name: str) -> PodRef:
        key = (team, normalise_key(name))
        if key in self.pod_keys:
            return self.pod_keys[key]
        self.new_pods.setdefault(key, name)
        self.pods.setdefault(key, name)
        return key

    def notes(self, pdu_names: dict[int, str]) -> tuple[str, ...]:
        notes = [
            f"New team '{name}' in {pdu_names.get(pdu_id, pdu_id)}."
            for (pdu_id, _key), name in self.new_teams.items()
        ]
        notes += [
            f"New POD '{name}' in team '{self.teams[team]}'."
            for (team, _key), name in self.new_pods.items()
        ]
        return tuple(notes)


class StaffImport:
    """Checks, plans and writes one staff extract."""

    kind = "staff"
    columns = STAFF_COLUMNS

    def __init__(self) -> None:
        self.rows = 0
        self.present: frozenset[str] = frozenset()
        self.staff: dict[str, StaffRow] = {}
        self.pdu_names: dict[int, str] = {}
        self.structure = Structure()
        self.new_staff: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.names: dict[int, str] = {}  # staff id -> name, of the staff updated
        self.leads = TeamLeads()
        self.report: ImportReport | None = None

    def check(self, ctx: Context, table: Table, mapping: HeaderMapping) -> list[RowError]:
        pdus = PduLookup(ctx.session)
        self.pdu_names = pdus.names
        self.present = frozenset(mapping.indexes)
        parser = BlockParser(mapping, table.headers, staff_columns(pdus))
        labels = dict(zip(StaffRow._fields[1:], parser.labels, strict=True))
        grouper = StaffGrouper(labels, pdus.names)
        errors: list[RowError] = []
        for values in parsed_rows(table, parser, errors, ctx.progress):
            self.rows += 1
            grouper.add(StaffRow._make(values), errors)
        self.staff = grouper.staff
        return errors

    def plan(self, ctx: Context) -> ImportReport:
        self.structure = Structure.load(ctx.session)
        stored = _stored_staff(ctx.session, list(self.staff))
        changes: list[RecordChange] = []
        unchanged = 0
        for code, row in self.staff.items():
            values = self._values(row)
            old = stored.get(code)
            name = f"{row.forename} {row.surname}"
            if old is None:
                self.new_staff.append(NEW_STAFF | values)
                changes.append(RecordChange("added", code, name))
                continue
            fields = self._diff(old, values)
            if fields:
                # The version read: the update applies only while the staff member still has it.
                self.updates.append(
                    {f.field: values[f.field] for f in fields}
                    | {"id": old.id, "version": old.version}
                )
                self.names[old.id] = name
                changes.append(RecordChange("changed", code, name, tuple(self._shown(fields))))
            else:
                unchanged += 1
        self.leads = TeamLeads.plan(ctx.session, self.staff, stored, self._team_of, ctx.as_at)
        self.report = planned_report(
            ctx,
            self,
            added=len(self.new_staff),
            changed=len(self.updates),
            unchanged=unchanged,
            changes=changes,
            notes=self.structure.notes(self.pdu_names) + self.leads.notes(self.structure.teams),
            findings=self.leads.findings(self.structure.teams),
        )
        return self.report

    def _team_of(self, row: StaffRow) -> TeamRef | None:
        """The team a row names (known, or to be created by this import)."""
        if row.team is None or row.pdu is None:
            return None
        return self.structure.team(row.pdu, row.team)

    def _values(self, row: StaffRow) -> dict[str, Any]:
        values: dict[str, Any] = {
            "staff_code": row.staff_code,
            "forename": row.forename,
            "surname": row.surname,
            "grade": row.grade,
            "pdu_id": row.pdu,
        }
        assert row.pdu is not None
        if row.team is not None:
            values["team_id"] = team = self.structure.team(row.pdu, row.team)
            if row.pod is not None:
                values["pod_id"] = self.structure.pod(team, row.pod)
        for name in ("contracted_hours", "gender"):
            if getattr(row, name) is not None:
                values[name] = getattr(row, name)
        if "specialisms" in self.present:
            values["specialisms"] = ";".join(sorted(row.specialisms or ()))
        for name in ("start_date", "leave_date"):
            if name in self.present:
                values[name] = getattr(row, name)
        return values

    def _diff(self, old: Any, values: dict[str, Any]) -> list[FieldChange]:
        if "team_id" in values and values["team_id"] != old.team_id:
            values.setdefault("pod_id", None)
        return [
            FieldChange(name, getattr(old, name), values[name])
            for name in COMPARED
            if name in values and values[name] != getattr(old, name)
        ]

    def _shown(self, fields: list[FieldChange]) -> list[FieldChange]:
        """Teams, PODs and PDUs by name rather than by id."""
        names: dict[str, dict[Any, str]] = {
            "team_id": self.structure.teams,
            "pod_id": self.structure.pods,
            "pdu_id": self.pdu_names,
        }
        out = []
        for f in fields:
            if f.field in names:
                lookup = names[f.field]
                label = f.field.removesuffix("_id")
                f = FieldChange(label, lookup.get(f.before), lookup.get(f.after))
            out.append(f)
        return out

    def write(self, ctx: Context) -> frozenset[int]:
        ctx.progress.start(len(self.new_staff) + len(self.updates), "Writing…")
        teams, pods = self._create_structure(ctx.session)
        for row in self.new_staff + self.updates:
            if "team_id" in row and isinstance(row["team_id"], tuple):
                row["team_id"] = teams[row["team_id"]]
            if "pod_id" in row and isinstance(row["pod_id"], tuple):
                row["pod_id"] = pods[row["pod_id"]]
        insert_rows(ctx.session, Staff, self.new_staff, ctx.progress)
        written = update_rows(ctx.session, Staff, self.updates, ctx.progress, versioned=True)
        if written < len(self.updates):
            short = len(self.updates) - written
            changed = changed_since_read(ctx.session, Staff, "staff_code", self.updates)
            raise conflict(short, "staff", changed)
        codes = [row["staff_code"] for row in self.new_staff]
        touched = [row["id"] for row in self.updates]
        for chunk in chunks(codes):
            touched += ctx.session.scalars(select(Staff.id).where(Staff.staff_code.in_(chunk)))
        self.leads.write(ctx.session, teams)
        trainees = programme_reductions(ctx.session, touched, ctx.as_at)
        held = _cases_held_by(ctx.session, [row["id"] for row in self.updates] + trainees)
        self._raise_reviews(ctx, held)
        people = {person for cases in held.values() for person in cases}
        touch(ctx.session, Kind.STAFF, touched)
        touch(ctx.session, Kind.CASE, people)
        for kind in (Kind.TEAM, Kind.POD, Kind.REDUCTION, Kind.REVIEW):
            touch(ctx.session, kind, bulk=True)
        ctx.progress.advance(0, "Updating the caseload…")
        refresh_pending(ctx.session, ctx.progress)
        return frozenset(people)

    def _raise_reviews(self, ctx: Context, held: dict[int, list[int]]) -> None:
        """The cases of leavers, and of staff whose grade changed, go to the allocation desk.

        A practitioner given a leave date on or before today leaves cases to
        reallocate; a new grade may put cases outside it (DOMAIN.md 2).
        """
        left = {
            row["id"]: row["leave_date"]
            for row in self.updates
            if row.get("leave_date") is not None and row["leave_date"] <= ctx.as_at
        }
        items = [
            _left_review(person, self.names[staff_id], day, ctx.as_at)
            for staff_id, day in left.items()
            for person in held.get(staff_id, ())
        ]
        _insert_left_reviews(ctx.session, items)
        regraded = [row["id"] for row in self.updates if "grade" in row and row["id"] not in left]
        cases = [person for staff_id in regraded for person in held.get(staff_id, ())]
        if cases:
            tiers.raise_reviews(ctx.session, [], ctx.as_at, also=cases)

    def _create_structure(self, session: Session) -> tuple[dict[NewTeam, int], dict[Any, int]]:
        teams: dict[NewTeam, int] = {}
        for (pdu_id, key), name in self.structure.new_teams.items():
            team = Team(pdu_id=pdu_id, name=name)
            session.add(team)
            session.flush()
            teams[(pdu_id, key)] = team.id
        pods: dict[Any, int] = {}
        for (team_ref, key), name in self.structure.new_pods.items():
            team_id = teams[team_ref] if isinstance(team_ref, tuple) else team_ref
            pod = Pod(team_id=team_id, name=name)
            session.add(pod)
            session.flush()
            pods[(team_ref, key)] = pod.id
        return teams, pods

    def audit_extra(self) -> dict[str, Any]:
        assert self.report is not None
        structure = self.structure
        return diff_payload(self.report) | {
            "teams_created": sorted(structure.new_teams.values()),
            "pods_created": sorted(structure.new_pods.values()),
            "team_spos": self.leads.audit(structure.teams),
        }


def _stored_staff(session: Session, codes: list[str]) -> dict[str, Any]:
    columns = [Staff.id, Staff.staff_code, Staff.version]
    columns += [getattr(Staff, name) for name in COMPARED]
    found: dict[str, Any] = {}
    for chunk in chunks(sorted(codes)):
        for row in session.execute(select(*columns).where(Staff.staff_code.in_(chunk))):
            found[row.staff_code.upper()] = row
    return found


def _cases_held_by(session: Session, staff_ids: list[int]) -> dict[int, list[int]]:
    """Each of these staff's open cases (their caseload rows show them)."""
    held: dict[int, list[int]] = {}
    for chunk in chunks(sorted(staff_ids)):
        for person_id, staff_id in session.execute(
            select(Allocation.person_id, Allocation.staff_id)
            .where(Allocation.staff_id.in_(chunk), Allocation.end_date.is_(None))
            .order_by(Allocation.person_id)
        ):
            held.setdefault(staff_id, []).append(person_id)
    return held


def _left_review(person_id: int, name: str, left_on: date, as_at: date) -> dict[str, Any]:
    """A review item for a case whose practitioner has left: it needs reallocating."""
    return {
        "person_id": person_id,
        "kind": tiers.REVIEW_PRACTITIONER_LEFT,
        "detail": f"{name} left on {format_date(left_on)}: reallocate",
        "raised_on": as_at,
        "resolved_on": None,
        "resolved_by": None,
        "resolution": "",
    }


def _insert_left_reviews(session: Session, items: list[dict[str, Any]]) -> None:
    """Insert these review items, but not for a case that already has one open."""
    open_items: set[int] = set()
    for chunk in chunks(sorted({item["person_id"] for item in items})):
        open_items.update(
            session.scalars(
                select(ReviewItem.person_id).where(
                    ReviewItem.person_id.in_(chunk),
                    ReviewItem.kind == tiers.REVIEW_PRACTITIONER_LEFT,
                    ReviewItem.resolved_on.is_(None),
                )
            )
        )
    bulk_insert(session, ReviewItem, [i for i in items if i["person_id"] not in open_items])
