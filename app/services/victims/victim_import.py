"""Importing victims' own details (SPEC.md 5): in the window, by a VLO, sealed on arrival.

Never from the command line: the command line's actor has no keyring, so
the import is refused before a row is read. A victim is matched on the case
and their name (compared over the case's decrypted names, in memory), so
re-importing the same file changes nothing. Reports and the audit entry
never carry a victim's name or contact details: a bad cell in those columns
is reported without its value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select

from app.db.victim_models import VcsCase, Victim
from app.domain.codes import Role
from app.domain.columns import VICTIM_COLUMNS, HeaderMapping
from app.domain.parsing import clean_text, parse_date
from app.domain.victims import CONTACT_PREFERENCES, RELATIONSHIPS, Relationship
from app.services.imports.cells import BlockParser, Column
from app.services.imports.common import Context, parsed_rows, planned_report
from app.services.imports.reader import Table
from app.services.imports.report import FieldChange, ImportReport, RecordChange, RowError, shown
from app.services.victims.cases import VictimForm, write_victim
from app.services.victims.fields import Sealer, sealer
from app.services.victims.importing import parse_case_ref
from app.services.victims.planning import adopt_case_tasks, replan

HIDDEN_COLUMNS = frozenset({"victim_name", "address", "postcode", "phone", "email"})
HIDDEN = "(not shown: a victim's details)"


class VictimRow(NamedTuple):
    row: int
    vcs_case_ref: str | None
    victim_name: str | None
    relationship: Relationship | None
    address: str | None
    postcode: str | None
    phone: str | None
    email: str | None
    preferred_contact: Any
    opted_in_date: date | None
    opted_out_date: date | None


COLUMNS = [
    Column("vcs_case_ref", parse_case_ref, True, False),
    Column("victim_name", clean_text, True, False),
    Column("relationship", RELATIONSHIPS),
    Column("address", clean_text, False, False),
    Column("postcode", clean_text, False, False),
    Column("phone", clean_text, False, False),
    Column("email", clean_text, False, False),
    Column("preferred_contact", CONTACT_PREFERENCES),
    Column("opted_in_date", parse_date),
    Column("opted_out_date", parse_date),
]


@dataclass
class _Planned:
    row: VictimRow
    case: VcsCase
    form: VictimForm
    existing: Victim | None
    diffs: tuple[FieldChange, ...] = ()


def _form(r: VictimRow) -> VictimForm:
    return VictimForm(
        name=" ".join((r.victim_name or "").split()),
        relationship=r.relationship or Relationship.VICTIM,
        address=r.address or "",
        postcode=r.postcode or "",
        phone=r.phone or "",
        email=r.email or "",
        preferred_contact=r.preferred_contact,
        opted_in_date=r.opted_in_date,
        opted_out_date=r.opted_out_date,
    )


class VictimImport:
    """The ``victims`` file: victims' own details, for a VLO with their keyring open."""

    kind = "victims"
    columns = VICTIM_COLUMNS
    roles = (Role.VLO, Role.HEAD_OF_PDU)

    def __init__(self) -> None:
        self.rows = 0
        self.planned: list[_Planned] = []
        self.seal: Sealer | None = None

    def check(self, ctx: Context, table: Table, mapping: HeaderMapping) -> list[RowError]:
        self.seal = sealer(ctx.session, ctx.actor)  # refused here without an open keyring
        errors: list[RowError] = []
        parser = BlockParser(mapping, table.headers, COLUMNS)
        labels = dict(zip([c.name for c in COLUMNS], parser.labels, strict=True))
        parsed = [VictimRow(*r) for r in parsed_rows(table, parser, errors, ctx.progress)]
        errors = [self._masked(e, labels) for e in errors]
        self.rows = len(parsed)
        refs = {r.vcs_case_ref for r in parsed if r.vcs_case_ref}
        cases = {
            c.vcs_case_ref: c
            for c in ctx.session.scalars(select(VcsCase).where(VcsCase.vcs_case_ref.in_(refs)))
        }
        known = self._known_names(ctx, [c.id for c in cases.values()])
        seen: dict[tuple[str, str], int] = {}
        for r in parsed:
            self._check_row(ctx, r, labels, cases, known, seen, errors)
        return errors

    def _masked(self, error: RowError, labels: dict[str, str]) -> RowError:
        hidden = {labels[c] for c in HIDDEN_COLUMNS}
        if error.column in hidden and error.value is not None:
            return RowError(error.row, error.column, HIDDEN, error.reason)
        return error

    def _known_names(self, ctx: Context, case_ids: list[int]) -> dict[tuple[int, str], Victim]:
        assert self.seal is not None
        found = {}
        for v in ctx.session.scalars(select(Victim).where(Victim.vcs_case_id.in_(case_ids))):
            name = self.seal.open("victim", "name_enc", v.id, v.name_enc)
            found[(v.vcs_case_id, name.casefold())] = v
        return found

    def _check_row(
        self,
        ctx: Context,
        r: VictimRow,
        labels: dict[str, str],
        cases: dict[str, VcsCase],
        known: dict[tuple[int, str], Victim],
        seen: dict[tuple[str, str], int],
        errors: list[RowError],
    ) -> None:
        if r.vcs_case_ref is None or r.victim_name is None:
            return
        case = cases.get(r.vcs_case_ref)
        if case is None:
            errors.append(
                RowError(
                    r.row,
                    labels["vcs_case_ref"],
                    r.vcs_case_ref,
                    "names no VCS case: import the VCS cases first",
                )
            )
            return
        if not ctx.actor.covers(case.pdu_id):
            errors.append(
                RowError(
                    r.row,
                    labels["vcs_case_ref"],
                    r.vcs_case_ref,
                    "is a case of a PDU other than the PDUs you cover",
                )
            )
            return
        form = _form(r)
        key = (r.vcs_case_ref, form.name.casefold())
        if key in seen:
            errors.append(
                RowError(
                    r.row, labels["victim_name"], HIDDEN, f"is the same victim as row {seen[key]}"
                )
            )
            return
        seen[key] = r.row
        for column, day in (
            ("opted_in_date", r.opted_in_date),
            ("opted_out_date", r.opted_out_date),
        ):
            if day is not None and day > ctx.as_at:
                errors.append(RowError(r.row, labels[column], shown(day), "is in the future"))
        self.planned.append(_Planned(r, case, form, known.get((case.id, form.name.casefold()))))

    def _diffs(self, p: _Planned) -> tuple[FieldChange, ...]:
        assert self.seal is not None and p.existing is not None
        v, out = p.existing, []
        for name in ("address", "postcode", "phone", "email"):
            if self.seal.open("victim", f"{name}_enc", v.id, getattr(v, f"{name}_enc")) != getattr(
                p.form, name
            ):
                out.append(FieldChange(name, "(sealed)", "(sealed)"))
        clear = {
            "relationship": p.form.relationship.value,
            "preferred_contact": p.form.preferred_contact.value
            if p.form.preferred_contact
            else None,
            "opted_in_date": p.form.opted_in_date,
            "opted_out_date": p.form.opted_out_date,
        }
        for name, value in clear.items():
            if getattr(v, name) != value:
                out.append(FieldChange(name, shown(getattr(v, name)), shown(value)))
        return tuple(out)

    def plan(self, ctx: Context) -> ImportReport:
        changes, added, changed, unchanged = [], 0, 0, 0
        for p in self.planned:
            ref = p.case.vcs_case_ref
            if p.existing is None:
                added += 1
                changes.append(RecordChange("added", ref, "", summary="a victim"))
                continue
            p.diffs = self._diffs(p)
            if p.diffs:
                changed += 1
                changes.append(RecordChange("changed", ref, "", p.diffs))
            else:
                unchanged += 1
        return planned_report(
            ctx,
            self,
            added=added,
            changed=changed,
            unchanged=unchanged,
            changes=changes,
            notes=("Victims' names and contact details are sealed as they are imported.",),
        )

    def write(self, ctx: Context) -> frozenset[int]:
        session = ctx.session
        touched: set[int] = set()
        for p in self.planned:
            if p.existing is not None and not p.diffs:
                continue
            victim = p.existing
            if victim is None:
                first = (
                    session.scalar(
                        select(Victim.id).where(Victim.vcs_case_id == p.case.id).limit(1)
                    )
                    is None
                )
                victim = Victim(
                    vcs_case_id=p.case.id, relationship=p.form.relationship.value, version=1
                )
                session.add(victim)
                session.flush()
                write_victim(session, ctx.actor, victim, p.form)
                if first:
                    adopt_case_tasks(session, p.case, victim)
            else:
                victim.version += 1
                write_victim(session, ctx.actor, victim, p.form)
            touched.add(p.case.id)
        for case_id in sorted(touched):
            case = session.get(VcsCase, case_id)
            assert case is not None
            replan(session, case, ctx.as_at)
        return frozenset()

    def audit_extra(self) -> dict[str, Any]:
        return {"cases": sorted({p.case.vcs_case_ref for p in self.planned})}
