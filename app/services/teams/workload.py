"""Practitioners' workload: points held, capacity %, RoSH mix (DOMAIN.md 2, 4).

Shown wherever a practitioner is shown: the allocation desk, the tiering
balance and the teams screen all read :func:`practitioner_loads`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from app.db.models import Allocation, CaseloadRow, Pod, Reduction, Staff, Team
from app.db.readmodel import active_case_condition
from app.domain.codes import PRACTITIONER_GRADES, Grade, Rosh, SentenceType
from app.domain.workload import (
    PractitionerLoad,
    WorkloadSettings,
    available_points,
    case_points,
    next_reduction_change,
    reduction_hours_on,
)
from app.domain.workload import Reduction as ReductionRule
from app.services.core.settings import workload_settings


@dataclass(frozen=True)
class PractitionerSummary:
    """One practitioner's load on a date, with what the allocation desk needs."""

    staff_id: int
    staff_code: str
    forename: str
    surname: str
    grade: str
    gender: str | None
    specialisms: frozenset[str]
    team_id: int | None
    team_name: str
    pod_id: int | None
    pod_name: str
    contracted_hours: float
    reduction_hours: float
    load: PractitionerLoad
    tier_counts: dict[str, int] = field(default_factory=dict)
    next_reduction_change: date | None = None
    allocated_last_7_days: int = 0
    last_allocated_on: date | None = None

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"

    @property
    def capacity_percent(self) -> float | None:
        return self.load.capacity_percent

    @property
    def points_left(self) -> float:
        return self.load.available - self.load.points_held


def in_post(as_at: date) -> ColumnElement[bool]:
    """Staff in post on ``as_at``: started by then (or no start date) and not yet left."""
    return and_(
        or_(Staff.start_date.is_(None), Staff.start_date <= as_at),
        or_(Staff.leave_date.is_(None), Staff.leave_date > as_at),
    )


def practitioner_loads(
    session: Session,
    pdu_id: int,
    as_at: date,
    settings: WorkloadSettings | None = None,
    staff_ids: list[int] | None = None,
) -> list[PractitionerSummary]:
    """Every practitioner (PO, PQiP, PSO) of the PDU in post on ``as_at``.

    ``settings``: the workload numbers; those in force on ``as_at`` when not given.
    """
    if settings is None:
        settings = workload_settings(session, as_at, pdu_id)
    query = (
        select(Staff, Team.name, Pod.name)
        .outerjoin(Team, Team.id == Staff.team_id)
        .outerjoin(Pod, Pod.id == Staff.pod_id)
        .where(Staff.pdu_id == pdu_id, in_post(as_at))
        .where(Staff.grade.in_([g.value for g in PRACTITIONER_GRADES]))
        .order_by(Staff.surname, Staff.forename)
    )
    if staff_ids is not None:
        query = query.where(Staff.id.in_(staff_ids))
    staff = session.execute(query).all()
    ids = [s.id for s, _t, _p in staff]
    held = _cases_held(session, ids, as_at, settings)
    reductions = _reductions(session, ids)
    recent, last = _recent_allocations(session, ids, as_at)
    out = []
    for s, team_name, pod_name in staff:
        # An absence is a 100% reduction over its dates (DOMAIN.md 4a).
        rules = [
            ReductionRule(
                r.start,
                r.end,
                s.contracted_hours if r.reason == "ABSENCE" else r.hours_per_week,
                r.reason,
                r.note,
            )
            for r in reductions.get(s.id, [])
        ]
        reduction = reduction_hours_on(rules, s.contracted_hours, as_at)
        available = available_points(settings, Grade(s.grade), s.contracted_hours, reduction)
        points, counts, tiers = held.get(s.id, (0, Counter(), Counter()))
        load = PractitionerLoad(
            points_held=points,
            available=available,
            cases=sum(counts.values()),
            high_cases=counts["high"],
            medium_low_cases=counts["medium_low"],
            not_assessed_cases=counts["not_assessed"],
        )
        out.append(
            PractitionerSummary(
                staff_id=s.id,
                staff_code=s.staff_code,
                forename=s.forename,
                surname=s.surname,
                grade=s.grade,
                gender=s.gender,
                specialisms=frozenset(x for x in s.specialisms.split(";") if x),
                team_id=s.team_id,
                team_name=team_name or "",
                pod_id=s.pod_id,
                pod_name=pod_name or "",
                contracted_hours=s.contracted_hours,
                reduction_hours=reduction,
                load=load,
                tier_counts=dict(tiers),
                next_reduction_change=next_reduction_change(rules, as_at),
                allocated_last_7_days=recent.get(s.id, 0),
                last_allocated_on=last.get(s.id),
            )
        )
    return out


def _cases_held(
    session: Session, ids: list[int], as_at: date, settings: WorkloadSettings
) -> dict[int, tuple[int, Counter[str], Counter[str]]]:
    rows = session.execute(
        select(
            CaseloadRow.staff_id,
            CaseloadRow.sentence_type,
            CaseloadRow.tier,
            CaseloadRow.rosh,
            func.count(),
        )
        .where(CaseloadRow.staff_id.in_(ids), active_case_condition(as_at))
        .group_by(
            CaseloadRow.staff_id, CaseloadRow.sentence_type, CaseloadRow.tier, CaseloadRow.rosh
        )
    ).all()
    out: dict[int, tuple[int, Counter[str], Counter[str]]] = {}
    for staff_id, sentence_type, tier, rosh, n in rows:
        if staff_id is None:
            continue
        points, mix, tiers = out.setdefault(staff_id, (0, Counter(), Counter()))
        points += case_points(settings, SentenceType(sentence_type), tier) * n
        mix[_mix_side(rosh)] += n
        tiers[tier or "Untiered"] += n
        out[staff_id] = (points, mix, tiers)
    return out


def _mix_side(rosh: str | None) -> str:
    if rosh is None:
        return "not_assessed"
    return "high" if Rosh(rosh).is_high else "medium_low"


def _reductions(session: Session, ids: list[int]) -> dict[int, list[ReductionRule]]:
    out: dict[int, list[ReductionRule]] = defaultdict(list)
    for r in session.scalars(select(Reduction).where(Reduction.staff_id.in_(ids))):
        out[r.staff_id].append(
            ReductionRule(
                r.start_date,
                r.end_date,
                r.hours_per_week,
                "ABSENCE" if r.is_absence else r.reason,
                r.note,
            )
        )
    return out


def _recent_allocations(
    session: Session, ids: list[int], as_at: date
) -> tuple[dict[int, int], dict[int, date]]:
    since = as_at - timedelta(days=7)
    recent: dict[int, int] = {}
    for staff_id, n in session.execute(
        select(Allocation.staff_id, func.count())
        .where(
            Allocation.staff_id.in_(ids),
            Allocation.start_date > since,
            Allocation.start_date <= as_at,
        )
        .group_by(Allocation.staff_id)
    ):
        recent[staff_id] = n
    last: dict[int, date] = {}
    for staff_id, day in session.execute(
        select(Allocation.staff_id, func.max(Allocation.start_date))
        .where(Allocation.staff_id.in_(ids), Allocation.start_date <= as_at)
        .group_by(Allocation.staff_id)
    ):
        last[staff_id] = day
    return recent, last
