"""Letters to victims: the first offer of contact and the annual letter (issue 19).

A VLO drafts the letter from the template shipped in ``resources/letters/``,
may edit its text, and makes the PDF: the only file that carries a
victim's name and address, made by a VLO only, and audited (which letter,
for which case; never the name or the text).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

from sqlalchemy.orm import Session

from app import clock
from app.db.models import AppUser, Person
from app.db.victim_models import VcsCase, Victim
from app.domain.codes import Role
from app.domain.parsing import format_date
from app.domain.victims import SecurityCategory
from app.services.core import audit, settings
from app.services.core.actor import Actor
from app.services.core.errors import NotFound, UserError
from app.services.core.permissions import guarded_read, write_service
from app.services.victims.cases import get_case
from app.services.victims.fields import sealer

LETTERS = "make letters to victims"


class LetterKind(StrEnum):
    FIRST_OFFER = "first_offer"
    ANNUAL = "annual_letter"

    @property
    def label(self) -> str:
        return "First offer of contact" if self is LetterKind.FIRST_OFFER else "Annual letter"


@dataclass(frozen=True)
class LetterDraft:
    victim_id: int
    kind: LetterKind
    address: tuple[str, ...]
    text: str


def template(kind: LetterKind) -> str:
    folder = resources.files("app.resources").joinpath("letters")
    return folder.joinpath(f"{kind.value}.txt").read_text("utf-8")


def _parts(
    session: Session, actor: Actor, victim_id: int
) -> tuple[Victim, VcsCase, dict[str, str]]:
    victim = session.get(Victim, victim_id)
    if victim is None:
        raise NotFound("That victim is no longer recorded.")
    case = get_case(session, actor, victim.vcs_case_id)
    seal = sealer(session, actor)
    opened = {
        name: seal.open("victim", f"{name}_enc", victim.id, getattr(victim, f"{name}_enc"))
        for name in ("name", "address", "postcode")
    }
    if not opened["name"]:
        raise UserError("This victim's details were erased: no letter can be made.")
    return victim, case, opened


@guarded_read(Role.VLO, action=LETTERS)
def draft_letter(session: Session, actor: Actor, victim_id: int, kind: LetterKind) -> LetterDraft:
    """The letter's address and text from the template, for the VLO to read and edit."""
    victim, case, opened = _parts(session, actor, victim_id)
    person = session.get(Person, case.person_id)
    vlo = session.get(AppUser, case.vlo_user_id or actor.user_id or 0)
    today = clock.today()
    cal = settings.working_calendar(session, today)
    category = (
        f"{person.forename if person else 'The prisoner'} is held in "
        f"{SecurityCategory(case.security_category).label.lower()} conditions."
        if case.security_category
        else "The prisoner's security category is [to be given]."
    )
    text = template(kind).format(
        name=opened["name"],
        person=f"{person.forename} {person.surname}" if person else "the person",
        reply_by=format_date(cal.add_working_days(today, 20)),
        security_category=category,
        vlo=vlo.display_name if vlo else actor.display_name,
    )
    address = tuple(
        line.strip()
        for line in (opened["name"], *opened["address"].split(","), opened["postcode"])
        if line.strip()
    )
    return LetterDraft(victim.id, kind, address, text)


@write_service(Role.VLO, action=LETTERS)
def make_letter(
    session: Session, actor: Actor, victim_id: int, kind: LetterKind, text: str
) -> bytes:
    """The letter as a PDF (name and address on it); audited without either."""
    draft = draft_letter(session, actor, victim_id, kind)
    if not text.strip():
        raise UserError("The letter has no text.")
    victim = session.get(Victim, victim_id)
    assert victim is not None
    case = session.get(VcsCase, victim.vcs_case_id)
    assert case is not None
    from app.exports.victim_letter import letter_pdf  # reportlab only when a letter is made

    pdf = letter_pdf(list(draft.address), format_date(clock.today()), text, kind.label)
    audit.record(
        session,
        actor,
        "vcs.letter",
        "vcs_case",
        case.vcs_case_ref,
        summary=f"{kind.label} made for a victim of VCS case {case.vcs_case_ref}",
        after={"victim_id": victim.id, "letter": kind.value, "edited": text != draft.text},
    )
    return pdf
