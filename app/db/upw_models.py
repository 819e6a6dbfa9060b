"""The unpaid work tables: requirements, projects, sessions, placements, attendance, stand-downs.

Durations are whole minutes (NDelius counts unpaid work in minutes); coded
values are the string codes of :mod:`app.domain.unpaid_work`. A session is
one project on one date; a placement is one person booked onto a session;
its attendance (one at most) is the outcome recorded for it. A stand-down
cancels a whole session for everyone booked (DOMAIN.md 5).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base


class UpwRequirement(Base):
    """One unpaid work requirement of a sentence: the app's record of it.

    Hours ordered and the extract's hours completed come from the caseload
    extract (kept with the day they were imported: "hours from two sources",
    issue 18); the dates recorded here win over the extract's. A woman's
    consent to an all-male group, completion, termination and a court's
    extension of the 12 months are recorded here.
    """

    __tablename__ = "upw_requirement"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    ordered_minutes: Mapped[int] = mapped_column(Integer)
    extract_completed_minutes: Mapped[int | None] = mapped_column(Integer)
    extract_on: Mapped[date | None] = mapped_column(Date)
    intensive: Mapped[bool] = mapped_column(Boolean, default=False)
    # None: the PDU's ETE allowance (a setting); a number: this requirement's own.
    ete_share_percent: Mapped[float | None] = mapped_column(Float)
    assessed_on: Mapped[date | None] = mapped_column(Date)
    induction_on: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    first_review_on: Mapped[date | None] = mapped_column(Date)
    second_review_on: Mapped[date | None] = mapped_column(Date)
    all_male_group_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_recorded_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    terminated_on: Mapped[date | None] = mapped_column(Date)
    extended_to: Mapped[date | None] = mapped_column(Date)
    extension_ordered_on: Mapped[date | None] = mapped_column(Date)
    extension_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)


class UpwProject(Base):
    """A placement where unpaid work is done: group, individual, ETE or induction."""

    __tablename__ = "upw_project"
    __table_args__ = (UniqueConstraint("pdu_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pdu_id: Mapped[int] = mapped_column(ForeignKey("pdu.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    project_type: Mapped[str] = mapped_column(String(20))
    beneficiary: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    places: Mapped[int] = mapped_column(Integer)
    women_only: Mapped[bool] = mapped_column(Boolean, default=False)
    high_rosh_suitable: Mapped[bool] = mapped_column(Boolean, default=False)
    # Days it runs: weekday numbers, Monday 0 to Sunday 6, e.g. "5,6".
    days: Mapped[str] = mapped_column(String(20), default="")
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class UpwSession(Base):
    """One project on one date, with its times, one supervisor and a number of places."""

    __tablename__ = "upw_session"
    __table_args__ = (
        UniqueConstraint("project_id", "day"),
        Index("ix_upw_session_day", "day", "project_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("upw_project.id"))
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    places: Mapped[int] = mapped_column(Integer)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    # Optimistic locking: two people recording one session (SPEC.md 9).
    version: Mapped[int] = mapped_column(Integer, default=1)


class UpwPlacement(Base):
    """A person booked onto a session; a rebooking names the booking it replaces."""

    __tablename__ = "upw_placement"
    __table_args__ = (
        UniqueConstraint("session_id", "person_id"),
        Index("ix_upw_placement_person", "person_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("upw_session.id"))
    requirement_id: Mapped[int] = mapped_column(ForeignKey("upw_requirement.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    rebooked_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("upw_placement.id"), unique=True
    )
    # The reason recorded when the booking broke a rule that asks for one.
    override_reason: Mapped[str] = mapped_column(Text, default="")
    booked_at: Mapped[datetime] = mapped_column(DateTime)
    booked_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class UpwAttendance(Base):
    """The outcome of one booking (DOMAIN.md 5 codes) and what it credited.

    ``work_minutes`` includes ``ete_minutes``; ``travel_minutes`` is credited
    on top. ``lost_minutes`` are the person-minutes a stand-down cost.
    ``notice_due``: when the practitioner must be told of an enforceable
    outcome (one business day).
    """

    __tablename__ = "upw_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("upw_placement.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(4))
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    penalty_minutes: Mapped[int] = mapped_column(Integer, default=0)
    travel_out_minutes: Mapped[int] = mapped_column(Integer, default=0)
    travel_back_minutes: Mapped[int] = mapped_column(Integer, default=0)
    work_minutes: Mapped[int] = mapped_column(Integer, default=0)
    travel_minutes: Mapped[int] = mapped_column(Integer, default=0)
    ete_minutes: Mapped[int] = mapped_column(Integer, default=0)
    lost_minutes: Mapped[int] = mapped_column(Integer, default=0)
    stand_down_id: Mapped[int | None] = mapped_column(ForeignKey("upw_stand_down.id"), index=True)
    # One person sent away alone (not a stand-down of the session): the reason.
    sent_away_reason: Mapped[str | None] = mapped_column(String(30))
    notice_due: Mapped[date | None] = mapped_column(Date)
    notified_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class UpwStandDown(Base):
    """A session cancelled by the service for everyone booked, with its reason and notice.

    ``planned``: entered ahead for a known closure (a bank holiday, a site
    shut). ``sent_home_at``: on the day, when people were sent home.
    """

    __tablename__ = "upw_stand_down"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("upw_session.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(30))
    notice: Mapped[str] = mapped_column(String(12))
    planned: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    sent_home_at: Mapped[time | None] = mapped_column(Time)
    people_affected: Mapped[int] = mapped_column(Integer, default=0)
    person_minutes_lost: Mapped[int] = mapped_column(Integer, default=0)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
