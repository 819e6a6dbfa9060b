"""Victim liaison test helpers: entitled users with open keyrings, a VCS case with a victim."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app.db.models import Person
from app.db.victim_models import VcsCase
from app.domain.codes import Role
from app.services.core.actor import Actor
from app.services.users import accounts
from app.services.users.accounts import UserForm
from app.services.victims import keys
from tests import factories as f
from tests.factories import PASSWORD

VCS_HEADER = [
    "crn",
    "vcs_case_ref",
    "eligibility",
    "referral_date",
    "vlo_code",
    "opted_in_date",
    "opted_out_date",
    "first_offer_date",
    "parole_review_date",
    "expected_release_date",
    "security_category",
]


def signed_in(session: Session, actor: Actor, password: str = PASSWORD) -> Actor:
    """The actor as the window holds them after signing in: keyring attached and opened."""
    return keys.with_keyring(session, actor, password)


def head_with_keys(session: Session, username: str = "hana.head") -> Actor:
    head = f.actor(session, Role.HEAD_OF_PDU, username=username, name="Hana Head")
    return signed_in(session, head)


def add_vlo(
    session: Session, head: Actor, username: str = "val.vlo", pdus: tuple[int, ...] = (17,)
) -> Actor:
    """The Head adds a VLO in Administration; the VLO signs in (their keyring opened)."""
    pdu_ids = frozenset(f.pdu(session, n).id for n in pdus)
    user_id = accounts.create_user(
        session,
        head,
        username,
        PASSWORD,
        UserForm(f"VLO {username}", frozenset({Role.VLO}), pdu_ids),
    )
    from app.services.core.actor import load_actor

    return signed_in(session, load_actor(session, user_id))


def write_vcs_file(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=VCS_HEADER)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in VCS_HEADER})
    return path


def a_case(
    session: Session,
    vlo: Actor | None = None,
    referral: date = date(2026, 11, 2),
    ref: str = "VCS0001",
    **kw: object,
) -> VcsCase:
    """A VCS case on a new person of PDU 17, its tasks planned."""
    from app import clock
    from app.services.victims.planning import replan

    pdu = f.pdu(session, 17)
    person: Person = f.case(session, pdu.id)
    case = VcsCase(
        vcs_case_ref=ref,
        person_id=person.id,
        pdu_id=pdu.id,
        eligibility="statutory",
        referral_date=referral,
        vlo_user_id=vlo.user_id if vlo else None,
        listed_offence=False,
        created_at=clock.now().replace(tzinfo=None),
        version=1,
        **kw,
    )
    session.add(case)
    session.flush()
    replan(session, case)
    return case
