"""The allocation desk's reading side: the queue, the reviews, the ranked practitioners.

New cases wait in the queue, oldest clock first, until allocated within 5
working days of sentence or release (TOM 775, DOMAIN.md 2); cases whose tier
rose or which sit outside their practitioner's grade wait in the reviews list
(TOM 777). For a chosen case the practitioners are ranked by the rules of
:mod:`app.domain.allocation` (SPEC.md 4.3).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select, true
from sqlalchemy.orm import Session

from app.db.bulk import in_ids
from app.db.models import Allocation, CaseloadRow, Person, Pod, ReviewItem, Staff, TierRecord
from app.db.readmodel import active_case_condition
from app.domain.allocation import (
    AppointmentClock,
    Candidate,
    CaseForAllocation,
    RankedCandidate,
    RankingRules,
    age_on,
    allocation_status,
    first_appointment_clock,
    rank_candidates,
)
from app.domain.availability import AVAILABLE, Availability
from app.domain.calendar import DeadlineStatus
from app.domain.codes import Gender, Grade, Rosh, SentenceType, Specialism
from app.domain.workload import DEFAULT_SETTINGS, WorkloadSettings, case_points
from app.services.allocation.availability import availabilities
from app.services.allocation.weights import allocation_weights
from app.services.caseload.tiers import (
    REVIEW_OUTSIDE_GRADE,
    REVIEW_PRACTITIONER_LEFT,
    REVIEW_REASSESS,
    REVIEW_TIER_DIFFERS,
    REVIEW_TIER_RISE,
)
from app.services.core import settings
from app.services.core.errors import NotFound
from app.services.core.reference import get_pdu
from app.services.teams.workload import PractitionerSummary, practitioner_loads

ALLOCATION_REVIEW_KINDS = (
    REVIEW_TIER_RISE,
    REVIEW_OUTSIDE_GRADE,
    REVIEW_REASSESS,
    REVIEW_PRACTITIONER_LEFT,
)
"""Review items the allocation desk answers by reallocating (TOM 777)."""

DESK_REVIEW_KINDS = (*ALLOCATION_REVIEW_KINDS, REVIEW_TIER_DIFFERS)
"""Review items the desk lists: those above, and tiers to check against NDelius (SPEC.md 5),
which an allocation does not answer."""

REVIEW_LABELS = {
    REVIEW_TIER_RISE: "Tier rose",
    REVIEW_OUTSIDE_GRADE: "Outside grade",
    REVIEW_REASSESS: "Reassess",
    REVIEW_PRACTITIONER_LEFT: "Practitioner left",
    REVIEW_TIER_DIFFERS: "Extract tier differs",
}


@dataclass(frozen=True)
class RiskSummary:
    """RoSH, RSR, OGRS, MAPPA and the tier with the points behind it (SPEC.md 4.3)."""

    rosh: str | None
    rsr_percent: float | None
    ogrs_percent: int | None
    mappa_level: int | None
    tier: str | None
    protect_points: int | None
    change_points: int | None


@dataclass(frozen=True)
class Holder:
    """A practitioner who holds, or held, the case."""

    staff_id: int
    name: str
    grade: str
    pod_id: int | None
    pod_name: str
    until: date | None = None


@dataclass(frozen=True)
class CaseBrief:
    """One case as the allocation desk shows it; ``version`` guards the allocation."""

    person_id: int
    crn: str
    forename: str
    surname: str
    gender: str | None
    date_of_birth: date | None
    female_practitioner_requested: bool
    sentence_type: str
    sentence_date: date
    release_date: date | None
    clock_start: date
    risk: RiskSummary
    holder: Holder | None
    previous: Holder | None
    open_reviews: tuple[str, ...]
    version: int

    @property
    def name(self) -> str:
        return f"{self.surname.upper()}, {self.forename}"


@dataclass(frozen=True)
class QueueItem:
    """An unallocated case with its allocation and first-appointment clocks."""

    case: CaseBrief
    clock: DeadlineStatus
    first_appointment: AppointmentClock | None


@dataclass(frozen=True)
class ReviewRow:
    """An open review item of an allocated case (tier rise, outside grade)."""

    review_id: int
    kind: str
    detail: str
    raised_on: date
    case: CaseBrief

    @property
    def kind_label(self) -> str:
        return REVIEW_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())


@dataclass(frozen=True)
class CandidateRow:
    """A ranked practitioner with their load, for the practitioners table."""

    ranked: RankedCandidate
    practitioner: PractitionerSummary


# --- Case briefs -------------------------------------------------------------------


def _brief_query() -> Select[CaseloadRow, int]:
    return select(CaseloadRow, Person.version).join(Person, Person.id == CaseloadRow.person_id)


def _tier_points(session: Session, ids: list[int]) -> dict[int, tuple[int | None, int | None]]:
    latest = (
        select(func.max(TierRecord.id))
        .where(TierRecord.person_id.in_(ids))
        .group_by(TierRecord.person_id)
    )
    return {
        pid: (protect, change)
        for pid, protect, change in session.execute(
            select(TierRecord.person_id, TierRecord.protect_points, TierRecord.change_points).where(
                TierRecord.id.in_(latest)
            )
        )
    }


def _previous(session: Session, ids: list[int]) -> dict[int, Holder]:
    """The latest ended allocation of each case: continuity (TOM 777)."""
    found: dict[int, Holder] = {}
    for pid, staff_id, forename, surname, grade, pod_id, pod_name, until in session.execute(
        select(
            Allocation.person_id,
            Staff.id,
            Staff.forename,
            Staff.surname,
            Staff.grade,
            Staff.pod_id,
            Pod.name,
            Allocation.end_date,
        )
        .join(Staff, Staff.id == Allocation.staff_id)
        .outerjoin(Pod, Pod.id == Staff.pod_id)
        .where(Allocation.person_id.in_(ids), Allocation.end_date.is_not(None))
        .order_by(Allocation.person_id, Allocation.end_date, Allocation.id)
    ):
        found[pid] = Holder(staff_id, f"{forename} {surname}", grade, pod_id, pod_name or "", until)
    return found


def _open_reviews(session: Session, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for pid, kind in session.execute(
        select(ReviewItem.person_id, ReviewItem.kind)
        .where(ReviewItem.person_id.in_(ids), ReviewItem.resolved_on.is_(None))
        .order_by(ReviewItem.id)
    ):
        found[pid].append(kind)
    return found


def _briefs(session: Session, rows: list[tuple[CaseloadRow, int]]) -> list[CaseBrief]:
    ids = [row.person_id for row, _v in rows]
    points, previous, reviews = {}, {}, {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        points.update(_tier_points(session, chunk))
        previous.update(_previous(session, chunk))
        reviews.update(_open_reviews(session, chunk))
    return [
        _brief(row, version, points.get(row.person_id), previous.get(row.person_id), reviews)
        for row, version in rows
    ]


def _brief(
    row: CaseloadRow,
    version: int,
    points: tuple[int | None, int | None] | None,
    previous: Holder | None,
    reviews: dict[int, list[str]],
) -> CaseBrief:
    protect, change = points or (None, None)
    holder = None
    if row.staff_id is not None:
        holder = Holder(
            row.staff_id,
            row.practitioner_name,
            row.practitioner_grade or "",
            row.pod_id,
            row.pod_name,
        )
    return CaseBrief(
        person_id=row.person_id,
        crn=row.crn,
        forename=row.forename,
        surname=row.surname,
        gender=row.gender,
        date_of_birth=row.date_of_birth,
        female_practitioner_requested=row.female_practitioner_requested,
        sentence_type=row.sentence_type,
        sentence_date=row.sentence_date,
        release_date=row.release_date,
        clock_start=row.clock_start,
        risk=RiskSummary(
            row.rosh,
            row.rsr_percent,
            row.ogrs_percent,
            row.mappa_level,
            row.tier,
            protect,
            change,
        ),
        holder=holder,
        previous=previous,
        open_reviews=tuple(reviews.get(row.person_id, ())),
        version=version,
    )


def case_brief(session: Session, person_id: int) -> CaseBrief:
    """One case for the allocation desk; NotFound when it has no current sentence."""
    row = session.execute(_brief_query().where(CaseloadRow.person_id == person_id)).first()
    if row is None:
        raise NotFound("That case no longer exists, or has no sentence to allocate.")
    return _briefs(session, [(row[0], row[1])])[0]


def find_case(session: Session, pdu_id: int, crn: str) -> CaseBrief:
    """A case of the PDU by its CRN (to reallocate a case that has no review item)."""
    wanted = crn.strip().upper()
    row = session.execute(
        _brief_query().where(CaseloadRow.pdu_id == pdu_id, CaseloadRow.crn == wanted)
    ).first()
    if row is None:
        raise NotFound(f"There is no case {wanted or '(blank)'} in this PDU.")
    return _briefs(session, [(row[0], row[1])])[0]


# --- The queue and the reviews -------------------------------------------------------


def queue(session: Session, pdu_id: int, as_at: date) -> list[QueueItem]:
    """Unallocated active cases, the longest waiting first (TOM 775, SPEC.md 4.3).

    Working days since the clock start grow with its age, so ordering by the
    clock start (then CRN) is ordering by working days elapsed.
    """
    rows = session.execute(
        _brief_query()
        .where(
            CaseloadRow.pdu_id == pdu_id,
            CaseloadRow.unallocated == true(),
            active_case_condition(as_at),
        )
        .order_by(CaseloadRow.clock_start, CaseloadRow.crn)
    ).all()
    briefs = _briefs(session, [(r[0], r[1]) for r in rows])
    clock = _queue_clock(session, pdu_id, as_at)
    return [clock(b) for b in briefs]


def _queue_clock(session: Session, pdu_id: int, as_at: date) -> Callable[[CaseBrief], QueueItem]:
    """A case brief with its allocation and first-appointment clocks, as the queue shows it."""
    pdu = get_pdu(session, pdu_id)
    calendar = settings.working_calendar(session, as_at, welsh=pdu.is_welsh)
    days = int(settings.get(session, "allocation_working_days", as_at, pdu_id))

    def item(brief: CaseBrief) -> QueueItem:
        return QueueItem(
            case=brief,
            clock=allocation_status(brief.clock_start, as_at, calendar, days),
            first_appointment=first_appointment_clock(
                SentenceType(brief.sentence_type), brief.sentence_date, brief.release_date, as_at
            ),
        )

    return item


def reviews(session: Session, pdu_id: int) -> list[ReviewRow]:
    """Open review items of the PDU the desk answers, oldest first (TOM 777, SPEC.md 5)."""
    items = session.execute(
        select(ReviewItem, CaseloadRow, Person.version)
        .join(CaseloadRow, CaseloadRow.person_id == ReviewItem.person_id)
        .join(Person, Person.id == ReviewItem.person_id)
        .where(
            CaseloadRow.pdu_id == pdu_id,
            ReviewItem.resolved_on.is_(None),
            ReviewItem.kind.in_(DESK_REVIEW_KINDS),
        )
        .order_by(ReviewItem.raised_on, ReviewItem.id)
    ).all()
    briefs = {b.person_id: b for b in _briefs(session, [(row, v) for _i, row, v in items])}
    return [
        ReviewRow(item.id, item.kind, item.detail, item.raised_on, briefs[item.person_id])
        for item, _row, _v in items
    ]


@dataclass(frozen=True)
class DeskUpdate:
    """The queue items and open review rows, now, of the cases a change touched.

    The desk drops its rows of ``person_ids`` and puts these in their place.
    """

    person_ids: frozenset[int]
    queue: tuple[QueueItem, ...]
    reviews: tuple[ReviewRow, ...]


def desk_update(
    session: Session, pdu_id: int, as_at: date, person_ids: Collection[int]
) -> DeskUpdate:
    """Where these cases stand on the desk now (SPEC.md 4.3), reading as little as it can.

    A case just allocated has left the queue and closed its reviews: that is
    two statements; only cases still waiting get their full brief and clock.
    """
    ids = sorted(set(person_ids))
    rows = session.execute(_brief_query().where(in_ids(CaseloadRow.person_id, ids))).all()
    items = session.scalars(
        select(ReviewItem)
        .where(
            in_ids(ReviewItem.person_id, ids),
            ReviewItem.resolved_on.is_(None),
            ReviewItem.kind.in_(DESK_REVIEW_KINDS),
        )
        .order_by(ReviewItem.raised_on, ReviewItem.id)
    ).all()
    ours = {row.person_id: (row, version) for row, version in rows if row.pdu_id == pdu_id}
    waiting = [
        row.person_id
        for row, _v in sorted(ours.values(), key=lambda rv: (rv[0].clock_start, rv[0].crn))
        if row.unallocated
        and row.sentence_date <= as_at
        and (row.end_date is None or row.end_date > as_at)
    ]
    reviewed = {item.person_id for item in items if item.person_id in ours}
    briefs = {
        b.person_id: b for b in _briefs(session, [ours[p] for p in sorted({*waiting, *reviewed})])
    }
    queue_items: tuple[QueueItem, ...] = ()
    if waiting:
        clock = _queue_clock(session, pdu_id, as_at)
        queue_items = tuple(clock(briefs[pid]) for pid in waiting)
    review_rows = tuple(
        ReviewRow(item.id, item.kind, item.detail, item.raised_on, briefs[item.person_id])
        for item in items
        if item.person_id in reviewed
    )
    return DeskUpdate(frozenset(ids), queue_items, review_rows)


# --- Ranking ------------------------------------------------------------------------


def _gender(code: str | None) -> Gender | None:
    return Gender(code) if code in {g.value for g in Gender} else None


def _specialisms(codes: frozenset[str]) -> frozenset[Specialism]:
    known = {s.value for s in Specialism}
    return frozenset(Specialism(c) for c in codes if c in known)


def case_facts(
    brief: CaseBrief, as_at: date, workload: WorkloadSettings = DEFAULT_SETTINGS
) -> CaseForAllocation:
    """What the ranking rules need of a case (DOMAIN.md 2, 4a)."""
    sentence_type = SentenceType(brief.sentence_type)
    return CaseForAllocation(
        sentence_type=sentence_type,
        rosh=Rosh(brief.risk.rosh) if brief.risk.rosh else None,
        mappa_level=brief.risk.mappa_level,
        tier=brief.risk.tier,
        points=case_points(workload, sentence_type, brief.risk.tier),
        gender=_gender(brief.gender),
        female_practitioner_requested=brief.female_practitioner_requested,
        previous_staff_id=brief.previous.staff_id if brief.previous else None,
        previous_pod_id=brief.previous.pod_id if brief.previous else None,
        age=age_on(brief.date_of_birth, as_at),
    )


def row_facts(
    row: CaseloadRow, as_at: date, workload: WorkloadSettings = DEFAULT_SETTINGS
) -> CaseForAllocation:
    """What the policy needs of a case, from its caseload row alone (no continuity)."""
    sentence_type = SentenceType(row.sentence_type)
    return CaseForAllocation(
        sentence_type=sentence_type,
        rosh=Rosh(row.rosh) if row.rosh else None,
        mappa_level=row.mappa_level,
        tier=row.tier,
        points=case_points(workload, sentence_type, row.tier),
        gender=_gender(row.gender),
        female_practitioner_requested=row.female_practitioner_requested,
        previous_staff_id=None,
        previous_pod_id=None,
        age=age_on(row.date_of_birth, as_at),
    )


def ranking_rules(session: Session, pdu_id: int, as_at: date) -> RankingRules:
    """The ranking's numbers from the settings in force (DOMAIN.md 2, 4a)."""
    workload = settings.workload_settings(session, as_at, pdu_id)
    return RankingRules(
        po_mix_min_cases=int(settings.get(session, "po_mix_min_cases", as_at, pdu_id)),
        over_capacity_percent=workload.over_capacity_percent,
        flagged_capacity_percent=workload.flagged_capacity_percent,
    )


def to_candidate(p: PractitionerSummary, availability: Availability = AVAILABLE) -> Candidate:
    return Candidate(
        staff_id=p.staff_id,
        name=p.name,
        grade=Grade(p.grade),
        load=p.load,
        gender=_gender(p.gender),
        specialisms=_specialisms(p.specialisms),
        pod_id=p.pod_id,
        availability=availability,
        recent_allocations=p.allocated_last_7_days,
    )


def candidates(
    session: Session, pdu_id: int, person_id: int, as_at: date, team_id: int | None = None
) -> list[CandidateRow]:
    """The PDU's practitioners ranked for one case, best first (SPEC.md 4.3).

    The practitioner who holds the case now is left out; ``team_id`` keeps
    only one team's practitioners (an SPO allocates within their own team).
    Those who cannot take it now come last, with the reason (issue 16).
    """
    brief = case_brief(session, person_id)
    workload = settings.workload_settings(session, as_at, pdu_id)
    loads = [
        p
        for p in practitioner_loads(session, pdu_id, as_at, workload)
        if (team_id is None or p.team_id == team_id)
        and (brief.holder is None or p.staff_id != brief.holder.staff_id)
    ]
    by_id = {p.staff_id: p for p in loads}
    away = availabilities(session, pdu_id, by_id, as_at)
    ranked = rank_candidates(
        case_facts(brief, as_at, workload),
        [to_candidate(p, away.get(p.staff_id, AVAILABLE)) for p in loads],
        ranking_rules(session, pdu_id, as_at),
        allocation_weights(session, as_at, pdu_id),
    )
    return [CandidateRow(r, by_id[r.staff_id]) for r in ranked]
