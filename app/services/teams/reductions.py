"""Reductions and absences: hours taken off a practitioner's capacity (DOMAIN.md 4a).

A reduction is hours per week over a date range, with a reason and a note;
its status (scheduled, active, ended) follows the date. An absence is a
reduction of all contracted hours (``Reduction.is_absence``). The Head of PDU
or the practitioner's SPO records them (SPEC.md 1); every change is audited.

Reductions are part of the practitioner's capacity, so each change takes the
version of the practitioner's record that the user saw and bumps it
(:func:`app.services.core.locking.lock`, SPEC.md 9): a change of hours and a new
reduction made at once cannot both pass their checks against stale hours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Reduction, Staff, Team
from app.domain.codes import Grade, Role
from app.domain.workload import Reduction as ReductionRule
from app.domain.workload import (
    ReductionReason,
    ReductionStatus,
    WorkloadInputError,
    WorkloadSettings,
    default_reduction_hours,
)
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import NotFound, UserError
from app.services.core.locking import lock
from app.services.core.permissions import write_service
from app.services.core.settings import workload_settings
from app.services.core.team_access import require_team
from app.services.teams.organisation import get_staff

ABSENCE_REASONS = (
    ReductionReason.SICKNESS,
    ReductionReason.MATERNITY,
    ReductionReason.SPECIAL_LEAVE,
    ReductionReason.OTHER,
)
"""Reasons offered for an absence (DOMAIN.md 4a: sickness, maternity or special leave)."""

TRADE_UNION_MAX_SHARE = 0.5
"""Trade union facility time is up to 50% of contracted hours (DOMAIN.md 4a)."""


@dataclass(frozen=True)
class ReductionView:
    """One reduction or absence as the teams screen lists it."""

    id: int
    staff_id: int
    reason: str
    start: date
    end: date | None
    hours_per_week: float
    note: str
    is_absence: bool
    status: ReductionStatus

    @property
    def reason_label(self) -> str:
        label = ReductionReason(self.reason).label
        return f"Absence: {label.lower()}" if self.is_absence else label


def reductions(session: Session, staff_id: int, as_at: date) -> list[ReductionView]:
    """A member of staff's reductions and absences, latest first, with their status."""
    rows = session.scalars(
        select(Reduction)
        .where(Reduction.staff_id == staff_id)
        .order_by(Reduction.start_date.desc(), Reduction.id.desc())
    )
    return [
        ReductionView(
            r.id,
            r.staff_id,
            r.reason,
            r.start_date,
            r.end_date,
            r.hours_per_week,
            r.note,
            r.is_absence,
            ReductionRule(r.start_date, r.end_date, 0, r.reason).status(as_at),
        )
        for r in rows
    ]


def _practitioner(session: Session, actor: Actor, staff_id: int, action: str) -> Staff:
    staff = get_staff(session, staff_id)
    team = session.get(Team, staff.team_id) if staff.team_id else None
    require_team(actor, team, action, pdu_id=staff.pdu_id)
    if not Grade(staff.grade).is_practitioner:
        raise UserError(
            f"Only practitioners (PO, PQiP, PSO) hold caseload capacity; "
            f"{staff.forename} {staff.surname} is a {Grade(staff.grade).label}."
        )
    return staff


def _reason(value: ReductionReason | str, allowed: tuple[ReductionReason, ...]) -> ReductionReason:
    try:
        reason = ReductionReason(value)
    except ValueError:
        raise UserError(f"{value!r} is not a reason for a reduction.") from None
    if reason not in allowed:
        raise UserError(f"{reason.label} is not a reason for an absence.")
    return reason


def _check_dates(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise UserError(f"The end date {end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}.")


def _hours(
    staff: Staff, reason: ReductionReason, hours: float | None, settings: WorkloadSettings
) -> float:
    """The weekly hours asked for, or the reason's default share (DOMAIN.md 4a)."""
    if hours is None:
        try:
            hours = default_reduction_hours(settings, reason, staff.contracted_hours)
        except WorkloadInputError as exc:
            raise UserError(str(exc)) from exc
        if hours is None:
            raise UserError(f"Give the hours a week for a reduction of reason {reason.label}.")
    hours = float(hours)
    if not math.isfinite(hours):
        raise UserError("Hours a week must be a number.")
    if hours < 0:
        raise UserError("Hours a week cannot be negative.")
    if hours == 0:
        raise UserError("A reduction takes at least some hours a week off; 0 changes nothing.")
    if hours > staff.contracted_hours:
        raise UserError(
            f"{hours:g} hours a week is more than {staff.forename} {staff.surname}'s "
            f"{staff.contracted_hours:g} contracted hours: record an absence instead."
        )
    cap = staff.contracted_hours * TRADE_UNION_MAX_SHARE
    if reason is ReductionReason.TRADE_UNION and hours > cap:
        raise UserError(f"Trade union facility time is at most half the hours: {cap:g} a week.")
    return hours


def _as_dict(r: Reduction) -> dict[str, object]:
    """For the audit; the practitioner's id lets a conflict name the latest change."""
    return {
        "staff_id": r.staff_id,
        "reason": r.reason,
        "start": r.start_date,
        "end": r.end_date,
        "hours_per_week": r.hours_per_week,
        "note": r.note,
        "is_absence": r.is_absence,
    }


@write_service(Role.HEAD_OF_PDU, Role.SPO, action="record reductions")
def add_reduction(
    session: Session,
    actor: Actor,
    staff_id: int,
    start: date,
    end: date | None,
    hours_per_week: float | None,
    reason: ReductionReason | str,
    note: str = "",
    settings: WorkloadSettings | None = None,
    *,
    expected_version: int,
) -> None:
    """Take hours a week off a practitioner's capacity; no hours means the reason's default.

    ``expected_version`` is the version of the practitioner's record the user saw.
    """
    staff = _practitioner(session, actor, staff_id, "record a reduction")
    why = _reason(reason, tuple(ReductionReason))
    _check_dates(start, end)
    if settings is None:
        settings = workload_settings(session, start, staff.pdu_id)
    hours = _hours(staff, why, hours_per_week, settings)
    row = Reduction(
        staff_id=staff.id,
        start_date=start,
        end_date=end,
        hours_per_week=hours,
        reason=why.value,
        note=note.strip(),
        is_absence=False,
    )
    what = f"{hours:g} hours a week"
    _added(session, actor, staff, expected_version, row, "reduction.added", what)


@write_service(Role.HEAD_OF_PDU, Role.SPO, action="record absences")
def add_absence(
    session: Session,
    actor: Actor,
    staff_id: int,
    start: date,
    end: date | None,
    reason: ReductionReason | str,
    note: str = "",
    *,
    expected_version: int,
) -> None:
    """Record an absence: all contracted hours off over its dates (DOMAIN.md 4a).

    ``expected_version`` is the version of the practitioner's record the user saw.
    """
    staff = _practitioner(session, actor, staff_id, "record an absence")
    why = _reason(reason, ABSENCE_REASONS)
    _check_dates(start, end)
    row = Reduction(
        staff_id=staff.id,
        start_date=start,
        end_date=end,
        hours_per_week=staff.contracted_hours,
        reason=why.value,
        note=note.strip(),
        is_absence=True,
    )
    what = why.label.lower()
    _added(session, actor, staff, expected_version, row, "absence.added", what)


def _added(
    session: Session,
    actor: Actor,
    staff: Staff,
    expected_version: int,
    row: Reduction,
    action: str,
    what: str,
) -> None:
    lock(session, staff, expected_version)
    session.add(row)
    session.flush()
    until = f" to {row.end_date:%d/%m/%Y}" if row.end_date else ""
    audit.record(
        session,
        actor,
        action,
        "reduction",
        row.id,
        summary=f"{staff.staff_code}: {what} from {row.start_date:%d/%m/%Y}{until}",
        after=_as_dict(row),
    )


def _get(session: Session, actor: Actor, reduction_id: int, action: str) -> tuple[Reduction, Staff]:
    row = session.get(Reduction, reduction_id)
    if row is None:
        raise NotFound("That reduction no longer exists.")
    return row, _practitioner(session, actor, row.staff_id, action)


@write_service(Role.HEAD_OF_PDU, Role.SPO, action="end reductions")
def end_reduction(
    session: Session, actor: Actor, reduction_id: int, end: date, expected_version: int
) -> None:
    """End a reduction or absence on a date (its last day).

    ``expected_version`` is the version of the practitioner's record the user saw.
    """
    row, staff = _get(session, actor, reduction_id, "end a reduction")
    _check_dates(row.start_date, end)
    lock(session, staff, expected_version)
    before = _as_dict(row)
    row.end_date = end
    audit.record(
        session,
        actor,
        "reduction.ended",
        "reduction",
        row.id,
        summary=f"Reduction ends {end:%d/%m/%Y}",
        before=before,
        after=_as_dict(row),
    )


@write_service(Role.HEAD_OF_PDU, Role.SPO, action="delete reductions")
def delete_reduction(
    session: Session, actor: Actor, reduction_id: int, expected_version: int
) -> None:
    """Remove a reduction or absence recorded in error (the audit keeps what it was).

    ``expected_version`` is the version of the practitioner's record the user saw.
    """
    row, staff = _get(session, actor, reduction_id, "delete a reduction")
    lock(session, staff, expected_version)
    before = _as_dict(row)
    session.delete(row)
    session.flush()
    audit.record(
        session,
        actor,
        "reduction.deleted",
        "reduction",
        reduction_id,
        summary="Reduction deleted",
        before=before,
    )
