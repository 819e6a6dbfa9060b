"""The demo's victim liaison: VCS cases at every stage, their victims sealed (issue 19).

Cases hang on the demo's custody and licence cases: new referrals, first
offers overdue, second offers, opted in with a release coming, one parole
review in the next four weeks (an enhanced opt-in case), victims who opted
out and one who opted back in, and a closed case. Victims' names come from
a pool of their own, none shared with a person on probation, so a scan for
them in a file means something. They are written through the services by
the demo's Head of PDU, whose keyring holds the data key.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Event, Person
from app.db.victim_models import VcsCase
from app.domain.victims import ContactPreference, Relationship
from app.services.core.actor import Actor
from app.services.victims import cases
from app.services.victims.cases import VictimForm
from app.services.victims.planning import replan

FORENAMES = (
    "Araminta",
    "Bartholomew",
    "Cordelia",
    "Desmond",
    "Evangeline",
    "Fitzgerald",
    "Gwendolyn",
    "Horatio",
    "Isadora",
    "Jebediah",
    "Lavinia",
    "Montgomery",
    "Ottoline",
    "Peregrine",
    "Rosalind",
    "Septimus",
    "Theodora",
    "Ulrika",
    "Valentina",
    "Wilhelmina",
)
SURNAMES = (
    "Quillfeather",
    "Ravensworth",
    "Starlingford",
    "Thistlewood",
    "Umberleigh",
    "Vexcombe",
    "Wrenbury",
    "Yarrowdale",
    "Zephyrine",
    "Ashbourne-Kett",
    "Brackenholt",
    "Cindervale",
    "Dunwhistle",
    "Embervane",
    "Foxglovery",
    "Gorsemoor",
    "Heatherkell",
    "Ivorthwaite",
)
"""The victims' own name pool: none of these is a name the demo gives a person on probation."""

LANES = ("Mill", "Church", "Station", "Orchard")
STAGES = (
    "new_referral",
    "first_offer_due",
    "first_offer_overdue",
    "second_offer",
    "opted_in_release",
    "opted_in_annual",
    "opted_out",
    "opted_back_in",
    "parole_review",
    "closed",
)


@dataclass(frozen=True)
class DemoVictims:
    cases: int
    victims: int
    names: tuple[str, ...]


def _victim_names(rng: random.Random, taken: set[str], count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}"
        if name not in names and name.split()[-1].casefold() not in taken:
            names.append(name)
    return names


def _stage_dates(stage: str, today: date) -> dict[str, Any]:
    """The case's facts for one stage of the scheme, relative to the demo's day."""

    def d(days: int) -> date:
        return today + timedelta(days=days)

    stages: dict[str, dict[str, Any]] = {
        "new_referral": {"referral_date": d(-3)},
        "first_offer_due": {"referral_date": d(-20)},
        "first_offer_overdue": {"referral_date": d(-45)},
        "second_offer": {"referral_date": d(-60), "first_offer": d(-31)},
        "opted_in_release": {
            "referral_date": d(-200),
            "first_offer": d(-180),
            "opted_in": d(-170),
            "expected_release_date": d(40),
        },
        "opted_in_annual": {
            "referral_date": d(-400),
            "first_offer": d(-385),
            "opted_in": d(-370),
            "security_category": "C",
        },
        "opted_out": {"referral_date": d(-90), "first_offer": d(-70), "opted_out": d(-50)},
        "opted_back_in": {
            "referral_date": d(-300),
            "first_offer": d(-280),
            "opted_out": d(-250),
            "opted_in": d(-20),
            "expected_release_date": d(150),
        },
        "parole_review": {
            "referral_date": d(-900),
            "first_offer": d(-880),
            "opted_in": d(-860),
            "parole_review_date": d(21),
            "sentence_kind": "LIFE",
            "security_category": "B",
        },
        "closed": {
            "referral_date": d(-800),
            "first_offer": d(-790),
            "opted_in": d(-780),
            "closed_on": d(-30),
        },
    }
    return stages[stage]


def create_demo_victims(
    session: Session, head: Actor, vlo_user_id: int, pdu_id: int, seed: int, count: int = 24
) -> DemoVictims:
    """VCS cases on the demo's custodial cases, every stage, with sealed victims."""
    rng = random.Random(seed + 19)
    today = clock.today()
    people = list(
        session.execute(
            select(Person.id, Event.id, Event.release_date)
            .join(Event, Event.person_id == Person.id)
            .where(Person.pdu_id == pdu_id, Event.sentence_type.in_(("CUSTODY", "LICENCE")))
            .order_by(Person.id)
        )
    )[:count]
    taken = {s.casefold() for s in session.scalars(select(Person.surname))}
    taken |= {s.casefold() for s in session.scalars(select(Person.forename))}
    names = _victim_names(rng, taken, len(people) + len(people) // 3)
    made, written = 0, []
    for n, (person_id, event_id, release) in enumerate(people):
        stage = STAGES[n % len(STAGES)]
        facts = _stage_dates(stage, today)
        if stage == "parole_review" and n >= len(STAGES):  # one review in the next 4 weeks
            facts = {**facts, "parole_review_date": today + timedelta(days=120)}
        case = VcsCase(
            vcs_case_ref=f"VCS{17:02d}{n + 1:04d}",
            person_id=person_id,
            event_id=event_id,
            pdu_id=pdu_id,
            eligibility="statutory" if n % 5 else "stalking_harassment",
            sentence_kind=facts.get("sentence_kind") or "DETERMINATE",
            listed_offence=False,
            referral_date=facts["referral_date"],
            vlo_user_id=vlo_user_id,
            parole_review_date=facts.get("parole_review_date"),
            expected_release_date=facts.get("expected_release_date") or release,
            security_category=facts.get("security_category"),
            created_at=clock.now().replace(tzinfo=None),
            version=1,
        )
        session.add(case)
        session.flush()
        replan(session, case, today)
        for k in range(1 + (n % 3 == 0)):
            name = names[made % len(names)]
            made += 1
            form = VictimForm(
                name=name,
                relationship=Relationship.VICTIM if k == 0 else Relationship.BEREAVED_RELATIVE,
                address=f"{rng.randint(1, 120)} {rng.choice(LANES)} Lane, Leeds",
                postcode=f"LS{rng.randint(1, 28)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}"
                f"{rng.choice('LNPQRSTUWX')}",
                phone=f"07700 9{rng.randint(10000, 99999)}",
                email=f"{name.split()[0].lower()}@example.org",
                preferred_contact=rng.choice(list(ContactPreference)),
                opted_in_date=facts.get("opted_in"),
                opted_out_date=facts.get("opted_out"),
            )
            victim_id = cases.add_victim(session, head, case.id, case.version, form)
            if facts.get("first_offer"):
                from app.db.victim_models import Victim

                victim = session.get(Victim, victim_id)
                assert victim is not None
                victim.first_offer_date = facts["first_offer"]
                session.flush()
                replan(session, case, today)
            written.append(name)
        if facts.get("closed_on"):
            case.closed_on = facts["closed_on"]
            session.flush()
            replan(session, case, today)
    return DemoVictims(len(people), made, tuple(written))
