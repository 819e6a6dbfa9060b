"""The demo's bookings, attendance and stand-downs: realistic, deterministic, relative to today.

Each person with hours left is booked about once a week (three times when
intensive) onto a session that suits them: women-only projects take women,
high-RoSH people go only where marked suitable, women who have not
consented to all-male groups work on individual, ETE or women-only
placements. Past sessions get outcomes in HMPPS's proportions; some are
stood down, in advance or on the day, for several reasons; a few coming
sessions are stood down ahead for planned closures. About half the people
stood down are rebooked. The extract's hours are dated the day before the
first session, so the app's credits add to them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import CaseloadRow, Event, Person
from app.db.upw_models import (
    UpwAttendance,
    UpwPlacement,
    UpwProject,
    UpwRequirement,
    UpwSession,
    UpwStandDown,
)
from app.domain.unpaid_work import Notice, Outcome, ProjectType, StandDownReason
from app.domain.unpaid_work_booking import practitioner_notice_due
from app.domain.unpaid_work_hours import credit_attendance, ete_allowance_minutes, minutes_between
from app.domain.workload import add_months
from app.services.unpaid_work.rules import PduRules

OUTCOME_WEIGHTS = (
    (Outcome.ATTC, 78),
    (Outcome.AFTC, 3),
    (Outcome.ATSH, 1),
    (Outcome.UACP, 6),
    (Outcome.AAME, 4),
    (Outcome.AAEM, 3),
    (Outcome.AAFC, 2),
    (Outcome.AACL, 1),
    (Outcome.RSOF, 2),
)
REASON_WEIGHTS = (
    (StandDownReason.WEATHER, 30),
    (StandDownReason.SUPERVISOR_ABSENT, 22),
    (StandDownReason.VEHICLE_EQUIPMENT, 14),
    (StandDownReason.NO_SUPERVISOR, 10),
    (StandDownReason.PLACEMENT_UNAVAILABLE, 10),
    (StandDownReason.OVERSUBSCRIBED, 5),
    (StandDownReason.HEALTH_AND_SAFETY, 4),
    (StandDownReason.EARLY_CLOSURE, 4),
    (StandDownReason.OTHER, 1),
)
STAND_DOWN_SHARE = 0.07


def _pick(rng: random.Random, weighted: tuple[tuple[object, int], ...]) -> object:
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights)[0]


@dataclass
class _Req:
    record: UpwRequirement
    sentenced: date
    gender: str | None
    high_rosh: bool
    remaining: int
    ete_left: int
    booked_days: set[date] = field(default_factory=set)
    last_day: date | None = None


@dataclass
class Slot:
    row: UpwSession
    project: UpwProject
    people: list[_Req] = field(default_factory=list)


class UpwPeople:
    """One run over the demo's sessions: bookings first, then what happened."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        rules: PduRules,
        today: date,
        actor_id: int | None,
        first: date,
    ) -> None:
        self.session, self.rng, self.rules, self.today = session, rng, rules, today
        self.actor_id, self.first = actor_id, first
        self.now = datetime.combine(today, time(9, 0))
        self.stood_down = 0
        self.people: list[_Req] = []

    def load(self, pdu_id: int) -> None:
        """Each running requirement, its extract's hours dated before the first session."""
        rows = self.session.execute(
            select(UpwRequirement, Event, Person.gender, CaseloadRow.rosh)
            .join(Event, Event.id == UpwRequirement.event_id)
            .join(Person, Person.id == UpwRequirement.person_id)
            .outerjoin(CaseloadRow, CaseloadRow.person_id == Person.id)
            .where(Person.pdu_id == pdu_id, Event.sentence_date <= self.today)
            .order_by(UpwRequirement.id)
        ).all()
        for req, event, gender, rosh in rows:
            before = max(0, (req.extract_completed_minutes or 0) - self.rng.randint(0, 8 * 300))
            if event.sentence_date > self.first:
                before = 0
            overdue = add_months(event.sentence_date, 12) < self.first
            if overdue and self.rng.random() < 0.9:
                # Most orders older than their 12 months were worked off in time.
                before = req.ordered_minutes
                finished = add_months(event.sentence_date, self.rng.randint(6, 11))
                req.completed_on = min(finished, self.first - timedelta(days=1))
            req.extract_completed_minutes, req.extract_on = before, self.first - timedelta(days=1)
            event.upw_hours_completed = before / 60
            if gender == "F" and self.rng.random() < 0.15:
                req.all_male_group_consent, req.consent_recorded_on = True, event.sentence_date
            share = ete_allowance_minutes(req.ordered_minutes, self.rules.ete_share_percent)
            self.people.append(
                _Req(
                    req,
                    event.sentence_date,
                    gender,
                    rosh in ("HIGH", "VERY_HIGH"),
                    max(0, req.ordered_minutes - before),
                    share,
                )
            )

    # --- booking -----------------------------------------------------------------------

    def _suits(self, person: _Req, slot: Slot) -> bool:
        project, kind = slot.project, ProjectType(slot.project.project_type)
        if project.women_only and person.gender != "F":
            return False
        if person.high_rosh and not project.high_rosh_suitable:
            return False
        woman_alone = person.gender == "F" and not person.record.all_male_group_consent
        if woman_alone and kind.meets_as_group and not project.women_only:
            return kind is ProjectType.INDUCTION and slot.row.day - person.sentenced < timedelta(
                weeks=4
            )
        if kind is ProjectType.ETE and person.ete_left < 240:
            return False
        if kind is ProjectType.INDUCTION:
            return slot.row.day - person.sentenced < timedelta(weeks=4)
        return True

    def book(self, slots: list[Slot]) -> None:
        """About one booking a week for each person with hours left (three when intensive)."""
        by_week: dict[date, list[Slot]] = defaultdict(list)
        for slot in slots:
            by_week[slot.row.day - timedelta(days=slot.row.day.weekday())].append(slot)
        for week, week_slots in sorted(by_week.items()):
            people = [
                p
                for p in self.people
                if p.remaining > 0 and p.sentenced + timedelta(days=7) <= week + timedelta(days=6)
            ]
            self.rng.shuffle(people)
            for person in people:
                wanted = 3 if person.record.intensive else 1
                if self.rng.random() < 0.12:
                    continue
                choices = [
                    s
                    for s in week_slots
                    if s.row.day not in person.booked_days and self._suits(person, s)
                ]
                self.rng.shuffle(choices)
                for slot in choices:
                    full = len(slot.people) >= slot.row.places
                    over = slot.row.day > self.today and self.rng.random() < 0.01
                    if full and not over:
                        continue
                    slot.people.append(person)
                    person.booked_days.add(slot.row.day)
                    wanted -= 1
                    if wanted == 0:
                        break

    # --- what happened -------------------------------------------------------------------

    def record(self, slots: list[Slot]) -> list[tuple[UpwPlacement, UpwSession]]:
        """Placements, outcomes and stand-downs; the stood-down bookings, to rebook."""
        stood: list[tuple[UpwPlacement, UpwSession]] = []
        for slot in sorted(slots, key=lambda s: (s.row.day, s.row.start_time, s.project.id)):
            placements = [self._placement(slot.row, p) for p in slot.people]
            self.session.flush()
            if slot.row.day >= self.today:
                continue
            if placements and self.rng.random() < STAND_DOWN_SHARE:
                self._stand_down(slot, placements, planned=False)
                stood += [(p, slot.row) for p in placements]
                continue
            for placement, person in zip(placements, slot.people, strict=True):
                self._outcome(slot, placement, person)
        return stood

    def _placement(
        self, row: UpwSession, person: _Req, rebooked_from: int | None = None
    ) -> UpwPlacement:
        placement = UpwPlacement(
            session_id=row.id,
            requirement_id=person.record.id,
            person_id=person.record.person_id,
            rebooked_from_id=rebooked_from,
            override_reason="",
            booked_at=self.now,
            booked_by=self.actor_id,
        )
        self.session.add(placement)
        return placement

    def _outcome(self, slot: Slot, placement: UpwPlacement, person: _Req) -> None:
        outcome = Outcome(str(_pick(self.rng, OUTCOME_WEIGHTS)))
        kind = ProjectType(slot.project.project_type)
        row, sent_away = slot.row, None
        if outcome is Outcome.ATTC and self.rng.random() < 0.01:
            outcome, sent_away = Outcome.AASD, StandDownReason.OVERSUBSCRIBED.value
        travel = kind.credits_travel and self.rng.random() < 0.25
        out, back = (self.rng.randint(20, 80), self.rng.randint(20, 80)) if travel else (0, 0)
        penalty = 30 if outcome is Outcome.AFTC else 0
        end = row.end_time
        if outcome is Outcome.ATSH:
            end = time(row.start_time.hour + 2, row.start_time.minute)
        credit = credit_attendance(
            outcome,
            kind,
            row.start_time,
            end,
            remaining_minutes=person.remaining,
            ete_left_minutes=person.ete_left,
            penalty_minutes=penalty,
            travel_out_minutes=out,
            travel_back_minutes=back,
            travel_cap_each_way=self.rules.settings.upw_travel_credit_minutes_each_way,
        )
        person.remaining -= credit.total_minutes
        person.ete_left -= credit.ete_minutes
        if credit.total_minutes:
            person.last_day = row.day
        due = practitioner_notice_due(outcome, row.day, self.rules.calendar, self.rules.settings)
        self._attendance(
            placement,
            outcome,
            start=row.start_time if outcome.credits_hours else None,
            end=end if outcome.credits_hours else None,
            penalty=penalty,
            travel=(out, back) if outcome.credits_hours else (0, 0),
            credit=(credit.work_minutes, credit.travel_minutes, credit.ete_minutes),
            lost=minutes_between(row.start_time, row.end_time) if sent_away else 0,
            sent_away=sent_away,
            due=due,
        )

    def _attendance(
        self,
        placement: UpwPlacement,
        outcome: Outcome,
        *,
        start: time | None = None,
        end: time | None = None,
        penalty: int = 0,
        travel: tuple[int, int] = (0, 0),
        credit: tuple[int, int, int] = (0, 0, 0),
        lost: int = 0,
        sent_away: str | None = None,
        due: date | None = None,
        stand_down_id: int | None = None,
    ) -> None:
        told = due if due is not None and due < self.today - timedelta(days=2) else None
        self.session.add(
            UpwAttendance(
                placement_id=placement.id,
                outcome=outcome.value,
                start_time=start,
                end_time=end,
                penalty_minutes=penalty,
                travel_out_minutes=travel[0],
                travel_back_minutes=travel[1],
                work_minutes=credit[0],
                travel_minutes=credit[1],
                ete_minutes=credit[2],
                lost_minutes=lost,
                stand_down_id=stand_down_id,
                sent_away_reason=sent_away,
                notice_due=due,
                notified_on=told,
                note="",
                recorded_at=self.now,
                recorded_by=self.actor_id,
            )
        )

    def _stand_down(
        self,
        slot: Slot,
        placements: list[UpwPlacement],
        *,
        planned: bool,
        reason: StandDownReason | None = None,
        note: str = "",
    ) -> None:
        row = slot.row
        # Both notices: about a third of the unplanned stand-downs come on the day.
        on_the_day = not planned and row.day < self.today and self.stood_down % 3 == 1
        notice = Notice.ON_THE_DAY if on_the_day else Notice.ADVANCE
        why = reason or StandDownReason(str(_pick(self.rng, REASON_WEIGHTS)))
        length = minutes_between(row.start_time, row.end_time)
        sent_home = None
        if on_the_day:
            hours_in = self.rng.randint(1, max(1, length // 60 - 1))
            sent_home = time(row.start_time.hour + hours_in, row.start_time.minute)
        record = UpwStandDown(
            session_id=row.id,
            reason=why.value,
            notice=notice.value,
            planned=planned,
            note=note
            or ("Other: the site was double-booked" if why is StandDownReason.OTHER else ""),
            sent_home_at=sent_home,
            people_affected=len(placements),
            person_minutes_lost=0,
            recorded_at=self.now,
            recorded_by=self.actor_id,
        )
        self.session.add(record)
        self.session.flush()
        lost_total = 0
        for placement, person in zip(placements, slot.people, strict=True):
            spent = minutes_between(row.start_time, sent_home) if sent_home else 0
            credited = min(spent, person.remaining)
            person.remaining -= credited
            lost_total += length - credited
            self._attendance(
                placement,
                notice.outcome,
                start=row.start_time if credited else None,
                end=sent_home if credited else None,
                credit=(credited, 0, 0),
                lost=length - credited,
                stand_down_id=record.id,
            )
        record.person_minutes_lost = lost_total
        self.stood_down += 1

    def plan_closures(self, slots: list[Slot]) -> None:
        """A few coming sessions stood down ahead: a site closed for works, a leave."""
        coming = [s for s in slots if s.row.day > self.today]
        self.rng.shuffle(coming)
        for n, slot in enumerate(coming[:4]):
            placements = self.session.scalars(
                select(UpwPlacement)
                .where(UpwPlacement.session_id == slot.row.id)
                .order_by(UpwPlacement.id)
            ).all()
            slot.people = [
                next(p for p in self.people if p.record.id == pl.requirement_id)
                for pl in placements
            ]
            reason = (
                StandDownReason.PLACEMENT_UNAVAILABLE
                if n < 3
                else StandDownReason.SUPERVISOR_ABSENT
            )
            note = "Site closed for resurfacing" if n < 3 else "Supervisor on planned leave"
            self._stand_down(slot, list(placements), planned=n < 3, reason=reason, note=note)

    def rebook(self, stood: list[tuple[UpwPlacement, UpwSession]], slots: list[Slot]) -> int:
        """About half of those stood down go onto a later session of the same project."""
        by_project: dict[int, list[Slot]] = defaultdict(list)
        for slot in slots:
            by_project[slot.project.id].append(slot)
        rebooked = 0
        for placement, row in stood:
            if self.rng.random() < 0.5:
                continue
            person = next(p for p in self.people if p.record.id == placement.requirement_id)
            later = [
                s
                for s in by_project[row.project_id]
                if row.day < s.row.day <= row.day + timedelta(weeks=3)
                and s.row.day >= self.today
                and s.row.day not in person.booked_days
                and len(s.people) < s.row.places
            ]
            if not later:
                continue
            target = later[0]
            target.people.append(person)
            person.booked_days.add(target.row.day)
            self._placement(target.row, person, rebooked_from=placement.id)
            rebooked += 1
        self.session.flush()
        return rebooked

    def requirement_facts(self) -> None:
        """Reviews recorded, requirements completed, an extension and a termination."""
        settings = self.rules.settings
        extended = terminated = 0
        for person in self.people:
            req = person.record
            for months, name in (
                (settings.upw_first_review_months, "first_review_on"),
                (settings.upw_second_review_months, "second_review_on"),
            ):
                due = add_months(person.sentenced, months)
                if due < self.today and self.rng.random() < 0.85:
                    setattr(
                        req, name, min(self.today, due + timedelta(days=self.rng.randint(0, 6)))
                    )
            if person.remaining <= 0 and person.last_day is not None:
                req.completed_on = person.last_day
            elif add_months(person.sentenced, 11) < self.today and extended < 2:
                req.extended_to = add_months(person.sentenced, 18)
                req.extension_ordered_on = add_months(person.sentenced, 11)
                req.extension_note = "Extended by the magistrates' court"
                extended += 1
            elif person.remaining > 0 and terminated < 1 and self.rng.random() < 0.02:
                req.terminated_on = self.today - timedelta(days=self.rng.randint(3, 20))
                terminated += 1
