"""Every guarded service called as every role, in scope and out of it (SPEC.md 1).

``ROWS`` says, for each service in the register, which roles may call it; the
test calls it as each role, on records of the actor's own PDU and then of a
PDU they do not cover, and checks the service allows or refuses. A service
in the register without a row fails, and so does any public service that
takes an actor without being registered (found by scanning app.services).
"""

from __future__ import annotations

import csv
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import app.services
from app.db.migrate import SchemaError
from app.db.models import Allocation, AuditEntry, Person, Reduction, ReviewItem, Staff, Team
from app.domain.codes import PEOPLE_ROLES, ReallocationReason, Role
from app.domain.progress import silent
from app.services import maintenance
from app.services.admin import audit_log
from app.services.allocation import ndelius, proposal, undo
from app.services.allocation import views as alloc_views
from app.services.allocation import writes as alloc_writes
from app.services.caseload import upkeep
from app.services.caseload.tiers import REVIEW_TIER_RISE
from app.services.core import audit, settings
from app.services.core.actor import Actor, system_actor
from app.services.core.errors import PermissionDenied, UserError
from app.services.core.permissions import EVERY_ROLE, REGISTRY, guard_of
from app.services.demo.generate import generate_demo
from app.services.imports import service as imports
from app.services.imports.report import ImportReport
from app.services.returns import export as return_files
from app.services.returns import overview as return_overview
from app.services.returns import versions as returns
from app.services.teams import organisation as teams
from app.services.teams import reductions
from app.services.users import accounts, credentials, signin
from app.services.users.accounts import UserForm
from tests import factories as f
from tests.conftest import TODAY
from tests.services import permission_upw
from tests.services.permission_upw import UpwPlace
from tests.victims import permission_rows as victim_rows

HEAD, SPO, ADMIN, UPW, VLO, SYSTEM = (
    Role.HEAD_OF_PDU,
    Role.SPO,
    Role.ADMIN,
    Role.UPW_MANAGER,
    Role.VLO,
    Role.SYSTEM,
)
NOT_SERVICES = {
    "app.services.core.audit.record",
    "app.services.core.team_access.spo_teams",
    "app.services.core.unit_of_work.set_actor",
    "app.services.imports.kept.plan_key",
    *victim_rows.HELPERS,
}
"""Helpers of the services, not services: they write the actor's name in the log, keep
it for the unit of work's entry, look up an SPO's teams, or key an import's kept plan (by
who made it), for the services that check."""


@dataclass
class Place:
    """The records of one PDU that the services are called on."""

    pdu_id: int
    number: int
    team: Team
    pods: tuple[int, int]
    spo: Staff
    po: Staff
    po2: Staff
    waiting: Person
    held: Person
    review: int
    reduction: int
    user: int
    upw: UpwPlace


@dataclass
class World:
    session: Session
    tmp: Path
    own: Place
    other: Place
    actors: dict[Role, Actor] = field(default_factory=dict)

    def place(self, out: bool) -> Place:
        return self.other if out else self.own

    def version(self, model: Any, record_id: int) -> int:
        return int(self.session.scalar(select(model.version).where(model.id == record_id)))


def _place(session: Session, number: int, tmp: Path) -> Place:
    pdu = f.pdu(session, number)
    team = f.team(session, pdu.id, f"Team {number}")
    pod1, pod2 = f.pod(session, team.id, "POD 1"), f.pod(session, team.id, "POD 2")
    spo = f.staff(session, pod1, "SPO", pod_id=None)
    team.spo_id = spo.id
    po = f.staff(session, pod1, "PO")
    po2 = f.staff(session, pod1, "PO")
    waiting = f.case(session, pdu.id, rosh="MEDIUM")
    held = f.case(session, pdu.id, rosh="MEDIUM", staff_id=po.id)
    review = ReviewItem(person_id=held.id, kind=REVIEW_TIER_RISE, detail="", raised_on=TODAY)
    reduction = Reduction(
        staff_id=po.id,
        start_date=TODAY,
        end_date=None,
        hours_per_week=2,
        reason="OTHER",
        note="",
        is_absence=False,
    )
    session.add_all([review, reduction])
    session.flush()
    user = f.actor(session, ADMIN, pdus=(number,), username=f"target.{number}")
    assert user.user_id is not None
    upw = permission_upw.stage(session, pdu.id, number, pod1, tmp / f"sheets-{number}")
    return Place(
        pdu.id,
        number,
        team,
        (pod1.id, pod2.id),
        spo,
        po,
        po2,
        waiting,
        held,
        review.id,
        reduction.id,
        user.user_id,
        upw,
    )


@pytest.fixture
def world(session: Session, tmp_path: Path) -> World:
    own, other = _place(session, 17, tmp_path), _place(session, 18, tmp_path)
    w = World(session, tmp_path, own, other)
    w.actors = {
        HEAD: f.actor(session, HEAD, username="the.head"),
        SPO: f.actor(session, SPO, staff=own.spo, username="the.spo"),
        ADMIN: f.actor(session, ADMIN, username="the.admin"),
        UPW: f.actor(session, UPW, username="the.upw"),
        VLO: f.actor(session, VLO, username="the.vlo"),
        SYSTEM: system_actor(session),
    }
    f.actor(session, HEAD, pdus=(18,), username="other.head")
    audit.record(session, w.actors[HEAD], "test.entry", "case", own.held.crn, summary="seen")
    session.commit()
    return w


def _staff_file(w: World, p: Place) -> Path:
    path = w.tmp / f"staff-{p.number}.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["staff_code", "forename", "surname", "grade", "pdu"])
        writer.writerow([f"N{p.number:02d}Z999", "New", "Starter", "PO", str(p.number)])
    return path


def _projects_file(w: World, p: Place) -> Path:
    path = w.tmp / f"projects-{p.number}.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["project_code", "name", "type", "places", "pdu"])
        writer.writerow([f"P{p.number}", "Park clearance", "Group", 6, str(p.number)])
    return path


def _import_file(w: World, a: Actor, out: bool) -> tuple[str, Path]:
    """Each importing role's own kind of file: unpaid work projects for the unpaid work
    manager, VCS cases for a VLO (neither may import an extract), a staff extract for
    the others."""
    if a.has(UPW):
        return "upw-projects", _projects_file(w, w.place(out))
    if a.has(VLO):
        return "vcs-cases", victim_rows.vcs_file(w, out)
    return "staff", _staff_file(w, w.place(out))


def _imported(report: ImportReport) -> ImportReport:
    """A file naming a PDU the user does not cover is refused on its rows."""
    if not report.accepted and any("PDUs you cover" in e.reason for e in report.errors):
        raise PermissionDenied(report.errors[0].reason)
    assert report.accepted, report.text()
    return report


def _form(p: Place, *roles: Role) -> UserForm:
    return UserForm("Someone New", frozenset(roles or {ADMIN}), frozenset({p.pdu_id}))


Call = Callable[[World, Actor, bool], object]


@dataclass(frozen=True)
class Row:
    """Who may call a service, how to call it, and whether it has an out-of-scope call."""

    roles: frozenset[Role]
    call: Call
    scoped: bool = True
    lenient: bool = False
    """Past the permission check, a refusal for another reason (nothing to undo) counts
    as allowed: the rows of services whose calls need more staging than this world."""


def row(*roles: Role, scoped: bool = True, lenient: bool = False) -> Callable[[Call], Row]:
    return lambda call: Row(frozenset(roles), call, scoped, lenient)


def _alloc(w: World, a: Actor, out: bool) -> object:
    p = w.place(out)
    return alloc_writes.allocate(
        w.session, a, p.waiting.id, p.po.id, w.version(Person, p.waiting.id)
    )


def _realloc(w: World, a: Actor, out: bool) -> object:
    p = w.place(out)
    version = w.version(Person, p.held.id)
    reason = ReallocationReason.CASELOAD_ADJUSTMENT
    return alloc_writes.reallocate(w.session, a, p.held.id, p.po2.id, version, reason)


def _no_backup(w: World, a: Actor) -> None:
    """Past the permission check, a restore of a file that is not there is refused."""
    try:
        maintenance.restore_from_window(w.session, a, w.tmp / "missing.sqlite3")
    except SchemaError as exc:
        message = str(exc).lower()
        # SQLite: the file is not there; PostgreSQL: restored with the server's own tools.
        assert "no backup" in message or "pg_restore" in message, exc
    else:
        raise AssertionError("a missing backup was restored")


def _held_allocation(w: World, p: Place) -> int:
    found = w.session.scalar(
        select(Allocation.id).where(
            Allocation.person_id == p.held.id, Allocation.end_date.is_(None)
        )
    )
    assert found is not None
    return int(found)


def _team_version(w: World, p: Place) -> int:
    return w.version(Team, p.team.id)


def _upw_rows(calls: dict[str, tuple[tuple[Role, ...], permission_upw.UpwCall]]) -> dict[str, Row]:
    """The unpaid work services, called on the records staged in each place's PDU."""
    return {
        f"app.services.unpaid_work.{name}": row(*roles)(
            lambda w, a, out, call=call: call(w.session, a, w.place(out).upw)
        )
        for name, (roles, call) in calls.items()
    }


ROWS: dict[str, Row] = {
    "app.services.allocation.writes.allocate": row(HEAD, SPO)(_alloc),
    "app.services.allocation.writes.reallocate": row(HEAD, SPO)(_realloc),
    "app.services.allocation.writes.resolve_review": row(HEAD, SPO)(
        lambda w, a, out: alloc_writes.resolve_review(w.session, a, w.place(out).review, "Kept")
    ),
    "app.services.allocation.views.home_team": row(*EVERY_ROLE, scoped=False)(
        lambda w, a, out: alloc_views.home_team(w.session, a)
    ),
    "app.services.caseload.upkeep.refresh_expired_tiers": row(*EVERY_ROLE, scoped=False)(
        lambda w, a, out: upkeep.refresh_expired_tiers(w.session, a, TODAY)
    ),
    "app.services.caseload.upkeep.run_daily": row(*EVERY_ROLE, scoped=False)(
        lambda w, a, out: upkeep.run_daily(w.session, a, TODAY)
    ),
    "app.services.core.settings.put": row(HEAD)(
        lambda w, a, out: settings.put(
            w.session, a, "po_mix_min_cases", 6, TODAY, w.place(out).pdu_id
        )
    ),
    # Each importing role imports its own kind of file (each kind names its roles).
    "app.services.imports.service.preview": row(HEAD, ADMIN, SYSTEM, UPW, VLO)(
        lambda w, a, out: _imported(imports.preview(w.session, a, *_import_file(w, a, out)))
    ),
    "app.services.imports.service.apply": row(HEAD, ADMIN, SYSTEM, UPW, VLO)(
        lambda w, a, out: _imported(imports.apply(w.session, a, *_import_file(w, a, out)))
    ),
    "app.services.demo.generate.generate_demo": row(SYSTEM, scoped=False)(
        lambda w, a, out: generate_demo(w.session, a, 2, 3, progress=silent())
    ),
    "app.services.teams.organisation.create_team": row(HEAD)(
        lambda w, a, out: teams.create_team(w.session, a, w.place(out).pdu_id, "Team New", None)
    ),
    "app.services.teams.organisation.rename_team": row(HEAD, SPO)(
        lambda w, a, out: teams.rename_team(
            w.session, a, w.place(out).team.id, "Team Renamed", _team_version(w, w.place(out))
        )
    ),
    "app.services.teams.organisation.set_team_spo": row(HEAD)(
        lambda w, a, out: teams.set_team_spo(
            w.session, a, w.place(out).team.id, None, _team_version(w, w.place(out))
        )
    ),
    "app.services.teams.organisation.create_pod": row(HEAD, SPO)(
        lambda w, a, out: teams.create_pod(w.session, a, w.place(out).team.id, "POD New")
    ),
    "app.services.teams.organisation.rename_pod": row(HEAD, SPO)(
        lambda w, a, out: teams.rename_pod(w.session, a, w.place(out).pods[0], "POD Renamed", 1)
    ),
    "app.services.teams.organisation.move_practitioner": row(HEAD, SPO)(
        lambda w, a, out: teams.move_practitioner(
            w.session, a, w.place(out).po.id, w.place(out).pods[1], 1
        )
    ),
    "app.services.teams.organisation.set_hours": row(HEAD, SPO)(
        lambda w, a, out: teams.set_hours(w.session, a, w.place(out).po.id, 30, 1)
    ),
    "app.services.teams.reductions.add_reduction": row(HEAD, SPO)(
        lambda w, a, out: reductions.add_reduction(
            w.session, a, w.place(out).po.id, TODAY, None, 3, "OTHER", expected_version=1
        )
    ),
    "app.services.teams.reductions.add_absence": row(HEAD, SPO)(
        lambda w, a, out: reductions.add_absence(
            w.session, a, w.place(out).po.id, TODAY, None, "SICKNESS", expected_version=1
        )
    ),
    "app.services.teams.reductions.end_reduction": row(HEAD, SPO)(
        lambda w, a, out: reductions.end_reduction(w.session, a, w.place(out).reduction, TODAY, 1)
    ),
    "app.services.teams.reductions.delete_reduction": row(HEAD, SPO)(
        lambda w, a, out: reductions.delete_reduction(w.session, a, w.place(out).reduction, 1)
    ),
    "app.services.users.accounts.list_users": row(HEAD, scoped=False)(
        lambda w, a, out: accounts.list_users(w.session, a)
    ),
    "app.services.users.accounts.scope_choices": row(HEAD, scoped=False)(
        lambda w, a, out: accounts.scope_choices(w.session, a)
    ),
    "app.services.users.accounts.create_user": row(HEAD)(
        lambda w, a, out: accounts.create_user(
            w.session, a, "new.user", f.PASSWORD, _form(w.place(out))
        )
    ),
    "app.services.users.accounts.update_user": row(HEAD)(
        lambda w, a, out: accounts.update_user(
            w.session, a, w.place(out).user, 1, _form(w.place(out), ADMIN, UPW)
        )
    ),
    "app.services.users.accounts.set_active": row(HEAD)(
        lambda w, a, out: accounts.set_active(w.session, a, w.place(out).user, 1, False)
    ),
    "app.services.users.credentials.reset_password": row(HEAD)(
        lambda w, a, out: credentials.reset_password(
            w.session, a, w.place(out).user, "a brand new passphrase"
        )
    ),
    "app.services.users.credentials.change_own_password": row(*PEOPLE_ROLES, scoped=False)(
        lambda w, a, out: credentials.change_own_password(
            w.session, a, f.PASSWORD, "a brand new passphrase"
        )
    ),
    "app.services.users.credentials.create_head": row(SYSTEM, scoped=False)(
        lambda w, a, out: credentials.create_head(
            w.session, a, "new.head", "New Head", "a brand new passphrase", [20]
        )
    ),
    "app.services.users.credentials.reset_head_password": row(SYSTEM, scoped=False)(
        lambda w, a, out: credentials.reset_head_password(
            w.session, a, "the.head", "a brand new passphrase"
        )
    ),
    "app.services.users.signin.unlock": row(*PEOPLE_ROLES, scoped=False)(
        lambda w, a, out: signin.unlock(w.session, a, f.PASSWORD)
    ),
    "app.services.admin.audit_log.search": row(HEAD, scoped=False)(
        lambda w, a, out: audit_log.search(w.session, a, audit_log.AuditFilter())
    ),
    "app.services.admin.audit_log.choices": row(HEAD, scoped=False)(
        lambda w, a, out: audit_log.choices(w.session, a)
    ),
    "app.services.admin.audit_log.detail": row(HEAD, scoped=False)(
        lambda w, a, out: audit_log.detail(
            w.session,
            a,
            int(w.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "test.entry"))),
        )
    ),
    "app.services.allocation.undo.undo_allocation": row(HEAD, SPO, lenient=True)(
        lambda w, a, out: undo.undo_allocation(
            w.session, a, _held_allocation(w, w.place(out)), w.version(Person, w.place(out).held.id)
        )
    ),
    "app.services.allocation.undo.undo_review": row(HEAD, SPO, lenient=True)(
        lambda w, a, out: undo.undo_review(w.session, a, w.place(out).review, "Kept")
    ),
    "app.services.allocation.ndelius.mark_entered": row(HEAD, SPO, ADMIN, scoped=False)(
        lambda w, a, out: ndelius.mark_entered(
            w.session, a, [("allocation", _held_allocation(w, w.own))]
        )
    ),
    "app.services.allocation.proposal.held_by_others": row(*EVERY_ROLE, scoped=False)(
        lambda w, a, out: proposal.held_by_others(w.session, a, w.own.pdu_id, TODAY)
    ),
    "app.services.allocation.proposal.proposable_cases": row(*EVERY_ROLE, scoped=False)(
        lambda w, a, out: proposal.proposable_cases(w.session, a, w.own.pdu_id, TODAY)
    ),
    "app.services.allocation.proposal.open_proposal": row(HEAD, SPO)(
        lambda w, a, out: proposal.open_proposal(
            w.session, a, w.place(out).pdu_id, [w.place(out).waiting.id]
        )
    ),
    "app.services.allocation.proposal.close_proposal": row(*EVERY_ROLE, scoped=False)(
        lambda w, a, out: proposal.close_proposal(w.session, a, w.own.pdu_id)
    ),
    "app.services.allocation.proposal.propose": row(HEAD, SPO, lenient=True)(
        lambda w, a, out: proposal.propose(
            w.session, a, w.place(out).pdu_id, [w.place(out).waiting.id], TODAY
        )
    ),
    "app.services.allocation.proposal.accept": row(HEAD, SPO)(
        lambda w, a, out: proposal.accept(
            w.session,
            a,
            [
                proposal.Acceptance(
                    w.place(out).waiting.id,
                    w.place(out).po.id,
                    w.version(Person, w.place(out).waiting.id),
                )
            ],
        )
    ),
    "app.services.maintenance.restore_from_window": row(HEAD, SYSTEM, scoped=False)(
        lambda w, a, out: _no_backup(w, a)
    ),
    "app.services.admin.audit_log.export": row(HEAD, scoped=False)(
        lambda w, a, out: audit_log.export(w.session, a, audit_log.AuditFilter(), w.tmp / "a.csv")
    ),
    **_upw_rows(permission_upw.WRITES),
    **_upw_rows(permission_upw.READS),
}


ROWS.update(victim_rows.rows(row))


# -- the weekly returns: build and export, sign off, correct; the figures seen in scope --
RETURN_WEEK = date(2026, 11, 20)
"""The last week ended before the tests' day (Wednesday 25/11/2026): a Friday."""


def _stored_return(w: World, out: bool) -> int:
    """The place's return of that week, stored by the command line (made on first need)."""
    made = returns.build_return(w.session, w.actors[SYSTEM], w.place(out).pdu_id, RETURN_WEEK)
    return made.id


def _correct(w: World, a: Actor, out: bool) -> object:
    _stored_return(w, out)  # a stored return to correct
    return returns.correct_return(w.session, a, w.place(out).pdu_id, RETURN_WEEK, "Recount")


RETURN_ROWS: dict[str, Row] = {
    "app.services.returns.versions.build_return": row(HEAD, ADMIN, SYSTEM)(
        lambda w, a, out: returns.build_return(w.session, a, w.place(out).pdu_id, RETURN_WEEK)
    ),
    "app.services.returns.export.export_return": row(HEAD, ADMIN, SYSTEM)(
        lambda w, a, out: return_files.export_return(
            w.session, a, w.place(out).pdu_id, RETURN_WEEK, json_file=w.tmp / "return.json"
        )
    ),
    "app.services.returns.versions.sign_off_return": row(HEAD)(
        lambda w, a, out: returns.sign_off_return(w.session, a, _stored_return(w, out))
    ),
    "app.services.returns.versions.correct_return": row(HEAD)(
        lambda w, a, out: _correct(w, a, out)
    ),
    "app.services.returns.export.preview_return": row(*EVERY_ROLE)(
        lambda w, a, out: return_files.preview_return(
            w.session, a, w.place(out).pdu_id, RETURN_WEEK
        )
    ),
    "app.services.returns.versions.return_history": row(*EVERY_ROLE)(
        lambda w, a, out: returns.return_history(w.session, a, w.place(out).pdu_id)
    ),
    "app.services.returns.versions.stored_figures": row(*EVERY_ROLE)(
        lambda w, a, out: returns.stored_figures(w.session, a, _stored_return(w, out))
    ),
    "app.services.returns.versions.stored_settings": row(*EVERY_ROLE)(
        lambda w, a, out: returns.stored_settings(w.session, a, _stored_return(w, out))
    ),
    "app.services.returns.overview.overview": row(*EVERY_ROLE)(
        lambda w, a, out: return_overview.overview(w.session, a, w.place(out).pdu_id, TODAY)
    ),
}


ROWS.update(RETURN_ROWS)
# -- end of the weekly returns' rows --


def _outcome(w: World, service: Row, actor: Actor, out: bool) -> str:
    """ "allowed" or "refused"; the call is rolled back either way."""
    nested = w.session.begin_nested()
    try:
        service.call(w, actor, out)
        return "allowed"
    except PermissionDenied:
        return "refused"
    except UserError:
        if service.lenient:
            return "allowed"
        raise
    finally:
        if nested.is_active:
            nested.rollback()


def test_every_registered_service_has_a_row_and_every_row_a_service() -> None:
    _import_every_service_module()
    assert set(ROWS) - set(REGISTRY) == set(), "rows for services no longer registered"
    assert set(REGISTRY) - set(ROWS) == set(), "add a row for each new service to ROWS"


def test_each_service_allows_exactly_its_roles_and_only_in_their_scope(world: World) -> None:
    wrong = []
    for name, service in ROWS.items():
        for role, actor in world.actors.items():
            expected = "allowed" if role in service.roles else "refused"
            got = _outcome(world, service, actor, out=False)
            if got != expected:
                wrong.append(f"{name} as {role.label}: {got}, expected {expected}")
            if service.scoped and role in service.roles:
                expected_out = "allowed" if actor.everywhere else "refused"
                got = _outcome(world, service, actor, out=True)
                if got != expected_out:
                    wrong.append(f"{name} as {role.label} out of scope: {got}")
    assert wrong == []


def test_each_row_agrees_with_the_roles_its_service_declares() -> None:
    _import_every_service_module()
    for name, guard in REGISTRY.items():
        assert set(guard.roles) == set(ROWS[name].roles), name


def _import_every_service_module() -> list[Any]:
    modules = []
    for info in pkgutil.walk_packages(app.services.__path__, "app.services."):
        modules.append(importlib.import_module(info.name))
    return modules


def test_every_public_service_taking_an_actor_is_registered() -> None:
    unregistered = []
    for module in _import_every_service_module():
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            if fn.__module__ != module.__name__:
                continue  # imported from elsewhere: checked where it is defined
            params = list(inspect.signature(fn).parameters)
            dotted = f"{module.__name__}.{fn.__qualname__}"
            takes_actor = params[:2] == ["session", "actor"] and dotted not in NOT_SERVICES
            if takes_actor and guard_of(fn) is None:
                unregistered.append(dotted)
    assert unregistered == [], "decorate these with write_service or guarded_read"
