"""Importing a caseload extract (SPEC.md 5): people, sentences, assessments, allocations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Allocation, Assessment, Event, Person
from app.domain.columns import CASE_COLUMNS, HeaderMapping
from app.services.caseload import tiers
from app.services.core.changes import Kind
from app.services.core.unit_of_work import refresh_pending, touch
from app.services.imports.caseplan import CasePlan, CasePlanner
from app.services.imports.caserows import CaseGrouper, CaseRow, case_columns
from app.services.imports.casetiers import PersonRef, raise_tier_reviews
from app.services.imports.cells import BlockParser
from app.services.imports.common import (
    Context,
    conflict,
    diff_payload,
    parsed_rows,
    planned_report,
)
from app.services.imports.existing import load_existing, open_cases_of
from app.services.imports.lookups import PduLookup, PractitionerLookup, chunks
from app.services.imports.reader import Table
from app.services.imports.report import ImportReport, RowError
from app.services.imports.writing import (
    changed_since_read,
    insert_returning_ids,
    insert_rows,
    read_committed,
    update_rows,
)
from app.services.unpaid_work.extract import date_conflicts
from app.services.unpaid_work.requirements import sync_requirements


class CaseImport:
    """Checks, plans and writes one caseload extract."""

    kind = "cases"
    columns = CASE_COLUMNS

    def __init__(self) -> None:
        self.rows = 0
        self.ignored: tuple[str, ...] = ()
        self.grouper: CaseGrouper | None = None
        self.staff: PractitionerLookup | None = None
        self.present: frozenset[str] = frozenset()
        self.cases_plan = CasePlan()
        self.report: ImportReport | None = None

    def check(self, ctx: Context, table: Table, mapping: HeaderMapping) -> list[RowError]:
        pdus = PduLookup(ctx.session, ctx.actor)
        self.staff = PractitionerLookup(ctx.session, ctx.as_at)
        self.present = frozenset(mapping.indexes)
        parser = BlockParser(
            mapping, table.headers, case_columns(pdus, self.staff, mapping.in_minutes)
        )
        labels = dict(zip(CaseRow._fields[1:], parser.labels, strict=True))
        grouper = CaseGrouper(self.present, labels, pdus.names, ctx.as_at)
        errors: list[RowError] = []
        for values in parsed_rows(table, parser, errors, ctx.progress):
            self.rows += 1
            grouper.add(CaseRow._make(values), errors)
        self.grouper = grouper
        return errors

    def plan(self, ctx: Context) -> ImportReport:
        assert self.grouper is not None and self.staff is not None
        cases = self.grouper.cases
        ctx.progress.advance(0, "Comparing with the database…")
        planner = CasePlanner(
            load_existing(ctx.session, list(cases)),
            self.present,
            self.staff,
            policy=tiers.tier_policy(ctx.session, ctx.as_at),
            as_at=ctx.as_at,
            now=ctx.now,
            user_id=ctx.actor.user_id,
            note=ctx.note,
        )
        for facts in cases.values():
            planner.add_case(facts)
        ctx.progress.check()
        pdu_ids = {facts.person["pdu_id"] for facts in cases.values()}
        open_cases = open_cases_of(ctx.session, pdu_ids)
        planner.add_missing(open_cases, set(cases), ctx.end_missing)
        self.cases_plan = plan = planner.plan
        self.report = planned_report(
            ctx,
            self,
            added=plan.added,
            changed=plan.changed,
            unchanged=plan.unchanged,
            missing=plan.missing,
            ended=len(plan.endings),
            changes=plan.changes,
            notes=(*plan.notes(), *_unpaid_work_notes(ctx.session, cases)),
            findings=plan.tiers.findings,
        )
        return self.report

    def write(self, ctx: Context) -> frozenset[int]:
        plan, progress, session = self.cases_plan, ctx.progress, ctx.session
        self.grouper = None  # the file's rows are planned: free them before writing
        progress.start(_rows_to_write(plan), "Writing…")
        ids = insert_returning_ids(session, Person, "crn", plan.new_people, progress)

        def resolve(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            for row in rows:
                if isinstance(row["person_id"], str):
                    row["person_id"] = ids[row["person_id"]]
            return rows

        people = plan.person_updates + plan.endings
        written = update_rows(session, Person, people, progress, versioned=True)
        if written < len(people):
            changed = changed_since_read(session, Person, "crn", people)
            raise conflict(len(people) - written, "cases", changed)
        insert_rows(session, Event, resolve(plan.new_events), progress)
        update_rows(session, Event, plan.event_updates, progress)
        insert_rows(session, Assessment, resolve(plan.new_assessments), progress)
        ends = plan.allocation_ends
        ended = update_rows(session, Allocation, ends, progress, still_open=True)
        if ended < len(ends):
            raise conflict(len(ends) - ended, "cases", _ended_elsewhere(session, ends))
        insert_rows(session, Allocation, resolve(plan.new_allocations), progress)
        _free_written(plan)
        touched = plan.touched | set(ids.values())
        sync_requirements(session, touched, ctx.as_at)
        self._tiers_and_caseload(ctx, touched, ids)
        return frozenset(touched)

    def _tiers_and_caseload(self, ctx: Context, touched: set[int], ids: dict[str, int]) -> None:
        ctx.progress.advance(0, "Working out tiers…")
        ctx.progress.check()
        planned = self.cases_plan.tiers
        changes = tiers.recompute(
            ctx.session,
            touched,
            ctx.as_at,
            imported={_id(ids, ref): tier for ref, tier in planned.extract.items()},
            compute={_id(ids, ref) for ref in planned.compute},
        )
        tiers.raise_reviews(ctx.session, changes, ctx.as_at, also=touched)
        reviews = {_id(ids, ref): detail for ref, detail in planned.reviews.items()}
        raise_tier_reviews(ctx.session, reviews, ctx.as_at)
        touch(ctx.session, Kind.CASE, touched)
        for kind in (Kind.EVENT, Kind.ASSESSMENT, Kind.TIER, Kind.ALLOCATION, Kind.REVIEW):
            touch(ctx.session, kind, bulk=True)
        ctx.progress.advance(0, "Updating the caseload…")
        refresh_pending(ctx.session, ctx.progress)

    def audit_extra(self) -> dict[str, Any]:
        assert self.report is not None
        findings = self.report.finding_kinds()
        return diff_payload(self.report) | {
            "not_in_extract": list(self.report.missing),
            "tier_differs": {f.key: f.detail for f in findings.get("tier_differs", ())},
            "no_assessment_date": [f.key for f in findings.get("no_assessment_date", ())],
        }


def _ended_elsewhere(session: Session, rows: list[dict[str, Any]]) -> list[str]:
    """CRNs of the cases whose allocation someone else ended since it was read."""
    ended: list[str] = []
    for chunk in chunks(sorted(row["id"] for row in rows)):
        query = (
            select(Person.crn)
            .join(Allocation, Allocation.person_id == Person.id)
            .where(Allocation.id.in_(chunk), Allocation.end_date.is_not(None))
        )
        ended += [crn for (crn,) in read_committed(session, query)]
    return sorted(ended)


def _unpaid_work_notes(session: Session, cases: dict[str, Any]) -> list[str]:
    """Unpaid work dates in the app that differ from the extract's (the app's win)."""
    return date_conflicts(session, {crn: facts.events for crn, facts in cases.items()})


def _id(ids: dict[Any, int], ref: PersonRef) -> int:
    return ids[ref] if isinstance(ref, str) else ref


def _free_written(plan: CasePlan) -> None:
    """Let go of the written rows (a dict each) before the tiers and the read model."""
    for rows in (plan.new_people, plan.new_events, plan.new_assessments, plan.new_allocations):
        rows.clear()


def _rows_to_write(plan: CasePlan) -> int:
    return sum(
        len(rows)
        for rows in (
            plan.new_people,
            plan.person_updates,
            plan.endings,
            plan.new_events,
            plan.event_updates,
            plan.new_assessments,
            plan.allocation_ends,
            plan.new_allocations,
        )
    )
