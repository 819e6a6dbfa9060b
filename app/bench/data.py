"""Synthetic cases at scale for ``pdu-manager bench`` (SPEC.md 8).

Each case is a :class:`CaseSpec`, made fast from small seeded name pools; the
same specs become raw table rows (``app.bench.sql``) and caseload extract rows
(``app.bench.extract``). Nothing here is a real person.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

from app.domain.tiering import Need

SENTENCE_TYPES = ("CO", "SSO", "LICENCE", "PSS", "CUSTODY")
_TYPE_WEIGHTS = (45, 15, 30, 5, 5)
_ROSH = ("LOW", "MEDIUM", "HIGH", "VERY_HIGH", None)
_ROSH_WEIGHTS = (35, 45, 15, 2, 3)
_PROTECT = {"LOW": "D", "MEDIUM": "C", "HIGH": "B", "VERY_HIGH": "A", None: "D"}
_REQUIREMENTS = (("UPW",), ("RAR",), ("UPW", "RAR"), ("RAR", "PROGRAMME"), ("CURFEW", "EM"))
_SEVERITIES = ("NO_NEED", "NO_NEED", "NO_NEED", "STANDARD", "STANDARD", "SEVERE")
NEEDS = tuple(n.value for n in Need)
_CRN_LETTERS = "XDEFGHJLMNPSTV"
CASES_PER_PRACTITIONER = 40


@dataclass(frozen=True, slots=True)
class CaseSpec:
    """One synthetic case, before it becomes rows or an extract line."""

    number: int
    crn: str
    forename: str
    surname: str
    date_of_birth: date
    gender: str
    pdu_index: int
    sentence_type: str
    sentence_date: date
    release_date: date | None
    end_date: date
    requirements: tuple[str, ...]
    upw_hours: float | None
    rosh: str | None
    rsr_percent: float
    ogrs_percent: int
    mappa_level: int | None
    needs: tuple[str, ...]
    assessment_date: date
    practitioner: int | None
    allocation_date: date | None
    female_requested: bool
    tier: str | None


@dataclass(frozen=True)
class NamePools:
    """A few hundred synthetic names, combined at random for speed."""

    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]

    @classmethod
    def make(cls, seed: int) -> NamePools:
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        return cls(
            tuple(fake.first_name_female() for _ in range(300)),
            tuple(fake.first_name_male() for _ in range(300)),
            tuple(fake.last_name() for _ in range(800)),
        )


def crn_for(number: int) -> str:
    """A unique CRN (one letter, six digits) for case ``number``."""
    letter, rest = divmod(number, 900_000)
    return f"{_CRN_LETTERS[letter % len(_CRN_LETTERS)]}{100_000 + rest}"


def practitioners_for(cases: int) -> int:
    return max(48, -(-cases // CASES_PER_PRACTITIONER))


def _dates(rng: random.Random, kind: str, today: date) -> tuple[date, date | None, date]:
    if kind in ("CO", "SSO"):
        sentenced = today - timedelta(days=rng.randint(0, 700))
        ends = sentenced + timedelta(days=rng.choice((365, 548, 730, 1095)))
        return sentenced, None, max(ends, today + timedelta(days=rng.randint(1, 365)))
    if kind == "CUSTODY":
        released = today + timedelta(days=rng.randint(5, 500))
    else:
        released = today - timedelta(days=rng.randint(0, 330))
    sentenced = min(released, today) - timedelta(days=rng.randint(60, 1200))
    return sentenced, released, max(released, today) + timedelta(days=rng.randint(30, 900))


def make_case(
    rng: random.Random, names: NamePools, number: int, pdus: int, staff: int, today: date
) -> CaseSpec:
    """Case ``number``: a plausible spread of sentences, risk and allocation."""
    gender = "F" if rng.random() < 0.15 else "M"
    kind = rng.choices(SENTENCE_TYPES, _TYPE_WEIGHTS)[0]
    sentenced, released, ends = _dates(rng, kind, today)
    rosh = rng.choices(_ROSH, _ROSH_WEIGHTS)[0]
    requirements = rng.choice(_REQUIREMENTS) if kind in ("CO", "SSO") else ()
    allocated = rng.random() < 0.97
    return CaseSpec(
        number=number,
        crn=crn_for(number),
        forename=rng.choice(names.female if gender == "F" else names.male),
        surname=rng.choice(names.surnames),
        date_of_birth=today - timedelta(days=rng.randint(18 * 365, 70 * 365)),
        gender=gender,
        pdu_index=number % pdus,
        sentence_type=kind,
        sentence_date=sentenced,
        release_date=released,
        end_date=ends,
        requirements=requirements,
        upw_hours=float(rng.randint(4, 30) * 10) if "UPW" in requirements else None,
        rosh=rosh,
        rsr_percent=round(rng.uniform(0.1, 12.0), 2),
        ogrs_percent=rng.randint(2, 95),
        mappa_level=rng.choice((None, None, None, 1, 2)) if rosh in ("HIGH", "VERY_HIGH") else None,
        needs=tuple(rng.choice(_SEVERITIES) for _ in NEEDS),
        assessment_date=today - timedelta(days=rng.randint(7, 300)),
        practitioner=rng.randrange(staff) if allocated else None,
        allocation_date=min(today, sentenced + timedelta(days=rng.randint(1, 7)))
        if allocated
        else None,
        female_requested=gender == "F" and rng.random() < 0.2,
        tier=f"{_PROTECT[rosh]}{rng.choice('0112223')}",
    )


def case_specs(cases: int, pdus: int, staff: int, today: date, seed: int = 1) -> Iterator[CaseSpec]:
    """``cases`` active synthetic cases spread over ``pdus`` PDUs.

    ``staff`` is the number of practitioners in each PDU; a case's
    ``practitioner`` is an index among its own PDU's.
    """
    rng = random.Random(seed)
    names = NamePools.make(seed)
    for number in range(cases):
        yield make_case(rng, names, number, pdus, staff, today)
