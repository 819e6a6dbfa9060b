"""Booking people onto unpaid work sessions, and recording their outcomes: the checks.

Each check returns warnings in words for the weekly schedule (issue 18 point
3); none blocks by itself. A warning's severity says what the screen does:
``NOTICE`` shows it, ``NEEDS_REASON`` asks for a recorded reason before the
booking goes ahead, ``REFUSED`` refuses it, with the rule in words.

Rules (DOMAIN.md 5): a session has one supervisor and a number of places;
women may choose not to work in all-male groups (her consent is a recorded
field of her requirement); a high-RoSH person goes only on a project marked
suitable; a women-only project takes no men; a person works one session at a
time. Outcomes (CP-API ``AppointmentValidationService``): only acceptable
absences on a future session; enforceable outcomes are passed to the
practitioner within one business day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from app.domain.calendar import WorkingCalendar
from app.domain.codes import Gender, Rosh
from app.domain.parsing import format_date
from app.domain.unpaid_work import Outcome, ProjectType, UnpaidWorkSettings


class Severity(StrEnum):
    NOTICE = "NOTICE"
    NEEDS_REASON = "NEEDS_REASON"
    REFUSED = "REFUSED"

    @property
    def rank(self) -> int:
        return {"NOTICE": 0, "NEEDS_REASON": 1, "REFUSED": 2}[self.value]


class BookingRule(StrEnum):
    """The schedule's rules; each warning names the one it breaks."""

    NO_SUPERVISOR = "NO_SUPERVISOR"
    OVER_CAPACITY = "OVER_CAPACITY"
    WOMEN_ONLY = "WOMEN_ONLY"
    ALL_MALE_GROUP = "ALL_MALE_GROUP"
    HIGH_ROSH = "HIGH_ROSH"
    BOOKED_TWICE = "BOOKED_TWICE"
    OVERLAPPING = "OVERLAPPING"

    @property
    def severity(self) -> Severity:
        return _SEVERITY[self]

    @property
    def label(self) -> str:
        return _RULE_LABELS[self]


_SEVERITY = {
    BookingRule.NO_SUPERVISOR: Severity.NOTICE,
    BookingRule.OVER_CAPACITY: Severity.NEEDS_REASON,
    BookingRule.BOOKED_TWICE: Severity.NEEDS_REASON,
    BookingRule.WOMEN_ONLY: Severity.REFUSED,
    BookingRule.ALL_MALE_GROUP: Severity.REFUSED,
    BookingRule.HIGH_ROSH: Severity.REFUSED,
    BookingRule.OVERLAPPING: Severity.REFUSED,
}
_RULE_LABELS = {
    BookingRule.NO_SUPERVISOR: "No supervisor",
    BookingRule.OVER_CAPACITY: "Over capacity",
    BookingRule.WOMEN_ONLY: "Women-only project",
    BookingRule.ALL_MALE_GROUP: "Woman in an all-male group",
    BookingRule.HIGH_ROSH: "High RoSH on a project not suitable",
    BookingRule.BOOKED_TWICE: "Booked twice on one day",
    BookingRule.OVERLAPPING: "Booked on two sessions at once",
}


@dataclass(frozen=True)
class BookingWarning:
    rule: BookingRule
    message: str
    person_id: int | None = None

    @property
    def severity(self) -> Severity:
        return self.rule.severity


@dataclass(frozen=True)
class ProjectFacts:
    project_id: int
    name: str
    project_type: ProjectType
    women_only: bool = False
    high_rosh_suitable: bool = False


@dataclass(frozen=True)
class SessionFacts:
    """One project on one date, with its times, supervisor and places."""

    session_id: int
    project: ProjectFacts
    day: date
    start: time
    end: time
    places: int
    supervisor_id: int | None = None

    def overlaps(self, other: SessionFacts) -> bool:
        return self.day == other.day and self.start < other.end and other.start < self.end

    @property
    def described(self) -> str:
        """E.g. "Canal clearance on 03/12/2026, 09:00-16:00"."""
        times = f"{self.start:%H:%M}-{self.end:%H:%M}"
        return f"{self.project.name} on {format_date(self.day)}, {times}"


@dataclass(frozen=True)
class PersonFacts:
    """What the checks need of a person booked; ``name`` is for the warning's words."""

    person_id: int
    name: str
    gender: Gender | None = None
    rosh: Rosh | None = None
    all_male_group_consent: bool = False


def _supervisor(session: SessionFacts) -> list[BookingWarning]:
    if session.supervisor_id is not None:
        return []
    return [BookingWarning(BookingRule.NO_SUPERVISOR, "No supervisor is assigned to this session")]


def _capacity(session: SessionFacts, count: int) -> list[BookingWarning]:
    if count <= session.places:
        return []
    message = f"{count} people are booked for {session.places} places"
    return [BookingWarning(BookingRule.OVER_CAPACITY, message)]


def _person_rules(session: SessionFacts, person: PersonFacts) -> list[BookingWarning]:
    project, found = session.project, []
    if project.women_only and person.gender is Gender.MALE:
        message = f"{person.name} is a man and {project.name} is for women only"
        found.append(BookingWarning(BookingRule.WOMEN_ONLY, message, person.person_id))
    if person.rosh is not None and person.rosh.is_high and not project.high_rosh_suitable:
        message = (
            f"{person.name} is {person.rosh.label} RoSH and {project.name} is not marked "
            "suitable for high RoSH"
        )
        found.append(BookingWarning(BookingRule.HIGH_ROSH, message, person.person_id))
    return found


def _women_alone(session: SessionFacts, booked: Sequence[PersonFacts]) -> list[BookingWarning]:
    """Each woman without recorded consent who is the only woman in a group of men."""
    project = session.project
    if not project.project_type.meets_as_group or project.women_only:
        return []
    found = []
    for person in booked:
        others = [p for p in booked if p.person_id != person.person_id]
        if person.gender is not Gender.FEMALE or person.all_male_group_consent or not others:
            continue
        if all(p.gender is Gender.MALE for p in others):
            message = (
                f"{person.name} would be the only woman in an all-male group and has not "
                "recorded her consent to it"
            )
            found.append(BookingWarning(BookingRule.ALL_MALE_GROUP, message, person.person_id))
    return found


def _same_day(
    session: SessionFacts, person: PersonFacts, elsewhere: Iterable[SessionFacts]
) -> list[BookingWarning]:
    found = []
    for other in elsewhere:
        if other.session_id == session.session_id or other.day != session.day:
            continue
        rule = BookingRule.OVERLAPPING if session.overlaps(other) else BookingRule.BOOKED_TWICE
        message = f"{person.name} is also booked on {other.described}"
        found.append(BookingWarning(rule, message, person.person_id))
    return found


def session_warnings(
    session: SessionFacts,
    booked: Sequence[PersonFacts],
    elsewhere: dict[int, Sequence[SessionFacts]] | None = None,
) -> list[BookingWarning]:
    """Every warning a session's cell shows in the weekly grid.

    ``elsewhere`` maps a person's id to the other sessions they are booked on
    (only that day's matter).
    """
    found = _supervisor(session) + _capacity(session, len(booked))
    for person in booked:
        found += _person_rules(session, person)
        found += _same_day(session, person, (elsewhere or {}).get(person.person_id, ()))
    return found + _women_alone(session, booked)


def booking_warnings(
    session: SessionFacts,
    person: PersonFacts,
    booked: Sequence[PersonFacts],
    elsewhere: Sequence[SessionFacts] = (),
) -> list[BookingWarning]:
    """What booking ``person`` onto ``session`` would break (issue 18 point 3).

    ``booked`` is who is on the session already; ``elsewhere`` the person's
    other bookings. Only warnings this booking causes are returned, so a
    session already without a supervisor does not stop every booking; the
    all-male group rule is checked on the group as it would be, whoever is
    being booked.
    """
    if any(p.person_id == person.person_id for p in booked):
        return []
    after = [*booked, person]
    found = _capacity(session, len(after))
    found += _person_rules(session, person)
    found += _same_day(session, person, elsewhere)
    before = {(w.person_id, w.rule) for w in _women_alone(session, booked)}
    found += [w for w in _women_alone(session, after) if (w.person_id, w.rule) not in before]
    return found


def worst(warnings: Iterable[BookingWarning]) -> Severity | None:
    """The most serious severity among warnings; None when there are none."""
    severities = [w.severity for w in warnings]
    return max(severities, key=lambda s: s.rank, default=None)


def refusals(warnings: Iterable[BookingWarning]) -> list[BookingWarning]:
    return [w for w in warnings if w.severity is Severity.REFUSED]


# -- recording outcomes ---------------------------------------------------------


def outcome_problem(outcome: Outcome, session_day: date, as_at: date) -> str | None:
    """Why this outcome cannot be recorded for this session, in words; None when it can.

    A session after ``as_at`` may take only an acceptable absence (AASD and
    the other AA codes), so a stand-down can be entered ahead.
    """
    if session_day > as_at and not outcome.allowed_on_future_session:
        return (
            f"The session on {format_date(session_day)} has not happened yet: only an "
            f"acceptable absence can be recorded ahead, not {outcome.label.lower()}"
        )
    return None


def practitioner_notice_due(
    outcome: Outcome,
    session_day: date,
    calendar: WorkingCalendar,
    settings: UnpaidWorkSettings,
) -> date | None:
    """When the practitioner must be told of an enforceable outcome; None for the others.

    UPW staff tell the practitioner within one business day of a failure to
    attend or comply (DOMAIN.md 5): the session's date plus that many working
    days.
    """
    if not outcome.enforceable:
        return None
    return calendar.add_working_days(session_day, settings.upw_practitioner_notice_working_days)
