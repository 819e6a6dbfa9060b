"""Rules about a case as a whole: its main event and its allocation clock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.codes import SentenceType


@dataclass(frozen=True)
class EventFacts:
    """What the rules need of one sentence (event)."""

    event_id: int
    sentence_type: SentenceType
    sentence_date: date
    release_date: date | None
    end_date: date | None
    ended_on: date | None = None


def is_running(event: EventFacts, as_at: date) -> bool:
    """Sentenced on or before ``as_at`` and not ended on or before it (SPEC.md 7)."""
    if event.sentence_date > as_at:
        return False
    if event.ended_on is not None and event.ended_on <= as_at:
        return False
    return event.end_date is None or event.end_date > as_at


def main_event(events: Sequence[EventFacts], as_at: date) -> EventFacts | None:
    """The case's current main event: the latest sentence still running (SPEC.md 3).

    With none running, the latest sentence stands for the case (so an ended case
    still shows what it was).
    """
    if not events:
        return None
    running = [e for e in events if is_running(e, as_at)]
    pool = running or list(events)
    return max(pool, key=lambda e: (e.sentence_date, e.event_id))


def allocation_clock_start(
    sentence_type: SentenceType, sentence_date: date, release_date: date | None
) -> date:
    """When the 5-working-day allocation clock starts (DOMAIN.md 2, TOM 775).

    At sentence for community cases (CO, SSO) and custody; at release for
    Licence and PSS cases, or at sentence when no release date is known.
    """
    if sentence_type in (SentenceType.LICENCE, SentenceType.PSS) and release_date is not None:
        return release_date
    return sentence_date


def name_key(surname: str, forename: str) -> str:
    """The normalised name a caseload search matches: surname first, case folded."""
    return " ".join(f"{surname} {forename}".split()).casefold()
