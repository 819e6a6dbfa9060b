"""The tiering balance of a PDU: RoSH mix per practitioner and the tier matrix (SPEC.md 4.4).

Reads the caseload read model and :func:`app.services.teams.workload.practitioner_loads`;
the exception rules live in :mod:`app.domain.balance`.

The tier matrix counts the PDU's active cases (allocated or not) by protect
level A-D and change level 3-0. Unsupervised ``S`` tiers are folded into
their base tier (``B2S`` counts in B2) and their number is also given
separately; untiered cases are counted apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from types import MappingProxyType

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from app.db.models import Allocation, CaseloadRow
from app.db.readmodel import active_case_condition
from app.domain.balance import (
    BalanceException,
    HeldCase,
    practitioner_exceptions,
    tier_mix_summary,
)
from app.domain.codes import Grade, Rosh
from app.domain.tiering import CHANGE_LEVELS, PROTECT_LEVELS, format_tier, parse_tier
from app.domain.workload import CapacityBand, WorkloadSettings, capacity_band
from app.services.caseload import search as caseload
from app.services.caseload.search import CaseRow
from app.services.core import settings
from app.services.teams.workload import PractitionerSummary, practitioner_loads

Cell = tuple[str, int]


@dataclass(frozen=True)
class PractitionerBalance:
    """One practitioner's line in the balance view."""

    staff_id: int
    name: str
    grade: str
    team_name: str
    pod_name: str
    cases: int
    high: int
    medium_low: int
    not_assessed: int
    tier_counts: Mapping[str, int]
    capacity_percent: float | None
    band: CapacityBand | None
    outside_policy: int
    exceptions: tuple[BalanceException, ...]

    @cached_property
    def tier_mix(self) -> str:
        """Cases per protect level, e.g. "A 1 · B 4 · C 2" (worked out once: sorts ask often)."""
        return tier_mix_summary(self.tier_counts)

    @property
    def team_pod(self) -> str:
        return " / ".join(x for x in (self.team_name, self.pod_name) if x)


@dataclass(frozen=True)
class TierMatrix:
    """Active cases of the PDU by protect level (rows A-D) and change level (3-0).

    ``S`` tiers are in their base cell and also counted in ``unsupervised``.
    """

    counts: Mapping[Cell, int] = field(default_factory=lambda: MappingProxyType({}))
    untiered: int = 0
    unsupervised: int = 0

    def count(self, protect: str, change: int) -> int:
        return self.counts.get((protect, change), 0)

    @property
    def total(self) -> int:
        """Every active case, tiered or not."""
        return sum(self.counts.values()) + self.untiered


@dataclass(frozen=True)
class BalanceView:
    """Everything the tiering balance screen shows, as at one date."""

    as_at: date
    practitioners: tuple[PractitionerBalance, ...]
    matrix: TierMatrix
    outside_policy_cases: int
    mix_min_cases: int
    safeguard_override_cases: int = 0

    @property
    def exceptions(self) -> list[tuple[PractitionerBalance, BalanceException]]:
        """Every exception with its practitioner, serious ones first, then by name."""
        found = [(p, e) for p in self.practitioners for e in p.exceptions]
        return sorted(found, key=lambda pe: (not pe[1].flagged, pe[0].name))


def balance(
    session: Session,
    pdu_id: int,
    as_at: date,
    workload_settings: WorkloadSettings | None = None,
) -> BalanceView:
    """The tiering balance of a PDU on ``as_at`` (SPEC.md 4.4)."""
    if workload_settings is None:
        workload_settings = settings.workload_settings(session, as_at, pdu_id)
    mix_min = int(settings.get(session, "po_mix_min_cases", as_at, pdu_id))
    loads = practitioner_loads(session, pdu_id, as_at, workload_settings)
    held = _held_cases(session, [p.staff_id for p in loads], as_at)
    lines = tuple(_line(p, held.get(p.staff_id, []), mix_min, workload_settings) for p in loads)
    return BalanceView(
        as_at=as_at,
        practitioners=lines,
        matrix=tier_matrix(session, pdu_id, as_at),
        outside_policy_cases=outside_policy_count(session, pdu_id, as_at),
        mix_min_cases=mix_min,
        safeguard_override_cases=safeguard_override_count(session, pdu_id, as_at),
    )


def _line(
    p: PractitionerSummary,
    cases: list[tuple[HeldCase, bool]],
    mix_min: int,
    workload_settings: WorkloadSettings,
) -> PractitionerBalance:
    percent = p.capacity_percent
    exceptions = practitioner_exceptions(
        Grade(p.grade), [c for c, _ in cases], percent, mix_min, workload_settings
    )
    return PractitionerBalance(
        staff_id=p.staff_id,
        name=p.name,
        grade=p.grade,
        team_name=p.team_name,
        pod_name=p.pod_name,
        cases=p.load.cases,
        high=p.load.high_cases,
        medium_low=p.load.medium_low_cases,
        not_assessed=p.load.not_assessed_cases,
        tier_counts=MappingProxyType(dict(p.tier_counts)),
        capacity_percent=percent,
        band=None if percent is None else capacity_band(percent, workload_settings),
        outside_policy=sum(1 for _, outside in cases if outside),
        exceptions=exceptions,
    )


def _held_cases(
    session: Session, staff_ids: list[int], as_at: date
) -> dict[int, list[tuple[HeldCase, bool]]]:
    """Each practitioner's active cases: risk, whether confirmed, whether outside policy.

    A recorded policy reason on the open allocation is the SPO's confirmation
    (DOMAIN.md 2: "lets the SPO go ahead only with a recorded reason").
    """
    rows = session.execute(
        select(
            CaseloadRow.staff_id,
            CaseloadRow.rosh,
            CaseloadRow.mappa_level,
            Allocation.outside_policy,
            Allocation.policy_reason,
        )
        .outerjoin(
            Allocation,
            and_(
                Allocation.person_id == CaseloadRow.person_id,
                Allocation.staff_id == CaseloadRow.staff_id,
                Allocation.end_date.is_(None),
            ),
        )
        .where(CaseloadRow.staff_id.in_(staff_ids))
        .where(active_case_condition(as_at))
    ).all()
    out: dict[int, list[tuple[HeldCase, bool]]] = defaultdict(list)
    for staff_id, rosh, mappa, outside, reason in rows:
        if staff_id is None:
            continue
        case = HeldCase(
            rosh=Rosh(rosh) if rosh else None,
            mappa_level=mappa,
            confirmed=bool((reason or "").strip()),
        )
        out[staff_id].append((case, bool(outside)))
    return out


def _pdu_active(pdu_id: int, as_at: date) -> ColumnElement[bool]:
    """The PDU's active cases: sentenced by ``as_at`` and not ended before it."""
    active = active_case_condition(as_at)
    return and_(CaseloadRow.pdu_id == pdu_id, active)


def outside_policy_count(session: Session, pdu_id: int, as_at: date) -> int:
    """Active cases held outside the PO allocation policy (open allocations, DOMAIN.md 2)."""
    query = (
        select(func.count())
        .select_from(CaseloadRow)
        .join(Allocation, Allocation.person_id == CaseloadRow.person_id)
        .where(_pdu_active(pdu_id, as_at))
        .where(Allocation.end_date.is_(None), Allocation.outside_policy.is_(True))
    )
    return int(session.scalar(query) or 0)


def safeguard_override_count(session: Session, pdu_id: int, as_at: date) -> int:
    """Active cases given, with a recorded reason, to someone who could not take them then.

    Absent, leaving, or over the flagged capacity after the case (issue 16);
    counted beside the cases held outside the PO allocation policy.
    """
    query = (
        select(func.count())
        .select_from(CaseloadRow)
        .join(Allocation, Allocation.person_id == CaseloadRow.person_id)
        .where(_pdu_active(pdu_id, as_at))
        .where(Allocation.end_date.is_(None), Allocation.safeguard_reason != "")
    )
    return int(session.scalar(query) or 0)


def tier_matrix(session: Session, pdu_id: int, as_at: date) -> TierMatrix:
    """Active cases of the PDU by tier; ``S`` folded into its base tier (DOMAIN.md 3)."""
    counts: dict[Cell, int] = defaultdict(int)
    untiered = unsupervised = 0
    for tier, n in session.execute(
        select(CaseloadRow.tier, func.count())
        .where(_pdu_active(pdu_id, as_at))
        .group_by(CaseloadRow.tier)
    ):
        parsed = parse_tier(tier)
        if parsed is None:
            untiered += n
            continue
        protect, change, is_unsupervised = parsed
        counts[(protect, change)] += n
        unsupervised += n if is_unsupervised else 0
    return TierMatrix(MappingProxyType(dict(counts)), untiered, unsupervised)


def cases_in_cell(
    session: Session, pdu_id: int, as_at: date, protect: str, change: int
) -> list[int]:
    """Person ids of the active cases in one cell of the matrix (with its ``S`` tier), by CRN."""
    tiers = [format_tier(protect, change), format_tier(protect, change, unsupervised=True)]
    return list(
        session.scalars(
            select(CaseloadRow.person_id)
            .where(_pdu_active(pdu_id, as_at))
            .where(CaseloadRow.tier.in_(tiers))
            .order_by(CaseloadRow.crn)
        )
    )


def cell_rows(
    session: Session, pdu_id: int, as_at: date, protect: str, change: int
) -> list[CaseRow]:
    """The caseload rows behind one cell of the matrix, for the screen's list."""
    return caseload.rows(session, cases_in_cell(session, pdu_id, as_at, protect, change))


MATRIX_ROWS = PROTECT_LEVELS
MATRIX_COLUMNS = CHANGE_LEVELS
