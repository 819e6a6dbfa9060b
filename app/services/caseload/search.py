"""The PDU caseload: filter, sort and page through every case (SPEC.md 4.2).

Hot paths are SQLAlchemy Core over the flattened ``caseload_row`` table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.db.models import CaseloadRow, Pod, Team
from app.db.readmodel import active_case_condition
from app.domain.codes import Grade, Rosh
from app.domain.tiering import tier_sort_key
from app.services.teams.workload import practitioner_loads

NOT_ASSESSED = "NOT_ASSESSED"
UNTIERED = "UNTIERED"
_CRN_PREFIX = re.compile(r"^[A-Za-z]\d{0,6}$")

SORT_COLUMNS: dict[str, InstrumentedAttribute[Any]] = {
    "crn": CaseloadRow.crn,
    "name": CaseloadRow.name_key,
    "sentence_type": CaseloadRow.sentence_type,
    "sentence_date": CaseloadRow.sentence_date,
    "tier": CaseloadRow.tier_rank,
    "rosh": CaseloadRow.rosh_rank,
    "practitioner": CaseloadRow.practitioner_key,
    "team": CaseloadRow.team_name,
    "pod": CaseloadRow.pod_name,
    "clock_start": CaseloadRow.clock_start,
    "allocated_on": CaseloadRow.allocated_on,
    "end_date": CaseloadRow.end_date,
}


@dataclass(frozen=True)
class CaseFilter:
    """What the caseload screen asks for. Empty sets mean "any"."""

    pdu_id: int
    as_at: date
    text: str = ""
    team_id: int | None = None
    pod_id: int | None = None
    staff_id: int | None = None
    tiers: frozenset[str] = field(default_factory=frozenset)
    rosh: frozenset[str] = field(default_factory=frozenset)
    sentence_types: frozenset[str] = field(default_factory=frozenset)
    unallocated_only: bool = False
    include_ended: bool = False


@dataclass(frozen=True)
class CaseRow:
    person_id: int
    crn: str
    forename: str
    surname: str
    sentence_type: str
    sentence_date: date
    release_date: date | None
    end_date: date | None
    clock_start: date
    tier: str | None
    rosh: str | None
    mappa_level: int | None
    staff_id: int | None
    practitioner_name: str
    practitioner_grade: str | None
    team_name: str
    pod_name: str
    allocated_on: date | None
    female_practitioner_requested: bool
    open_reviews: int
    version: int

    @property
    def name(self) -> str:
        return f"{self.surname.upper()}, {self.forename}"


_ROW_COLUMNS = [getattr(CaseloadRow, f) for f in CaseRow.__dataclass_fields__]


def _text_condition(text: str) -> ColumnElement[bool] | None:
    # "SMITH, John", as the table shows it, finds what "smith john" finds.
    text = " ".join(text.replace(",", " ").split()).casefold()
    if not text:
        return None
    if _CRN_PREFIX.match(text):
        crn = text.upper()
        return or_(_prefix(CaseloadRow.crn, crn), _prefix(CaseloadRow.name_key, text))
    words = text.split(" ")
    conditions = [_prefix(CaseloadRow.name_key, text)]
    if len(words) >= 2:  # "John Smith" finds SMITH, John
        conditions.append(_prefix(CaseloadRow.name_key, f"{words[-1]} {' '.join(words[:-1])}"))
    return or_(*conditions)


def _prefix(column: InstrumentedAttribute[str], prefix: str) -> ColumnElement[bool]:
    # A range, not LIKE, so the index serves it on SQLite and PostgreSQL alike.
    return and_(column >= prefix, column < prefix + "\uffff")


def conditions(flt: CaseFilter, *, in_order: bool = False) -> list[ColumnElement[bool]]:
    """The filter as SQL; ``in_order`` for a sorted page (see ``active_case_condition``)."""
    cond: list[ColumnElement[bool]] = [CaseloadRow.pdu_id == flt.pdu_id]
    if not flt.include_ended:
        cond.append(active_case_condition(flt.as_at, in_order=in_order))
    text = _text_condition(flt.text)
    if text is not None:
        cond.append(text)
    if flt.team_id is not None:
        cond.append(CaseloadRow.team_id == flt.team_id)
    if flt.pod_id is not None:
        cond.append(CaseloadRow.pod_id == flt.pod_id)
    if flt.staff_id is not None:
        cond.append(CaseloadRow.staff_id == flt.staff_id)
    if flt.unallocated_only:
        cond.append(CaseloadRow.unallocated == true())
    if flt.sentence_types:
        cond.append(CaseloadRow.sentence_type.in_(sorted(flt.sentence_types)))
    if flt.tiers:
        # By rank, so the indexed column serves it; "B2" also finds "B2S" (SPEC.md: the
        # unsupervised part of a licence keeps its tier).
        ranks = {0 if t == UNTIERED else tier_sort_key(t) for t in flt.tiers}
        cond.append(CaseloadRow.tier_rank.in_(sorted(ranks)))
    if flt.rosh:
        ranks = {0 if r == NOT_ASSESSED else Rosh(r).rank for r in flt.rosh}
        cond.append(CaseloadRow.rosh_rank.in_(sorted(ranks)))
    return cond


def search_query(flt: CaseFilter, sort: str = "crn", descending: bool = False) -> Select[int]:
    key = SORT_COLUMNS.get(sort, CaseloadRow.crn)
    order = key.desc() if descending else key.asc()
    tiebreak = CaseloadRow.crn.desc() if descending else CaseloadRow.crn.asc()
    return (
        select(CaseloadRow.person_id)
        .where(*conditions(flt, in_order=True))
        .order_by(order, tiebreak)
    )


def search(
    session: Session, flt: CaseFilter, sort: str = "crn", descending: bool = False
) -> list[int]:
    """The ids of the matching cases in display order (the count is their length)."""
    return list(session.scalars(search_query(flt, sort, descending)))


@dataclass(frozen=True)
class Page:
    """The first rows of a search and how many match in all."""

    ids: list[int]
    total: int


def first_page(
    session: Session,
    flt: CaseFilter,
    sort: str = "crn",
    descending: bool = False,
    limit: int = 200,
) -> Page:
    """The first ``limit`` ids in display order and the total: what the screen shows first.

    The full list of ids follows from :func:`search`; the two together keep the
    first paint fast at 250,000 cases (SPEC.md 8).
    """
    ids = list(session.scalars(search_query(flt, sort, descending).limit(limit)))
    total = len(ids) if len(ids) < limit else count(session, flt)
    return Page(ids, total)


def count(session: Session, flt: CaseFilter) -> int:
    return int(
        session.scalar(select(func.count()).select_from(CaseloadRow).where(*conditions(flt))) or 0
    )


def rows(session: Session, ids: list[int]) -> list[CaseRow]:
    """The display rows of these cases, in the order given."""
    if not ids:
        return []
    found = {
        r.person_id: CaseRow(*r)
        for r in session.execute(select(*_ROW_COLUMNS).where(CaseloadRow.person_id.in_(ids)))
    }
    return [found[i] for i in ids if i in found]


def _percent(value: float | None) -> str:
    return "no capacity" if value is None else f"{value:.0f}%"


@dataclass(frozen=True)
class Option:
    id: int
    label: str
    parent_id: int | None = None


@dataclass(frozen=True)
class FilterOptions:
    teams: list[Option]
    pods: list[Option]
    practitioners: list[Option]


def filter_options(session: Session, pdu_id: int, as_at: date) -> FilterOptions:
    """Teams, PODs and practitioners (with their capacity) for the caseload's filters."""
    teams = [
        Option(i, n)
        for i, n in session.execute(
            select(Team.id, Team.name).where(Team.pdu_id == pdu_id).order_by(Team.name)
        )
    ]
    pods = [
        Option(i, f"{tn} / {n}", t)
        for i, n, t, tn in session.execute(
            select(Pod.id, Pod.name, Pod.team_id, Team.name)
            .join(Team, Team.id == Pod.team_id)
            .where(Team.pdu_id == pdu_id)
            .order_by(Team.name, Pod.name)
        )
    ]
    practitioners = [
        Option(
            p.staff_id,
            f"{p.surname}, {p.forename} ({Grade(p.grade).short}, {_percent(p.capacity_percent)})",
            p.pod_id,
        )
        for p in practitioner_loads(session, pdu_id, as_at)
    ]
    return FilterOptions(teams, pods, practitioners)
