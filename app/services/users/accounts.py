"""Users and their roles and scope, managed by the Head of PDU (SPEC.md 1, 4.8).

A Head of PDU manages the users of the PDUs they cover: every PDU a user
covers, before and after a change, must be one of the Head's. A user holds
one or more roles; an SPO is linked to the team they lead (their staff
record, or teams chosen here). Disabling a user never deletes them or their
history. Every change is audited with before and after, never a password
or its hash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import AppUser, Pdu, Staff, Team, UserPdu, UserRole, UserTeam
from app.domain.codes import PEOPLE_ROLES, Role
from app.services.core import audit, locking
from app.services.core.actor import SYSTEM_USERNAME, Actor
from app.services.core.changes import Kind
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, UserError
from app.services.core.permissions import guarded_read, write_service
from app.services.core.unit_of_work import touch
from app.services.users import passwords
from app.services.victims import keys, staffing

MANAGE = "manage users"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


@dataclass(frozen=True)
class UserForm:
    """What Administration sets for a user: name, roles and scope."""

    display_name: str
    roles: frozenset[Role]
    pdu_ids: frozenset[int]
    team_ids: frozenset[int] = field(default_factory=frozenset)
    staff_id: int | None = None


@dataclass(frozen=True)
class UserView:
    """A user as the Administration screen lists them."""

    id: int
    username: str
    display_name: str
    roles: tuple[Role, ...]
    pdu_ids: tuple[int, ...]
    pdus: str
    team_ids: tuple[int, ...]
    teams: str
    staff_id: int | None
    staff: str
    active: bool
    locked: bool
    must_change_password: bool
    version: int

    @property
    def roles_label(self) -> str:
        return ", ".join(r.label for r in self.roles)


@dataclass(frozen=True)
class Choice:
    """One PDU, team or member of staff a user can be given; ``pdu_id`` its PDU."""

    id: int
    label: str
    pdu_id: int


@dataclass(frozen=True)
class ScopeChoices:
    """The PDUs the Head covers, their teams and staff: what a user can be given."""

    pdus: tuple[Choice, ...]
    teams: tuple[Choice, ...]
    staff: tuple[Choice, ...]


# --- reading ------------------------------------------------------------------------------


def _roles(session: Session, ids: list[int]) -> dict[int, list[Role]]:
    found: dict[int, list[Role]] = {}
    for uid, role in session.execute(select(UserRole.user_id, UserRole.role)):
        if uid in ids:
            found.setdefault(uid, []).append(Role(role))
    return {uid: sorted(roles, key=list(Role).index) for uid, roles in found.items()}


def _scopes(session: Session) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    pdus: dict[int, list[int]] = {}
    for uid, pdu_id in session.execute(select(UserPdu.user_id, UserPdu.pdu_id)):
        pdus.setdefault(uid, []).append(pdu_id)
    teams: dict[int, list[int]] = {}
    for uid, team_id in session.execute(select(UserTeam.user_id, UserTeam.team_id)):
        teams.setdefault(uid, []).append(team_id)
    return pdus, teams


def user_views(session: Session, pdu_ids: frozenset[int] | None = None) -> list[UserView]:
    """Every person's account (not the system account); those covering ``pdu_ids`` if given."""
    users = list(
        session.scalars(
            select(AppUser).where(AppUser.username != SYSTEM_USERNAME).order_by(AppUser.username)
        )
    )
    roles = _roles(session, [u.id for u in users])
    pdus, teams = _scopes(session)
    pdu_names = {
        i: f"{n}. {name}" for i, n, name in session.execute(select(Pdu.id, Pdu.number, Pdu.name))
    }
    team_names = {i: n for i, n in session.execute(select(Team.id, Team.name))}
    staff_ids = {u.staff_id for u in users if u.staff_id is not None}
    staff_names = {
        sid: f"{forename} {surname} ({code})"
        for sid, forename, surname, code in session.execute(
            select(Staff.id, Staff.forename, Staff.surname, Staff.staff_code).where(
                Staff.id.in_(staff_ids)
            )
        )
    }
    now = clock.now().replace(tzinfo=None)
    views = []
    for u in users:
        own = sorted(pdus.get(u.id, []))
        if pdu_ids is not None and not set(own) & pdu_ids:
            continue
        own_teams = sorted(teams.get(u.id, []))
        views.append(
            UserView(
                id=u.id,
                username=u.username,
                display_name=u.display_name,
                roles=tuple(roles.get(u.id, [])),
                pdu_ids=tuple(own),
                pdus=", ".join(pdu_names[p] for p in own),
                team_ids=tuple(own_teams),
                teams=", ".join(team_names[t] for t in own_teams),
                staff_id=u.staff_id,
                staff=staff_names.get(u.staff_id, "") if u.staff_id else "",
                active=u.active,
                locked=u.locked_until is not None and u.locked_until > now,
                must_change_password=u.must_change_password,
                version=u.version,
            )
        )
    return views


@guarded_read(Role.HEAD_OF_PDU, action=MANAGE)
def list_users(session: Session, actor: Actor) -> list[UserView]:
    """The users of the PDUs the Head covers."""
    return user_views(session, None if actor.everywhere else actor.pdu_ids)


@guarded_read(Role.HEAD_OF_PDU, action=MANAGE)
def scope_choices(session: Session, actor: Actor) -> ScopeChoices:
    """What the Head can give a user: their PDUs, those PDUs' teams and staff."""
    covered = select(Pdu).where(Pdu.id.in_(actor.pdu_ids)).order_by(Pdu.number)
    pdus = tuple(Choice(p.id, f"{p.number}. {p.name}", p.id) for p in session.scalars(covered))
    teams = tuple(
        Choice(t.id, t.name, t.pdu_id)
        for t in session.scalars(
            select(Team).where(Team.pdu_id.in_(actor.pdu_ids)).order_by(Team.name)
        )
    )
    staff = tuple(
        Choice(s.id, f"{s.surname}, {s.forename} ({s.staff_code})", s.pdu_id)
        for s in session.scalars(
            select(Staff)
            .where(Staff.pdu_id.in_(actor.pdu_ids), Staff.leave_date.is_(None))
            .order_by(Staff.surname, Staff.forename)
        )
    )
    return ScopeChoices(pdus, teams, staff)


# --- checking -----------------------------------------------------------------------------


def clean_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise UserError(
            "A username is 2 to 80 small letters, digits, dots, hyphens or underscores "
            "(e.g. jo.bloggs)."
        )
    return name


def _check_form(session: Session, form: UserForm) -> UserForm:
    name = " ".join(form.display_name.split())
    if not name:
        raise UserError("Give the user's name as colleagues know it.")
    if len(name) > 200:
        raise UserError("A name can be at most 200 characters.")
    if not form.roles:
        raise UserError("Give the user at least one role.")
    if Role.SYSTEM in form.roles or not set(form.roles) <= set(PEOPLE_ROLES):
        raise UserError("The system account's role is the command line's alone.")
    if not form.pdu_ids:
        raise UserError("Choose at least one PDU the user covers.")
    for team_id in form.team_ids:
        team = session.get(Team, team_id)
        if team is None or team.pdu_id not in form.pdu_ids:
            raise UserError("A team given to the user must be in one of their PDUs.")
    if form.staff_id is not None:
        staff = session.get(Staff, form.staff_id)
        if staff is None or staff.pdu_id not in form.pdu_ids:
            raise UserError("The user's staff record must be in one of their PDUs.")
    if Role.SPO in form.roles and not form.team_ids and not _leads_a_team(session, form.staff_id):
        raise UserError(
            "An SPO allocates within their own team: choose the team they lead, or their "
            "staff record as the team's SPO."
        )
    return UserForm(
        name,
        frozenset(form.roles),
        frozenset(form.pdu_ids),
        frozenset(form.team_ids),
        form.staff_id,
    )


def _leads_a_team(session: Session, staff_id: int | None) -> bool:
    if staff_id is None:
        return False
    return session.scalar(select(Team.id).where(Team.spo_id == staff_id).limit(1)) is not None


def _require_covers(actor: Actor, pdu_ids: frozenset[int] | set[int]) -> None:
    if actor.everywhere:
        return
    if not set(pdu_ids) <= actor.pdu_ids:
        raise PermissionDenied(
            f"{actor.display_name} may manage only the users of the PDUs they cover; this "
            "account covers another PDU: ask its Head of PDU."
        )


def get_user(session: Session, user_id: int) -> AppUser:
    user = session.get(AppUser, user_id)
    if user is None or user.username == SYSTEM_USERNAME:
        raise NotFound("That account no longer exists.")
    return user


def _stored_pdus(session: Session, user_id: int) -> set[int]:
    return set(session.scalars(select(UserPdu.pdu_id).where(UserPdu.user_id == user_id)))


def active_heads(session: Session, pdu_id: int, *, excluding: int | None = None) -> int:
    """How many active accounts hold the Head of PDU role for a PDU."""
    query = (
        select(func.count())
        .select_from(AppUser)
        .join(UserRole, UserRole.user_id == AppUser.id)
        .join(UserPdu, UserPdu.user_id == AppUser.id)
        .where(
            AppUser.active.is_(True),
            UserRole.role == Role.HEAD_OF_PDU.value,
            UserPdu.pdu_id == pdu_id,
        )
    )
    if excluding is not None:
        query = query.where(AppUser.id != excluding)
    return int(session.scalar(query) or 0)


def _keep_a_head(session: Session, user_id: int, pdu_ids: set[int]) -> None:
    """A PDU must keep an active Head of PDU: someone must be able to manage its users."""
    for pdu_id in sorted(pdu_ids):
        if active_heads(session, pdu_id, excluding=user_id) == 0:
            pdu = session.get(Pdu, pdu_id)
            name = f"{pdu.number}. {pdu.name}" if pdu else str(pdu_id)
            raise UserError(
                f"{name} would be left without an active Head of PDU: give another user "
                "that role first."
            )


def bump_version(session: Session, user: AppUser, expected_version: int) -> None:
    """Check and bump the account's version in one statement (SPEC.md 9)."""
    if not locking.bump_version(session, AppUser, user.id, expected_version):
        session.expire(user)
        raise ConflictError(
            f"The account {user.username} was changed by someone else since you opened it; "
            "nothing was changed. Look at it again, then make your change."
        )
    session.expire(user, ["version"])
    touch(session, Kind.USER, [user.id])


# --- writing ------------------------------------------------------------------------------


def describe(session: Session, user: AppUser) -> dict[str, Any]:
    """What the audit records of an account: never its password or hash."""
    roles = sorted(session.scalars(select(UserRole.role).where(UserRole.user_id == user.id)))
    pdus = sorted(
        session.scalars(
            select(Pdu.number)
            .join(UserPdu, UserPdu.pdu_id == Pdu.id)
            .where(UserPdu.user_id == user.id)
        )
    )
    teams = sorted(
        session.scalars(
            select(Team.name)
            .join(UserTeam, UserTeam.team_id == Team.id)
            .where(UserTeam.user_id == user.id)
        )
    )
    return {
        "display_name": user.display_name,
        "roles": roles,
        "pdus": pdus,
        "teams": teams,
        "staff_id": user.staff_id,
        "active": user.active,
        "must_change_password": user.must_change_password,
    }


def set_scope(session: Session, user_id: int, form: UserForm) -> None:
    """Replace the account's roles, PDUs and teams with the form's."""
    for model in (UserRole, UserPdu, UserTeam):
        session.execute(delete(model).where(model.user_id == user_id))
    session.add_all(UserRole(user_id=user_id, role=r.value) for r in form.roles)
    session.add_all(UserPdu(user_id=user_id, pdu_id=p) for p in form.pdu_ids)
    session.add_all(UserTeam(user_id=user_id, team_id=t) for t in form.team_ids)
    session.flush()
    touch(session, Kind.USER, [user_id])


def add_account(
    session: Session, username: str, password: str, form: UserForm, *, must_change: bool
) -> AppUser:
    """Store a new account (checked by the caller); the password hashed, never kept."""
    name = clean_username(username)
    taken = session.scalar(select(AppUser.id).where(func.lower(AppUser.username) == name))
    if taken is not None or name == SYSTEM_USERNAME:
        raise UserError(f"There is already an account called {name}: choose another username.")
    passwords.check_new_password(session, password, name, form.display_name)
    user = AppUser(
        username=name,
        display_name=form.display_name,
        staff_id=form.staff_id,
        password_hash=passwords.hash_password(session, password),
        active=True,
        failed_attempts=0,
        must_change_password=must_change,
        version=1,
    )
    session.add(user)
    session.flush()
    keys.ensure_user_key(session, user.id, password)
    set_scope(session, user.id, form)
    return user


@write_service(Role.HEAD_OF_PDU, action=MANAGE)
def create_user(
    session: Session, actor: Actor, username: str, password: str, form: UserForm
) -> int:
    """Add a user with a first password they must change at their first sign-in."""
    form = _check_form(session, form)
    _require_covers(actor, form.pdu_ids)
    user = add_account(session, username, password, form, must_change=True)
    audit.record(
        session,
        actor,
        "user.created",
        "user",
        user.username,
        summary=f"Account {user.username} ({user.display_name}) added",
        after=describe(session, user),
    )
    keys.entitlement_changed(session, actor)
    return user.id


@write_service(Role.HEAD_OF_PDU, action=MANAGE)
def update_user(
    session: Session, actor: Actor, user_id: int, expected_version: int, form: UserForm
) -> int:
    """Change a user's name, roles and scope."""
    user = get_user(session, user_id)
    form = _check_form(session, form)
    before_pdus = _stored_pdus(session, user.id)
    _require_covers(actor, before_pdus | set(form.pdu_ids))
    bump_version(session, user, expected_version)
    before = describe(session, user)
    if Role.HEAD_OF_PDU.value in before["roles"] and user.active:
        lost = before_pdus - (set(form.pdu_ids) if Role.HEAD_OF_PDU in form.roles else set())
        _keep_a_head(session, user.id, lost)
    if Role.VLO.value in before["roles"] and Role.VLO not in form.roles:
        staffing.require_no_open_cases(session, user.id)
    user.display_name, user.staff_id = form.display_name, form.staff_id
    set_scope(session, user.id, form)
    keys.entitlement_changed(session, actor)
    after = describe(session, user)
    audit.record(
        session,
        actor,
        "user.changed",
        "user",
        user.username,
        summary=f"Account {user.username} changed",
        before=before,
        after=after,
    )
    return user.id


@write_service(Role.HEAD_OF_PDU, action=MANAGE)
def set_active(
    session: Session, actor: Actor, user_id: int, expected_version: int, active: bool
) -> int:
    """Disable a user (they can no longer sign in; their history stays) or enable them again."""
    user = get_user(session, user_id)
    pdus = _stored_pdus(session, user.id)
    _require_covers(actor, pdus)
    if not active and user.id == actor.user_id:
        raise UserError("You cannot disable your own account: ask another Head of PDU.")
    if user.active == active:
        raise UserError(f"{user.username} is already {'enabled' if active else 'disabled'}.")
    bump_version(session, user, expected_version)
    roles = set(session.scalars(select(UserRole.role).where(UserRole.user_id == user.id)))
    if not active and Role.HEAD_OF_PDU.value in roles:
        _keep_a_head(session, user.id, pdus)
    if not active and Role.VLO.value in roles:
        staffing.require_no_open_cases(session, user.id)
    user.active = active
    session.flush()
    keys.entitlement_changed(session, actor)
    if active:
        user.failed_attempts, user.locked_until = 0, None
    audit.record(
        session,
        actor,
        "user.enabled" if active else "user.disabled",
        "user",
        user.username,
        summary=f"Account {user.username} {'enabled' if active else 'disabled'}",
        before={"active": not active},
        after={"active": active},
    )
    return user.id
