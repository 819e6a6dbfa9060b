"""Writing VCS cases and their victims (issue 19): the VLO's and the Head of PDU's work.

Every write checks the role (the register of guarded services), the PDU,
and the case's version (two VLOs editing one case on a shared store), then
brings the case's tasks in line with its facts. Victims' names, contact
details and notes are sealed before they reach the store; audit entries name
the fields that changed, never their values.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import AppUser, UserRole
from app.db.victim_models import VcsCase, VcsKeyStage, Victim
from app.domain.codes import Role
from app.domain.victims import ContactPreference, KeyStage, Relationship
from app.services.core import audit, locking
from app.services.core.actor import Actor
from app.services.core.changes import Kind
from app.services.core.errors import ConflictError, NotFound, UserError
from app.services.core.permissions import write_service
from app.services.core.unit_of_work import touch
from app.services.victims.fields import sealer
from app.services.victims.planning import adopt_case_tasks, replan

WORK = "work victim liaison cases"
VLO_ROLES = (Role.VLO, Role.HEAD_OF_PDU)


def get_case(session: Session, actor: Actor, case_id: int) -> VcsCase:
    case = session.get(VcsCase, case_id)
    if case is None:
        raise NotFound("That VCS case no longer exists.")
    actor.require_pdu(case.pdu_id, WORK)
    return case


def lock_case(session: Session, case: VcsCase, expected_version: int) -> None:
    """Check and bump the case's version in one statement (SPEC.md 9)."""
    if not locking.bump_version(session, VcsCase, case.id, expected_version):
        session.expire(case)
        raise ConflictError(
            f"VCS case {case.vcs_case_ref} was changed by someone else since you opened it; "
            "nothing was changed. Look at it again, then make your change."
        )
    session.expire(case, ["version"])
    touch(session, Kind.VCS_CASE, [case.id])


def require_vlo_user(session: Session, user_id: int | None) -> None:
    """A case's VLO is an active account holding the VLO role."""
    if user_id is None:
        return
    found = session.scalar(
        select(AppUser.id)
        .join(UserRole, UserRole.user_id == AppUser.id)
        .where(AppUser.id == user_id, AppUser.active.is_(True), UserRole.role == Role.VLO.value)
    )
    if found is None:
        raise UserError("A case's VLO must be an active account with the victim liaison role.")


@dataclass(frozen=True)
class CaseDates:
    """The dates and facts of a case a VLO edits (all in clear)."""

    vlo_user_id: int | None
    parole_review_date: date | None
    expected_release_date: date | None
    released_on: date | None
    licence_end_date: date | None
    sentence_end_date: date | None
    security_category: str | None
    sentence_kind: str | None
    listed_offence: bool


def _case_values(case: VcsCase) -> dict[str, Any]:
    return {f.name: getattr(case, f.name) for f in fields(CaseDates)}


@write_service(*VLO_ROLES, action=WORK)
def update_case(
    session: Session, actor: Actor, case_id: int, expected_version: int, form: CaseDates
) -> int:
    """Change a case's VLO, dates and facts; its tasks follow."""
    case = get_case(session, actor, case_id)
    require_vlo_user(session, form.vlo_user_id)
    lock_case(session, case, expected_version)
    before = _case_values(case)
    for f in fields(CaseDates):
        setattr(case, f.name, getattr(form, f.name))
    session.flush()
    replan(session, case)
    after = _case_values(case)
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    audit.record(
        session,
        actor,
        "vcs.case_changed",
        "vcs_case",
        case.vcs_case_ref,
        summary=f"VCS case {case.vcs_case_ref} changed",
        extra={"fields": changed},
    )
    return case.id


@write_service(*VLO_ROLES, action=WORK)
def close_case(
    session: Session, actor: Actor, case_id: int, expected_version: int, on: date
) -> int:
    """Close a case: its open tasks end, its closure task is completed."""
    case = get_case(session, actor, case_id)
    if case.closed_on is not None:
        raise UserError(f"VCS case {case.vcs_case_ref} is already closed.")
    if on > clock.today():
        raise UserError("A case cannot be closed on a day still to come.")
    lock_case(session, case, expected_version)
    case.closed_on = on
    session.flush()
    replan(session, case)
    audit.record(
        session,
        actor,
        "vcs.case_closed",
        "vcs_case",
        case.vcs_case_ref,
        summary=f"VCS case {case.vcs_case_ref} closed",
        after={"closed_on": on},
    )
    return case.id


@write_service(*VLO_ROLES, action=WORK)
def record_key_stage(
    session: Session, actor: Actor, case_id: int, expected_version: int, stage: KeyStage, on: date
) -> int:
    """A key stage happened (open conditions, HDC, recall...): opted-in victims are told."""
    case = get_case(session, actor, case_id)
    lock_case(session, case, expected_version)
    exists = session.scalar(
        select(VcsKeyStage.id).where(
            VcsKeyStage.vcs_case_id == case.id,
            VcsKeyStage.stage == stage.value,
            VcsKeyStage.on_date == on,
        )
    )
    if exists is None:
        session.add(VcsKeyStage(vcs_case_id=case.id, stage=stage.value, on_date=on))
        session.flush()
    replan(session, case)
    audit.record(
        session,
        actor,
        "vcs.key_stage",
        "vcs_case",
        case.vcs_case_ref,
        summary=f"VCS case {case.vcs_case_ref}: {stage.label.lower()} recorded",
        after={"stage": stage.value, "on": on},
    )
    return case.id


# --- victims ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VictimForm:
    """A victim as the VLO enters them: the sealed details and the clear facts."""

    name: str
    relationship: Relationship
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    notes: str | None = None  # None: leave the notes as they are (an import has none)
    preferred_contact: ContactPreference | None = None
    opted_in_date: date | None = None
    opted_out_date: date | None = None


SEALED_FORM_FIELDS = ("name", "address", "postcode", "phone", "email", "notes")


def _check_victim(form: VictimForm) -> VictimForm:
    name = " ".join(form.name.split())
    if not name:
        raise UserError("Give the victim's name.")
    if len(name) > 200:
        raise UserError("A name can be at most 200 characters.")
    if form.opted_in_date and form.opted_in_date > clock.today():
        raise UserError("An opt-in date cannot be in the future.")
    if form.opted_out_date and form.opted_out_date > clock.today():
        raise UserError("An opt-out date cannot be in the future.")
    return VictimForm(**{**{f.name: getattr(form, f.name) for f in fields(form)}, "name": name})


def write_victim(session: Session, actor: Actor, victim: Victim, form: VictimForm) -> list[str]:
    """Seal the form's details on the victim; the names of the fields that changed."""
    seal = sealer(session, actor)
    changed = []
    for name in SEALED_FORM_FIELDS:
        column = f"{name}_enc"
        value = getattr(form, name)
        if value is None:
            continue
        old = seal.open("victim", column, victim.id, getattr(victim, column))
        new = value.strip()
        if old != new:
            setattr(victim, column, seal.seal("victim", column, victim.id, new))
            changed.append(name)
    clear = {
        "relationship": form.relationship.value,
        "preferred_contact": form.preferred_contact.value if form.preferred_contact else None,
        "opted_in_date": form.opted_in_date,
        "opted_out_date": form.opted_out_date,
    }
    for name, value in clear.items():
        if getattr(victim, name) != value:
            setattr(victim, name, value)
            changed.append(name)
    session.flush()
    return changed


@write_service(*VLO_ROLES, action=WORK)
def add_victim(
    session: Session, actor: Actor, case_id: int, expected_version: int, form: VictimForm
) -> int:
    """Enter a victim on a case (their details sealed); their tasks are created."""
    case = get_case(session, actor, case_id)
    form = _check_victim(form)
    sealer(session, actor)  # refuse before anything is written
    lock_case(session, case, expected_version)
    first = session.scalar(select(Victim.id).where(Victim.vcs_case_id == case.id).limit(1)) is None
    victim = Victim(vcs_case_id=case.id, relationship=form.relationship.value, version=1)
    session.add(victim)
    session.flush()
    write_victim(session, actor, victim, form)
    if first:
        adopt_case_tasks(session, case, victim)
    replan(session, case)
    audit.record(
        session,
        actor,
        "vcs.victim_added",
        "vcs_case",
        case.vcs_case_ref,
        summary=f"A victim added to VCS case {case.vcs_case_ref}",
        after={"victim_id": victim.id, "relationship": victim.relationship},
    )
    return victim.id


def lock_victim(session: Session, victim: Victim, expected_version: int) -> None:
    if not locking.bump_version(session, Victim, victim.id, expected_version):
        session.expire(victim)
        raise ConflictError(
            "This victim's details were changed by someone else since you opened them; nothing "
            "was changed. Look at them again, then make your change."
        )
    session.expire(victim, ["version"])
    touch(session, Kind.VICTIM, [victim.id])


@write_service(*VLO_ROLES, action=WORK)
def update_victim(
    session: Session, actor: Actor, victim_id: int, expected_version: int, form: VictimForm
) -> int:
    """Change a victim's details or contact choices; their tasks follow (an opt-out cancels)."""
    victim = session.get(Victim, victim_id)
    if victim is None:
        raise NotFound("That victim is no longer recorded.")
    case = get_case(session, actor, victim.vcs_case_id)
    form = _check_victim(form)
    sealer(session, actor)
    lock_victim(session, victim, expected_version)
    changed = write_victim(session, actor, victim, form)
    replan(session, case)
    audit.record(
        session,
        actor,
        "vcs.victim_changed",
        "vcs_case",
        case.vcs_case_ref,
        summary=f"A victim of VCS case {case.vcs_case_ref} changed",
        extra={"victim_id": victim.id, "fields": sorted(changed)},
    )
    return victim.id


@write_service(*VLO_ROLES, action=WORK)
def set_opt(
    session: Session, actor: Actor, victim_id: int, expected_version: int, opted_in: bool, on: date
) -> int:
    """Record a victim opting in or out on a date; open tasks cancel or come back."""
    victim = session.get(Victim, victim_id)
    if victim is None:
        raise NotFound("That victim is no longer recorded.")
    case = get_case(session, actor, victim.vcs_case_id)
    if on > clock.today():
        raise UserError("A victim's choice cannot be dated in the future.")
    lock_victim(session, victim, expected_version)
    if opted_in:
        victim.opted_in_date = on
    else:
        victim.opted_out_date = on
    session.flush()
    replan(session, case)
    audit.record(
        session,
        actor,
        "vcs.opted_in" if opted_in else "vcs.opted_out",
        "vcs_case",
        case.vcs_case_ref,
        summary=f"A victim of VCS case {case.vcs_case_ref} opted {'in' if opted_in else 'out'}",
        after={"victim_id": victim.id, "on": on},
    )
    return victim.id
