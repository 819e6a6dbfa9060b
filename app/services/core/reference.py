"""Reference data: the 12 regions and 108 PDUs of England and Wales (TOM Annex C)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.db.models import Pdu, Person, Region, Staff, Team
from app.services.core.errors import NotFound

WALES_REGION = "H"
LONDON_REGION = "L"


@dataclass(frozen=True)
class PduInfo:
    id: int
    number: int
    name: str
    region_code: str
    region_name: str

    @property
    def is_welsh(self) -> bool:
        return self.region_code == WALES_REGION

    @property
    def label(self) -> str:
        return f"{self.number}. {self.name}"


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("app.resources").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def load_reference_data(session: Session) -> int:
    """Add any region or PDU of the shipped list that the store lacks; returns how many."""
    added = 0
    regions = {r.code: r for r in session.scalars(select(Region))}
    for row in _read_csv("regions.csv"):
        if row["code"] not in regions:
            regions[row["code"]] = Region(code=row["code"], name=row["name"])
            session.add(regions[row["code"]])
            added += 1
    session.flush()
    known = set(session.scalars(select(Pdu.number)))
    for row in _read_csv("pdus.csv"):
        if int(row["number"]) not in known:
            region = regions[row["region"]]
            session.add(
                Pdu(
                    number=int(row["number"]),
                    name=row["name"],
                    region_id=region.id,
                    areas=row["areas"],
                    active=True,
                )
            )
            added += 1
    session.flush()
    return added


def pdu_choices(session: Session) -> list[PduInfo]:
    """The PDUs to offer in the window's PDU selector: those in use, else every PDU."""
    return list_pdus(session, with_cases_only=True) or list_pdus(session)


def list_pdus(session: Session, with_cases_only: bool = False) -> list[PduInfo]:
    """All PDUs, by number; optionally only those in use (with teams, staff or cases)."""
    query = (
        select(Pdu.id, Pdu.number, Pdu.name, Region.code, Region.name)
        .join(Region, Region.id == Pdu.region_id)
        .order_by(Pdu.number)
    )
    if with_cases_only:
        query = query.where(
            or_(
                Pdu.id.in_(select(Team.pdu_id)),
                Pdu.id.in_(select(Staff.pdu_id)),
                Pdu.id.in_(select(Person.pdu_id)),
            )
        )
    return [PduInfo(*row) for row in session.execute(query)]


def find_pdu(session: Session, text: str) -> PduInfo:
    """A PDU by number or name (case and spacing ignored)."""
    wanted = " ".join(text.split()).casefold()
    for pdu in list_pdus(session):
        if wanted in (str(pdu.number), pdu.name.casefold(), pdu.label.casefold()):
            return pdu
    raise NotFound(f"There is no PDU called {text!r}: give its name or its number (1-108).")


def get_pdu(session: Session, pdu_id: int) -> PduInfo:
    for pdu in list_pdus(session):
        if pdu.id == pdu_id:
            return pdu
    raise NotFound(f"PDU {pdu_id} does not exist.")
