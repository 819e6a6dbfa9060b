"""A VCS case as the VLO sees it: victims, preferences, timeline, what is coming (issue 19).

Victims' names and contact details are opened only for an entitled actor
whose keyring is open; otherwise each victim shows their relationship and
choices only. The caseload's detail panel gets :func:`vcs_flag` instead:
that a case exists and its VLO, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import AppUser, Person
from app.db.victim_models import VcsCase, VcsKeyStage, Victim, VictimContact, VictimTask
from app.domain.victims import EligibilityBasis, KeyStage, Relationship, SecurityCategory
from app.domain.victims_task_types import TaskOutcome, TaskStatus, TaskType
from app.services.core.actor import Actor
from app.services.core.permissions import guarded_read
from app.services.victims.cases import VLO_ROLES, get_case
from app.services.victims.fields import Sealer, sealer_or_none

READ = "see victim liaison cases"


@dataclass(frozen=True)
class VictimView:
    victim_id: int
    version: int
    relationship: Relationship
    preferred_contact: str
    opted_in_date: date | None
    opted_out_date: date | None
    first_offer_date: date | None
    sealed: bool  # True: the details below are not open to this actor
    name: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    notes: str = ""
    erased: bool = False

    @property
    def status(self) -> str:
        if self.opted_in_date and (
            not self.opted_out_date or self.opted_in_date > self.opted_out_date
        ):
            return "Opted in"
        if self.opted_out_date:
            return "Opted out"
        return "No reply yet"


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    what: str
    status: str
    victim_id: int | None
    task_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Upcoming:
    on: date
    what: str


@dataclass(frozen=True)
class CaseView:
    case_id: int
    version: int
    vcs_case_ref: str
    crn: str
    person_name: str
    eligibility: EligibilityBasis
    referral_date: date
    vlo_user_id: int | None
    vlo_name: str
    security_category: str
    security_category_code: str | None
    closed_on: date | None
    names_open: bool
    victims: tuple[VictimView, ...]
    timeline: tuple[TimelineEntry, ...]
    upcoming: tuple[Upcoming, ...]
    parole_review_date: date | None
    expected_release_date: date | None
    released_on: date | None
    licence_end_date: date | None
    sentence_end_date: date | None
    sentence_kind: str | None
    listed_offence: bool


def _victim_view(v: Victim, seal: Sealer | None) -> VictimView:
    base = dict(
        victim_id=v.id,
        version=v.version,
        relationship=Relationship(v.relationship),
        preferred_contact=v.preferred_contact.capitalize() if v.preferred_contact else "",
        opted_in_date=v.opted_in_date,
        opted_out_date=v.opted_out_date,
        first_offer_date=v.first_offer_date,
        erased=v.erased_on is not None,
    )
    if seal is None:
        return VictimView(sealed=True, **base)  # type: ignore[arg-type]
    opened = {
        name: seal.open("victim", f"{name}_enc", v.id, getattr(v, f"{name}_enc"))
        for name in ("name", "address", "postcode", "phone", "email", "notes")
    }
    return VictimView(sealed=False, **base, **opened)  # type: ignore[arg-type]


def _task_entry(t: VictimTask, seal: Sealer | None) -> TimelineEntry:
    kind = TaskType(t.task_type)
    if t.status == TaskStatus.COMPLETED.value:
        outcome = TaskOutcome(t.outcome).label if t.outcome else "Done"
        status, on = f"Completed: {outcome.lower()}", t.completed_on or t.due_date
    elif t.status == TaskStatus.CANCELLED.value:
        status, on = f"Withdrawn: {t.cancelled_reason or ''}".rstrip(": "), t.due_date
    else:
        status, on = "Due", t.due_date
    note = seal.open("victim_task", "note_enc", t.id, t.note_enc) if seal and t.note_enc else ""
    return TimelineEntry(on, f"{kind.label}: {t.detail}", status, t.victim_id, t.id, note)


def _upcoming(case: VcsCase, stages: list[VcsKeyStage], as_at: date) -> tuple[Upcoming, ...]:
    dates = [
        (case.expected_release_date, "Expected release"),
        (case.parole_review_date, "Parole review"),
        (case.licence_end_date, "Licence ends"),
        (case.sentence_end_date, "Sentence ends"),
        *((s.on_date, KeyStage(s.stage).label) for s in stages),
    ]
    found = [Upcoming(d, w) for d, w in dates if d is not None and d >= as_at]
    return tuple(sorted(found, key=lambda u: (u.on, u.what)))


@guarded_read(*VLO_ROLES, action=READ)
def case_view(session: Session, actor: Actor, case_id: int) -> CaseView:
    """The case with its victims, timeline (contacts and tasks) and coming dates."""
    from app import clock

    case = get_case(session, actor, case_id)
    person = session.get(Person, case.person_id)
    assert person is not None
    vlo = session.get(AppUser, case.vlo_user_id) if case.vlo_user_id else None
    seal = sealer_or_none(session, actor)
    victims = tuple(
        _victim_view(v, seal)
        for v in session.scalars(
            select(Victim).where(Victim.vcs_case_id == case.id).order_by(Victim.id)
        )
    )
    tasks = session.scalars(select(VictimTask).where(VictimTask.vcs_case_id == case.id))
    entries = [_task_entry(t, seal) for t in tasks]
    for c in session.scalars(
        select(VictimContact).where(
            VictimContact.vcs_case_id == case.id, VictimContact.task_id.is_(None)
        )
    ):
        note = (
            seal.open("victim_contact", "note_enc", c.id, c.note_enc) if seal and c.note_enc else ""
        )
        entries.append(
            TimelineEntry(
                c.contact_date,
                f"Contact by {c.method.lower()}",
                "Recorded",
                c.victim_id,
                None,
                note,
            )
        )
    stages = list(session.scalars(select(VcsKeyStage).where(VcsKeyStage.vcs_case_id == case.id)))
    return CaseView(
        case_id=case.id,
        version=case.version,
        vcs_case_ref=case.vcs_case_ref,
        crn=person.crn,
        person_name=f"{person.forename} {person.surname}",
        eligibility=EligibilityBasis(case.eligibility),
        referral_date=case.referral_date,
        vlo_user_id=case.vlo_user_id,
        vlo_name=vlo.display_name if vlo else "",
        security_category=SecurityCategory(case.security_category).label
        if case.security_category
        else "",
        security_category_code=case.security_category,
        closed_on=case.closed_on,
        names_open=seal is not None,
        victims=victims,
        timeline=tuple(sorted(entries, key=lambda e: (e.on, e.task_id or 0), reverse=True)),
        upcoming=_upcoming(case, stages, clock.today()),
        parole_review_date=case.parole_review_date,
        expected_release_date=case.expected_release_date,
        released_on=case.released_on,
        licence_end_date=case.licence_end_date,
        sentence_end_date=case.sentence_end_date,
        sentence_kind=case.sentence_kind,
        listed_offence=case.listed_offence,
    )


@dataclass(frozen=True)
class VcsFlag:
    """What the caseload may show of victim contact: a case exists, and its VLO."""

    exists: bool
    vlo_name: str = ""


def vcs_flag(session: Session, person_id: int) -> VcsFlag:
    row = session.execute(
        select(VcsCase.id, AppUser.display_name)
        .outerjoin(AppUser, AppUser.id == VcsCase.vlo_user_id)
        .where(VcsCase.person_id == person_id, VcsCase.closed_on.is_(None))
        .limit(1)
    ).first()
    if row is None:
        return VcsFlag(False)
    return VcsFlag(True, row[1] or "")
