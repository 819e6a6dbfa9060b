"""Cells that name records already in the store: PDUs and members of staff."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Pdu, Staff
from app.domain.codes import Grade
from app.domain.parsing import ParseError, is_blank, normalise_key, parse_staff_code, show
from app.services.core.actor import Actor

CHUNK = 2000
T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Slices of ``items`` small enough for an SQL ``IN`` list."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PduLookup:
    """A PDU named by its number (1-108), its name or its label ("17. Name").

    A PDU the importing user does not cover is refused on its row (SPEC.md 1:
    every service checks the user's scope).
    """

    def __init__(self, session: Session, actor: Actor) -> None:
        self.actor = actor
        self.names: dict[int, str] = {}
        self._ids: dict[str, int] = {}
        for pdu_id, number, name in session.execute(select(Pdu.id, Pdu.number, Pdu.name)):
            self.names[pdu_id] = name
            for key in (str(number), name, f"{number} {name}"):
                self._ids.setdefault(normalise_key(key), pdu_id)

    def __call__(self, value: Any) -> int | None:
        if is_blank(value):
            return None
        text = value
        if isinstance(value, float) and value.is_integer():
            text = int(value)
        found = self._ids.get(normalise_key(str(text)))
        if found is None:
            raise ParseError(f"{show(value)} is not a PDU: give its name or its number (1-108)")
        if not self.actor.covers(found):
            raise ParseError(
                f"{self.names[found]} is not one of the PDUs you cover: ask its Head of PDU "
                "to import it"
            )
        return found


class PractitionerLookup:
    """A caseload row's practitioner: a known staff code, or None when unallocated.

    NDelius gives unallocated cases a staff code ending in ``U`` (SPEC.md 5);
    a code of known staff always names them, whatever its last letter.
    """

    def __init__(self, session: Session, as_at: date) -> None:
        self.ids: dict[str, int] = {}
        self.names: dict[int, str] = {}
        self.refusals: dict[int, str] = {}
        query = select(
            Staff.id, Staff.staff_code, Staff.forename, Staff.surname, Staff.grade, Staff.leave_date
        )
        for staff_id, code, forename, surname, grade, left in session.execute(query):
            self.ids[code.upper()] = staff_id
            self.names[staff_id] = f"{forename} {surname} ({code})"
            who = f"{forename} {surname} ({Grade(grade).label})"
            if not Grade(grade).is_practitioner:
                self.refusals[staff_id] = (
                    f"names {who}, who holds no cases: only a PO, PQiP or PSO can"
                )
            elif left is not None and left <= as_at:
                self.refusals[staff_id] = f"names {who}, who left on {left:%d/%m/%Y}"

    def __call__(self, value: Any) -> int | None:
        code = parse_staff_code(value)
        if code is None:
            return None
        found = self.ids.get(code)
        if found is not None:
            if found in self.refusals:
                raise ParseError(self.refusals[found])
            return found
        if code.endswith("U"):
            return None
        raise ParseError(
            f"{show(value)} is not a staff code of anyone known: import the staff extract first"
        )

    def name(self, staff_id: int | None) -> str | None:
        return None if staff_id is None else self.names.get(staff_id, str(staff_id))
