"""The demo PDU: a deterministic synthetic PDU 17 (Leeds) written into the store.

Everything is synthetic (names from Faker's en_GB locale) and every date is
relative to the app's one clock, so the demo is always current and the same
seed on the same day gives the same PDU. Tiers are computed from the stored
assessments by the tiers service, as for imported cases.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from faker import Faker
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Allocation, Assessment, Pdu, Person, Staff, TierRecord
from app.domain.codes import Role
from app.domain.progress import Progress, silent
from app.services.caseload import tiers
from app.services.core import audit
from app.services.core.actor import Actor, system_actor
from app.services.core.changes import Kind
from app.services.core.errors import UserError
from app.services.core.permissions import write_service
from app.services.core.settings import working_calendar
from app.services.core.store import Store
from app.services.core.unit_of_work import refresh_pending, touch
from app.services.demo.allocation import Holder, allocation_rows, case_to_place, place_cases
from app.services.demo.history import allocate_recent, split_recent
from app.services.demo.organisation import OrganisationPlan, plan_organisation
from app.services.demo.people import RISE_DAYS_AGO, CasePlan, plan_cases
from app.services.demo.unpaid_work import write_unpaid_work
from app.services.demo.users import create_demo_users
from app.services.demo.victims import create_demo_victims
from app.services.demo.write import write_cases, write_latest_assessments, write_organisation

DEMO_PDU = 17
"""The demo is PDU 17, Leeds (TOM Annex C)."""
CHUNK = 500


@dataclass(frozen=True)
class DemoSummary:
    """What the demo wrote, in one line for the command line and the window."""

    pdu_number: int
    pdu_name: str
    cases: int
    practitioners: int
    teams: int
    pods: int
    unallocated: int
    staff: int
    seed: int

    def __str__(self) -> str:
        return (
            f"Demo PDU {self.pdu_number}. {self.pdu_name}: {self.cases:,} cases, "
            f"{self.practitioners} practitioners in {self.teams} teams, "
            f"{self.unallocated} unallocated"
        )


def has_cases(session: Session) -> bool:
    """Whether the store holds any person on probation."""
    return session.scalar(select(Person.id).limit(1)) is not None


def create_demo(
    store: Store, cases: int = 1500, seed: int = 1, progress: Progress | None = None
) -> DemoSummary:
    """Write the demo into an empty store in one transaction (the command line's way)."""
    with store.sessions.begin() as session:
        if has_cases(session):
            raise UserError(
                "This database already holds cases: the demo is written only into an empty "
                "database (give a new file)."
            )
        actor = system_actor(session)
        return generate_demo(session, actor, cases, seed, progress=progress or silent())


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


class _Demo:
    """One run of the generator: the plans, then the rows, batch by batch."""

    def __init__(self, session: Session, actor: Actor, seed: int, progress: Progress) -> None:
        self.session, self.actor, self.seed, self.progress = session, actor, seed, progress
        self.today = clock.today()
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        pdu = session.scalar(select(Pdu).where(Pdu.number == DEMO_PDU))
        if pdu is None:
            raise UserError(f"PDU {DEMO_PDU} is missing from the reference data.")
        self.pdu = pdu
        self.calendar = working_calendar(session, self.today)

    def step(self, n: int, message: str) -> None:
        self.progress.advance(n, message)
        self.progress.check()

    def plan(self, cases: int) -> tuple[OrganisationPlan, list[CasePlan]]:
        codes = set(self.session.scalars(select(Staff.staff_code)))
        crns = set(self.session.scalars(select(Person.crn)))
        org = plan_organisation(self.rng, self.fake, self.today, codes)
        plans = plan_cases(self.rng, self.fake, self.today, self.calendar, cases, crns)
        return org, plans

    def compute_tiers(self, plans: list[CasePlan], ids: list[int]) -> list[tiers.TierChange]:
        """Stage the tier rises (older lower tier first), then compute every tier."""
        rises = [(p, pid) for p, pid in zip(plans, ids, strict=True) if p.earlier is not None]
        earlier_day = self.today - timedelta(days=RISE_DAYS_AGO)
        tiers.recompute(self.session, [pid for _p, pid in rises], earlier_day)
        write_latest_assessments(self.session, rises)
        risen = {pid for _p, pid in rises}
        changes: list[tiers.TierChange] = []
        for chunk in _chunks(ids):
            found = tiers.recompute(self.session, chunk, self.today)
            changes.extend(c for c in found if c.person_id in risen)
            self._date_tiers_from_assessments(chunk)
            self.step(len(chunk), "Computing tiers")
        return changes

    def _date_tiers_from_assessments(self, ids: Sequence[int]) -> None:
        """A tier takes effect on its assessment's day, not on the day the demo was made,
        so a past week's return counts the demo's cases in their tiers."""
        assessed_on = (
            select(Assessment.assessment_date)
            .where(Assessment.id == TierRecord.assessment_id)
            .scalar_subquery()
        )
        self.session.execute(
            update(TierRecord)
            .where(TierRecord.person_id.in_(ids), TierRecord.effective_date == self.today)
            .values(effective_date=func.coalesce(assessed_on, TierRecord.effective_date))
            .execution_options(synchronize_session=False)
        )

    def current_tiers(self, ids: list[int]) -> dict[int, str | None]:
        found: dict[int, str | None] = {}
        for chunk in _chunks(ids):
            query = (
                select(TierRecord.person_id, TierRecord.tier)
                .where(TierRecord.person_id.in_(chunk))
                .order_by(TierRecord.id)
            )
            found.update({pid: tier for pid, tier in self.session.execute(query)})
        return found

    def allocate(
        self,
        org: OrganisationPlan,
        staff_ids: list[int],
        plans: list[CasePlan],
        ids: list[int],
        by: int | None,
        risen: frozenset[int] = frozenset(),
    ) -> list[dict[str, Any]]:
        """Write the older allocations; the last 14 days', for the service, are returned.

        ``risen``: cases with a staged tier rise, allocated in bulk whenever they
        were, so the review the rise opens stays open (an allocation closes one).
        """
        tier_of = self.current_tiers(ids)
        holders = [
            Holder(sid, plan, plan.capacity_basis(self.today))
            for plan, sid in zip(org.staff, staff_ids, strict=True)
            if plan.is_practitioner
        ]
        cases = [
            case_to_place(pid, plan, tier_of.get(pid))
            for plan, pid in zip(plans, ids, strict=True)
            if not plan.waiting
        ]
        placement = place_cases(cases, holders)
        rows = allocation_rows(placement, cases, self.rng, self.today, self.calendar, by)
        bulk, recent = split_recent(rows, self.today, keep_in_bulk=risen)
        self.session.execute(insert(Allocation), bulk)
        return recent

    def refresh(self, ids: list[int]) -> None:
        touch(self.session, Kind.CASE, ids)
        for kind in _DEMO_KINDS:
            touch(self.session, kind, bulk=True)
        self.step(0, "Building the caseload")
        refresh_pending(self.session, self.progress)


_DEMO_KINDS = (
    Kind.STAFF,
    Kind.TEAM,
    Kind.POD,
    Kind.REDUCTION,
    Kind.EVENT,
    Kind.ASSESSMENT,
    Kind.TIER,
    Kind.ALLOCATION,
    Kind.REVIEW,
)


@write_service(Role.SYSTEM, action="create the demo PDU")
def generate_demo(
    session: Session,
    actor: Actor,
    cases: int = 1500,
    seed: int = 1,
    *,
    progress: Progress | None = None,
) -> DemoSummary:
    """Write a synthetic PDU 17 (Leeds) into the store, in the caller's transaction.

    Three teams of three PODs, about 45 practitioners with their reductions,
    ``cases`` active cases with assessments, computed tiers, allocations and
    their history, a few cases waiting for allocation and open review items;
    one account per role (password ``demo``), the last 14 days' allocations made
    through the allocation service by the demo's SPO and Head of PDU.
    """
    if cases < 1:
        raise UserError("The demo needs at least one case.")
    progress = progress or silent()
    demo = _Demo(session, actor, seed, progress)
    audit.record(
        session,
        actor,
        "demo.started",
        "pdu",
        demo.pdu.number,
        summary=f"Demo PDU {demo.pdu.number} being written: a synthetic database",
        extra={"seed": seed, "cases": cases},
    )
    progress.start(4 * cases, "Planning the demo PDU")
    org, plans = demo.plan(cases)
    demo.step(cases, "Writing staff and cases")
    staff_ids = write_organisation(session, demo.pdu.id, org)
    users = create_demo_users(session, actor, demo.pdu.id, staff_ids)
    ids = write_cases(session, demo.pdu.id, plans)
    demo.step(cases, "Computing tiers")
    risen = demo.compute_tiers(plans, ids)
    recent = demo.allocate(
        org, staff_ids, plans, ids, users.head.user_id, frozenset(c.person_id for c in risen)
    )
    tiers.raise_reviews(session, risen, demo.today)
    demo.refresh(ids)
    allocate_recent(session, users, recent)
    demo.step(0, "Writing unpaid work")
    upw = write_unpaid_work(session, demo.pdu.id, seed, demo.today, actor.user_id)
    if users.vlo_id is not None:
        create_demo_victims(session, users.head, users.vlo_id, demo.pdu.id, seed)
    summary = DemoSummary(
        pdu_number=demo.pdu.number,
        pdu_name=demo.pdu.name,
        cases=cases,
        practitioners=len(org.practitioners),
        teams=len(org.teams),
        pods=len(org.pods),
        unallocated=sum(1 for p in plans if p.waiting),
        staff=len(org.staff),
        seed=seed,
    )
    audit.record(
        session,
        actor,
        "demo.created",
        "pdu",
        demo.pdu.number,
        summary=str(summary),
        extra={
            "seed": seed,
            "cases": cases,
            "as_at": demo.today,
            "staff": len(org.staff),
            "upw_projects": upw.projects,
            "upw_sessions": upw.sessions,
        },
    )
    return summary
