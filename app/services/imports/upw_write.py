"""Comparing an unpaid work sessions file with the store, and writing what differs."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, tuple_

from app.db.upw_models import UpwAttendance, UpwPlacement, UpwProject, UpwSession, UpwStandDown
from app.domain.parsing import format_date
from app.domain.unpaid_work import Notice, ProjectType, StandDownReason
from app.domain.unpaid_work_booking import practitioner_notice_due
from app.domain.unpaid_work_hours import credit_attendance, minutes_between
from app.domain.unpaid_work_standdowns import person_minutes_lost
from app.services.imports.common import Context
from app.services.imports.report import FieldChange, RecordChange
from app.services.unpaid_work.facts import credits_of
from app.services.unpaid_work.requirements import load_requirements
from app.services.unpaid_work.rules import pdu_rules
from app.services.unpaid_work.summary import hours_of

if TYPE_CHECKING:
    from app.services.imports.upw_sessions import Booking

Key = tuple[int, date]


def _whole_stand_down(bookings: list[Booking]) -> tuple[str, Notice] | None:
    """Every row of the session stood down with one reason and notice: the session is."""
    reasons = {(b.reason, b.notice) for b in bookings}
    if len(reasons) == 1:
        reason, notice = next(iter(reasons))
        if reason is not None and notice is not None:
            return reason, notice
    return None


class SessionWriter:
    """The plan of one sessions file (counts, changes) and, on ``write``, the writing of it."""

    def __init__(self, ctx: Context, bookings: list[Booking]) -> None:
        self.ctx = ctx
        self.groups: dict[Key, list[Booking]] = defaultdict(list)
        for b in bookings:
            self.groups[(b.project_id, b.day)].append(b)
        session = ctx.session
        keys = list(self.groups)
        self.projects = {p.id: p for p in session.scalars(select(UpwProject))}
        self.sessions: dict[Key, UpwSession] = {}
        for start in range(0, len(keys), 400):
            chunk = keys[start : start + 400]
            for s in session.scalars(
                select(UpwSession).where(tuple_(UpwSession.project_id, UpwSession.day).in_(chunk))
            ):
                self.sessions[(s.project_id, s.day)] = s
        ids = [s.id for s in self.sessions.values()]
        self.placements: dict[tuple[int, int], UpwPlacement] = {}
        self.attendance: dict[int, UpwAttendance] = {}
        self.stood: dict[int, UpwStandDown] = {}
        if ids:
            for p in session.scalars(select(UpwPlacement).where(UpwPlacement.session_id.in_(ids))):
                self.placements[(p.session_id, p.person_id)] = p
            for a, p in session.execute(
                select(UpwAttendance, UpwPlacement)
                .join(UpwPlacement, UpwPlacement.id == UpwAttendance.placement_id)
                .where(UpwPlacement.session_id.in_(ids))
            ):
                self.attendance[p.id] = a
            for sd in session.scalars(select(UpwStandDown).where(UpwStandDown.session_id.in_(ids))):
                self.stood[sd.session_id] = sd
        self.added = self.changed = self.unchanged = self.sessions_added = 0
        self.changes: list[RecordChange] = []
        self.notes: list[str] = []
        self._compare()

    def _label(self, b: Booking) -> str:
        return f"{self.projects[b.project_id].code} {format_date(b.day)} {b.crn}"

    def _compare(self) -> None:
        for key, bookings in sorted(self.groups.items(), key=lambda i: (i[0][1], i[0][0])):
            existing = self.sessions.get(key)
            if existing is None:
                self.sessions_added += 1
            whole = _whole_stand_down(bookings)
            for b in bookings:
                fields = self._differences(existing, b)
                name = self.projects[b.project_id].name
                if fields is None:
                    self.added += 1
                    self.changes.append(
                        RecordChange("added", self._label(b), name, summary=_said(b))
                    )
                elif fields:
                    self.changed += 1
                    self.changes.append(
                        RecordChange("changed", self._label(b), name, tuple(fields))
                    )
                else:
                    self.unchanged += 1
            if whole and existing is not None and existing.id not in self.stood:
                self.notes.append(f"{self._label(bookings[0]).rsplit(' ', 1)[0]} is stood down.")

    def _differences(self, existing: UpwSession | None, b: Booking) -> list[FieldChange] | None:
        """None when the booking is new; else the fields that differ."""
        if existing is None:
            return None
        placement = self.placements.get((existing.id, b.person_id))
        if placement is None:
            return None
        fields = []
        if b.supervisor_id is not None and existing.supervisor_id != b.supervisor_id:
            fields.append(FieldChange("supervisor", existing.supervisor_id, b.supervisor_id))
        stored = self.attendance.get(placement.id)
        before = stored.outcome if stored else None
        after = b.outcome.value if b.outcome else before
        if after != before:
            fields.append(FieldChange("outcome", before, after))
        elif stored is not None and b.outcome is not None and b.outcome.credits_hours:
            start = b.start or existing.start_time
            end = b.end or existing.end_time
            if (stored.start_time, stored.end_time, stored.penalty_minutes) != (
                start,
                end,
                b.penalty,
            ):
                fields.append(FieldChange("times", _times(stored), f"{start:%H:%M}-{end:%H:%M}"))
        return fields

    # --- writing --------------------------------------------------------------------

    def write(self) -> None:
        for key, bookings in sorted(self.groups.items(), key=lambda i: (i[0][1], i[0][0])):
            row = self._session(key, bookings)
            whole = _whole_stand_down(bookings)
            stand_down = self._stand_down(row, whole) if whole else None
            for b in sorted(bookings, key=lambda x: x.row):
                self._booking(row, b, stand_down)
            if stand_down is not None:
                self.ctx.session.flush()
                lost = self.ctx.session.scalars(
                    select(UpwAttendance.lost_minutes).where(
                        UpwAttendance.stand_down_id == stand_down.id
                    )
                ).all()
                stand_down.people_affected, stand_down.person_minutes_lost = len(lost), sum(lost)
        self.ctx.session.flush()

    def _session(self, key: Key, bookings: list[Booking]) -> UpwSession:
        project = self.projects[key[0]]
        row = self.sessions.get(key)
        if row is None:
            row = UpwSession(
                project_id=project.id,
                day=key[1],
                start_time=project.start_time,
                end_time=project.end_time,
                places=max(project.places, len(bookings)),
                version=1,
            )
            self.ctx.session.add(row)
            self.sessions[key] = row
        given = bookings[0].supervisor_id
        if given is not None and row.supervisor_id != given:
            row.supervisor_id = given
            row.version = (row.version or 1) + 1
        self.ctx.session.flush()
        return row

    def _stand_down(self, row: UpwSession, whole: tuple[str, Notice]) -> UpwStandDown:
        found = self.stood.get(row.id)
        if found is not None:
            return found
        reason, notice = whole
        found = UpwStandDown(
            session_id=row.id,
            reason=StandDownReason(reason).value,
            notice=notice.value,
            planned=False,
            note=self.ctx.note,
            people_affected=0,
            person_minutes_lost=0,
            recorded_at=self.ctx.now,
            recorded_by=self.ctx.actor.user_id,
        )
        self.ctx.session.add(found)
        self.ctx.session.flush()
        self.stood[row.id] = found
        return found

    def _booking(self, row: UpwSession, b: Booking, stand_down: UpwStandDown | None) -> None:
        session = self.ctx.session
        placement = self.placements.get((row.id, b.person_id))
        if placement is None:
            placement = UpwPlacement(
                session_id=row.id,
                requirement_id=b.requirement_id,
                person_id=b.person_id,
                override_reason="",
                booked_at=self.ctx.now,
                booked_by=self.ctx.actor.user_id,
            )
            session.add(placement)
            session.flush()
            self.placements[(row.id, b.person_id)] = placement
        if b.outcome is None:
            return
        stored = self.attendance.get(placement.id)
        if stored is not None and not self._differs(row, b, stored):
            return
        attendance = stored or UpwAttendance(placement_id=placement.id)
        self._credit(row, b, placement, attendance, stand_down)
        if stored is None:
            session.add(attendance)
            self.attendance[placement.id] = attendance
        session.flush()

    def _differs(self, row: UpwSession, b: Booking, stored: UpwAttendance) -> bool:
        assert b.outcome is not None
        if stored.outcome != b.outcome.value:
            return True
        if not b.outcome.credits_hours:
            return False
        start, end = b.start or row.start_time, b.end or row.end_time
        return (stored.start_time, stored.end_time, stored.penalty_minutes) != (
            start,
            end,
            b.penalty,
        )

    def _credit(
        self,
        row: UpwSession,
        b: Booking,
        placement: UpwPlacement,
        attendance: UpwAttendance,
        stand_down: UpwStandDown | None,
    ) -> None:
        assert b.outcome is not None
        project = self.projects[row.project_id]
        record = next(
            r for r in load_requirements(self.ctx.session, b.person_id) if r.id == b.requirement_id
        )
        rules = pdu_rules(self.ctx.session, project.pdu_id, row.day)
        credits = credits_of(self.ctx.session, [record.id], leave_out=placement.id).get(
            record.id, []
        )
        hours = hours_of(record, credits, rules, date.max)
        start, end = b.start or row.start_time, b.end or row.end_time
        credit = credit_attendance(
            b.outcome,
            ProjectType(project.project_type),
            start,
            end,
            remaining_minutes=hours.remaining_minutes,
            ete_left_minutes=hours.ete_left_minutes,
            penalty_minutes=b.penalty,
            travel_cap_each_way=rules.settings.upw_travel_credit_minutes_each_way,
        )
        attended = b.outcome.credits_hours
        length = minutes_between(row.start_time, row.end_time)
        stood = stand_down is not None or b.reason is not None
        values: dict[str, Any] = {
            "outcome": b.outcome.value,
            "start_time": start if attended else None,
            "end_time": end if attended else None,
            "penalty_minutes": b.penalty if attended else 0,
            "travel_out_minutes": 0,
            "travel_back_minutes": 0,
            "work_minutes": credit.work_minutes,
            "travel_minutes": 0,
            "ete_minutes": credit.ete_minutes,
            "lost_minutes": person_minutes_lost(b.outcome, length, credit.work_minutes)
            if stood
            else 0,
            "stand_down_id": stand_down.id if stand_down is not None else None,
            "sent_away_reason": b.reason if stand_down is None else None,
            "notice_due": practitioner_notice_due(
                b.outcome, row.day, rules.calendar, rules.settings
            ),
            "note": self.ctx.note,
            "recorded_at": self.ctx.now,
            "recorded_by": self.ctx.actor.user_id,
        }
        for name, value in values.items():
            setattr(attendance, name, value)


def _times(stored: UpwAttendance) -> str:
    if stored.start_time is None or stored.end_time is None:
        return ""
    return f"{stored.start_time:%H:%M}-{stored.end_time:%H:%M}"


def _said(b: Booking) -> str:
    return f"booked, {b.outcome.label.lower()}" if b.outcome else "booked"
