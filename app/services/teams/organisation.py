"""Teams and PODs: who leads, who sits where, their hours (SPEC.md 1, 3; DOMAIN.md 1).

A team is led by one SPO and holds several PODs (TOM 855-860). The Head of PDU
manages every team; an SPO edits their own team's PODs, members and hours
(SPEC.md 1). Every change is audited with before and after, in the caller's
transaction. Reductions and absences are in :mod:`app.services.teams.reductions`.

Every edit of a staff member, team or POD takes the version the user saw and
checks and bumps it in one statement (:func:`lock`), in the same transaction
as the change and its audit entry, so two people working at once cannot
overwrite each other (SPEC.md 9).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Pod, Reduction, Staff, Team
from app.domain.codes import Grade
from app.services.core import audit
from app.services.core.actor import Actor
from app.services.core.errors import NotFound, UserError
from app.services.core.locking import lock
from app.services.core.team_access import require_head, require_team
from app.services.teams.workload import in_post, practitioner_loads

MAX_NAME = 200
MAX_CONTRACTED_HOURS = 48.0
"""The Working Time Regulations 1998 average weekly limit; more is surely a typing slip."""

POD_GRADES = frozenset({Grade.PO, Grade.PQIP, Grade.PSO, Grade.CASE_ADMIN})
"""Who sits in a POD: practitioners and a case administrator (DOMAIN.md 1, TOM 855)."""


@dataclass(frozen=True)
class MemberView:
    """One member of a team or POD, with their capacity when they hold cases."""

    staff_id: int
    staff_code: str
    name: str
    grade: str
    contracted_hours: float
    reduction_hours: float
    cases: int
    capacity_percent: float | None
    team_id: int | None
    pod_id: int | None
    version: int


@dataclass(frozen=True)
class PodView:
    id: int
    team_id: int
    name: str
    members: tuple[MemberView, ...]
    version: int


@dataclass(frozen=True)
class TeamView:
    """A team with its SPO, its PODs and its other members, who sit in no POD.

    ``spo`` is the SPO who leads it, when they are in post; ``without_pod``
    holds everyone else of the team outside a POD (another SPO, a case
    administrator not yet placed, a victim liaison officer...).
    """

    id: int
    name: str
    spo_id: int | None
    spo_name: str
    pods: tuple[PodView, ...]
    without_pod: tuple[MemberView, ...]
    version: int
    spo: MemberView | None = None


@dataclass(frozen=True)
class TeamsView:
    """A PDU's teams, and its staff in post who are in no team (the Head of PDU...)."""

    teams: tuple[TeamView, ...]
    without_team: tuple[MemberView, ...]


@dataclass(frozen=True)
class StaffOption:
    id: int
    label: str


# --- reading -----------------------------------------------------------------------


def _members(session: Session, pdu_id: int, as_at: date) -> list[MemberView]:
    """Everyone of the PDU in post on ``as_at``, whatever their grade."""
    loads = {p.staff_id: p for p in practitioner_loads(session, pdu_id, as_at)}
    staff = session.scalars(
        select(Staff)
        .where(Staff.pdu_id == pdu_id)
        .where(in_post(as_at))
        .order_by(Staff.surname, Staff.forename)
    )
    out = []
    for s in staff:
        load = loads.get(s.id)
        out.append(
            MemberView(
                staff_id=s.id,
                staff_code=s.staff_code,
                name=f"{s.forename} {s.surname}",
                grade=s.grade,
                contracted_hours=s.contracted_hours,
                reduction_hours=load.reduction_hours if load else 0.0,
                cases=load.load.cases if load else 0,
                capacity_percent=load.capacity_percent if load else None,
                team_id=s.team_id,
                pod_id=s.pod_id,
                version=s.version,
            )
        )
    return out


def list_teams(session: Session, pdu_id: int, as_at: date) -> TeamsView:
    """The PDU's teams with their SPO, PODs and members (capacity as at ``as_at``).

    Everyone in post appears once: an SPO under the team they lead, others in
    their POD, or in their team outside a POD, or among those in no team.
    """
    members = _members(session, pdu_id, as_at)
    by_id = {m.staff_id: m for m in members}
    names = {s.id: f"{s.forename} {s.surname}" for s in session.scalars(select(Staff))}
    pods = session.scalars(
        select(Pod).join(Team, Team.id == Pod.team_id).where(Team.pdu_id == pdu_id)
    ).all()
    stored_teams = session.scalars(select(Team).where(Team.pdu_id == pdu_id).order_by(Team.name))
    team_list = list(stored_teams)
    leaders = {t.spo_id for t in team_list if t.spo_id in by_id}
    placed = [m for m in members if m.staff_id not in leaders]
    team_ids = {t.id for t in team_list}
    teams = []
    for t in team_list:
        team_pods = sorted((p for p in pods if p.team_id == t.id), key=lambda p: p.name.casefold())
        pod_views = tuple(
            PodView(p.id, t.id, p.name, tuple(m for m in placed if m.pod_id == p.id), p.version)
            for p in team_pods
        )
        pod_ids = {p.id for p in team_pods}
        loose = tuple(m for m in placed if m.team_id == t.id and m.pod_id not in pod_ids)
        spo = names.get(t.spo_id, "") if t.spo_id else ""
        leader = by_id.get(t.spo_id) if t.spo_id else None
        teams.append(TeamView(t.id, t.name, t.spo_id, spo, pod_views, loose, t.version, leader))
    without_team = tuple(m for m in placed if m.team_id not in team_ids)
    return TeamsView(tuple(teams), without_team)


def spo_options(session: Session, pdu_id: int) -> list[StaffOption]:
    """The PDU's SPOs, who may lead a team."""
    return [
        StaffOption(s.id, f"{s.surname}, {s.forename}")
        for s in session.scalars(
            select(Staff)
            .where(Staff.pdu_id == pdu_id, Staff.grade == Grade.SPO.value)
            .order_by(Staff.surname, Staff.forename)
        )
    ]


# --- checks --------------------------------------------------------------------------


def get_team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound("That team no longer exists.")
    return team


def get_pod(session: Session, pod_id: int) -> Pod:
    pod = session.get(Pod, pod_id)
    if pod is None:
        raise NotFound("That POD no longer exists.")
    return pod


def get_staff(session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound("That member of staff no longer exists.")
    return staff


def clean_name(name: str, what: str) -> str:
    """A name with spaces tidied, or a UserError: blank or too long."""
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise UserError(f"Give the {what} a name.")
    if len(cleaned) > MAX_NAME:
        raise UserError(f"A {what} name can have at most {MAX_NAME} characters.")
    return cleaned


def _check_unique(name: str, existing: list[tuple[int, str]], own_id: int | None, msg: str) -> None:
    if any(n.casefold() == name.casefold() and i != own_id for i, n in existing):
        raise UserError(msg)


def _check_spo(session: Session, spo_staff_id: int | None, pdu_id: int) -> Staff | None:
    if spo_staff_id is None:
        return None
    spo = get_staff(session, spo_staff_id)
    if spo.grade != Grade.SPO.value or spo.pdu_id != pdu_id:
        raise UserError(
            f"{spo.forename} {spo.surname} is not a Senior Probation Officer of this PDU, "
            "so cannot lead a team."
        )
    return spo


def _spo_name(spo: Staff | None) -> str | None:
    return None if spo is None else f"{spo.forename} {spo.surname}"


# --- teams and PODs -------------------------------------------------------------------


def create_team(
    session: Session, actor: Actor, pdu_id: int, name: str, spo_staff_id: int | None
) -> int:
    """A new team of the PDU, led by an SPO (Head of PDU only)."""
    require_head(actor, pdu_id, "create a team")
    name = clean_name(name, "team")
    existing = [(t.id, t.name) for t in session.scalars(select(Team).where(Team.pdu_id == pdu_id))]
    _check_unique(name, existing, None, f"The PDU already has a team called {name}.")
    spo = _check_spo(session, spo_staff_id, pdu_id)
    team = Team(pdu_id=pdu_id, name=name, spo_id=spo_staff_id)
    session.add(team)
    session.flush()
    after = {"name": name, "spo_id": spo_staff_id, "spo": _spo_name(spo)}
    audit.record(
        session, actor, "team.created", "team", team.id, summary=f"Team {name}", after=after
    )
    return team.id


def rename_team(
    session: Session, actor: Actor, team_id: int, name: str, expected_version: int
) -> None:
    """Rename a team (Head of PDU, or the team's SPO); its cases' read rows follow."""
    team = get_team(session, team_id)
    _rename(
        session,
        actor,
        team,
        team,
        name,
        expected_version,
        siblings=select(Team.id, Team.name).where(Team.pdu_id == team.pdu_id),
        taken="The PDU already has a team called {name}.",
    )


def set_team_spo(
    session: Session,
    actor: Actor,
    team_id: int,
    spo_staff_id: int | None,
    expected_version: int,
) -> None:
    """Choose the SPO who leads a team (Head of PDU only)."""
    team = get_team(session, team_id)
    require_head(actor, team.pdu_id, "choose a team's SPO")
    spo = _check_spo(session, spo_staff_id, team.pdu_id)
    lock(session, team, expected_version)
    old = session.get(Staff, team.spo_id) if team.spo_id else None
    before = {"spo_id": team.spo_id, "spo": _spo_name(old)}
    team.spo_id = spo_staff_id
    audit.record(
        session,
        actor,
        "team.spo_changed",
        "team",
        team.id,
        summary=f"Team {team.name} led by {_spo_name(spo) or 'no SPO'}",
        before=before,
        after={"spo_id": spo_staff_id, "spo": _spo_name(spo)},
    )


def create_pod(session: Session, actor: Actor, team_id: int, name: str) -> int:
    """A new POD in a team (Head of PDU, or the team's SPO)."""
    team = get_team(session, team_id)
    require_team(actor, team, "add a POD to this team")
    name = clean_name(name, "POD")
    existing = [(p.id, p.name) for p in session.scalars(select(Pod).where(Pod.team_id == team_id))]
    _check_unique(name, existing, None, f"{team.name} already has a POD called {name}.")
    pod = Pod(team_id=team_id, name=name)
    session.add(pod)
    session.flush()
    audit.record(
        session,
        actor,
        "pod.created",
        "pod",
        pod.id,
        summary=f"POD {name} in {team.name}",
        after={"name": name, "team_id": team.id, "team": team.name},
    )
    return pod.id


def rename_pod(
    session: Session, actor: Actor, pod_id: int, name: str, expected_version: int
) -> None:
    """Rename a POD (Head of PDU, or its team's SPO); its cases' read rows follow."""
    pod = get_pod(session, pod_id)
    team = get_team(session, pod.team_id)
    _rename(
        session,
        actor,
        pod,
        team,
        name,
        expected_version,
        siblings=select(Pod.id, Pod.name).where(Pod.team_id == team.id),
        taken=f"{team.name} already has a POD called {{name}}.",
    )


def _rename(
    session: Session,
    actor: Actor,
    record: Team | Pod,
    team: Team,
    name: str,
    expected_version: int,
    *,
    siblings: Select[int, str],
    taken: str,
) -> None:
    """Rename a team or POD, unique among ``siblings`` (the unit of work refreshes its cases).

    ``team`` is the team it belongs to (itself for a team), whose SPO may rename it.
    """
    entity, what = ("team", "team") if isinstance(record, Team) else ("pod", "POD")
    require_team(actor, team, f"rename this {what}")
    name = clean_name(name, what)
    existing = [(i, n) for i, n in session.execute(siblings)]
    _check_unique(name, existing, record.id, taken.format(name=name))
    lock(session, record, expected_version)
    before = {"name": record.name}
    record.name = name
    audit.record(
        session,
        actor,
        f"{entity}.renamed",
        entity,
        record.id,
        summary=f"{what[0].upper()}{what[1:]} renamed {name}",
        before=before,
        after={"name": name},
    )


# --- people -----------------------------------------------------------------------------


def _placement(session: Session, staff: Staff) -> dict[str, object]:
    team = session.get(Team, staff.team_id) if staff.team_id else None
    pod = session.get(Pod, staff.pod_id) if staff.pod_id else None
    return {
        "team_id": staff.team_id,
        "team": team.name if team else None,
        "pod_id": staff.pod_id,
        "pod": pod.name if pod else None,
    }


def move_practitioner(
    session: Session, actor: Actor, staff_id: int, pod_id: int, expected_version: int
) -> None:
    """Move a practitioner or case administrator into a POD (and so its team).

    The SPO of both the old and the new team may do it, or the Head of PDU.
    The cases they hold move team and POD with them in the caseload.
    """
    staff = get_staff(session, staff_id)
    pod = get_pod(session, pod_id)
    team = get_team(session, pod.team_id)
    if Grade(staff.grade) not in POD_GRADES:
        raise UserError(f"A {Grade(staff.grade).label} is not a member of a POD.")
    if staff.pdu_id != team.pdu_id:
        raise UserError(f"{staff.forename} {staff.surname} works in another PDU.")
    if staff.team_id is not None and staff.team_id != team.id:
        require_team(actor, get_team(session, staff.team_id), "move staff out of this team")
    require_team(actor, team, "move staff into this team")
    if staff.pod_id == pod.id:
        raise UserError(f"{staff.forename} {staff.surname} is already in {pod.name}.")
    lock(session, staff, expected_version)
    before = _placement(session, staff)
    staff.team_id, staff.pod_id = team.id, pod.id
    audit.record(
        session,
        actor,
        "staff.moved",
        "staff",
        staff.id,
        summary=f"{staff.staff_code} moved to {team.name} / {pod.name}",
        before=before,
        after=_placement(session, staff),
    )


def set_hours(
    session: Session, actor: Actor, staff_id: int, contracted_hours: float, expected_version: int
) -> None:
    """Change someone's contracted hours a week (Head of PDU, or their team's SPO)."""
    staff = get_staff(session, staff_id)
    require_team(actor, get_team(session, staff.team_id) if staff.team_id else None, "set hours")
    hours = float(contracted_hours)
    if not math.isfinite(hours):
        raise UserError("Contracted hours must be a number.")
    if hours < 0:
        raise UserError("Contracted hours cannot be negative.")
    if hours > MAX_CONTRACTED_HOURS:
        raise UserError(f"Contracted hours can be at most {MAX_CONTRACTED_HOURS:g} a week.")
    today = clock.today()
    for r in session.scalars(
        select(Reduction).where(Reduction.staff_id == staff.id, Reduction.is_absence.is_(False))
    ):
        if (r.end_date is None or r.end_date >= today) and r.hours_per_week > hours:
            raise UserError(
                f"A reduction from {r.start_date:%d/%m/%Y} takes {r.hours_per_week:g} hours a "
                f"week, more than {hours:g} contracted hours: end or delete it first."
            )
    lock(session, staff, expected_version)
    before = {"contracted_hours": staff.contracted_hours}
    staff.contracted_hours = hours
    audit.record(
        session,
        actor,
        "staff.hours_changed",
        "staff",
        staff.id,
        summary=f"{staff.staff_code} contracted hours {hours:g}",
        before=before,
        after={"contracted_hours": hours},
    )
