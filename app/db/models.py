"""The tables of the store (SQLAlchemy 2 typed models).

Coded values (grades, sentence types, RoSH...) are stored as the string codes of
``app.domain.codes``, not as database enums, so that a new code never needs a
table rebuild. Dates are calendar dates; timestamps are UTC.
"""

from __future__ import annotations

from datetime import date, datetime

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
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Base of every table."""


# --- Organisation -------------------------------------------------------------


class Region(Base):
    """One of the 12 probation regions (TOM Annex C)."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class Pdu(Base):
    """A Probation Delivery Unit, numbered 1-108 in TOM Annex C."""

    __tablename__ = "pdu"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    areas: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Team(Base):
    """A case management team of a PDU, led by one SPO."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("pdu_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pdu_id: Mapped[int] = mapped_column(ForeignKey("pdu.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(40))
    spo_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", use_alter=True, name="fk_team_spo")
    )
    version: Mapped[int] = mapped_column(Integer, default=1)


class Pod(Base):
    """A POD: a few practitioners and a case administrator inside a team."""

    __tablename__ = "pod"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)


class Staff(Base):
    """A member of staff: practitioners, SPOs, admin, VLOs, UPW staff."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_code: Mapped[str] = mapped_column(String(20), unique=True)
    forename: Mapped[str] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100))
    grade: Mapped[str] = mapped_column(String(20))
    gender: Mapped[str | None] = mapped_column(String(1))
    contracted_hours: Mapped[float] = mapped_column(Float, default=37.0)
    pdu_id: Mapped[int] = mapped_column(ForeignKey("pdu.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    pod_id: Mapped[int | None] = mapped_column(ForeignKey("pod.id"), index=True)
    specialisms: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    leave_date: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Reduction(Base):
    """Hours a week taken off a practitioner's capacity over a date range.

    An absence is a reduction of all contracted hours (DOMAIN.md 4a).
    """

    __tablename__ = "reduction"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    hours_per_week: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    is_absence: Mapped[bool] = mapped_column(Boolean, default=False)


# --- Cases ----------------------------------------------------------------------


class Person(Base):
    """A person on probation: one case of a PDU, identified by CRN."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    crn: Mapped[str] = mapped_column(String(7), unique=True)
    forename: Mapped[str] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(1))
    pdu_id: Mapped[int] = mapped_column(ForeignKey("pdu.id"), index=True)
    female_practitioner_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    ended_on: Mapped[date | None] = mapped_column(Date)
    # Optimistic locking: allocation and edits check and bump it (SPEC.md 9).
    version: Mapped[int] = mapped_column(Integer, default=1)


class Event(Base):
    """A sentence (NDelius event) of a person; the case follows its main event."""

    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("person_id", "sentence_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    sentence_type: Mapped[str] = mapped_column(String(20))
    sentence_date: Mapped[date] = mapped_column(Date)
    release_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    requirements: Mapped[str] = mapped_column(String(300), default="")
    upw_hours_ordered: Mapped[float | None] = mapped_column(Float)
    upw_hours_completed: Mapped[float | None] = mapped_column(Float)
    upw_assessment_date: Mapped[date | None] = mapped_column(Date)
    upw_start_date: Mapped[date | None] = mapped_column(Date)
    upw_intensive: Mapped[bool] = mapped_column(Boolean, default=False)
    ended_on: Mapped[date | None] = mapped_column(Date)


class Assessment(Base):
    """A risk and needs assessment: the inputs of the tier (DOMAIN.md 3a)."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    assessment_date: Mapped[date | None] = mapped_column(Date)
    rosh: Mapped[str | None] = mapped_column(String(20))
    rsr_percent: Mapped[float | None] = mapped_column(Float)
    ogrs_percent: Mapped[int | None] = mapped_column(Integer)
    mappa_level: Mapped[int | None] = mapped_column(Integer)
    mappa_category: Mapped[int | None] = mapped_column(Integer)
    complexity_factors: Mapped[str] = mapped_column(String(400), default="")
    iom_nominal: Mapped[bool] = mapped_column(Boolean, default=False)
    parenting_responsibilities: Mapped[bool] = mapped_column(Boolean, default=False)
    impulsivity_or_temper_control: Mapped[bool] = mapped_column(Boolean, default=False)
    previous_enforcement: Mapped[bool] = mapped_column(Boolean, default=False)
    # JSON object: need name -> NO_NEED / STANDARD / SEVERE.
    needs: Mapped[str] = mapped_column(Text, default="{}")
    has_full_assessment: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


ASSESSMENT_FIELDS = (
    "assessment_date",
    "rosh",
    "rsr_percent",
    "ogrs_percent",
    "mappa_level",
    "mappa_category",
    "complexity_factors",
    "iom_nominal",
    "parenting_responsibilities",
    "impulsivity_or_temper_control",
    "previous_enforcement",
    "needs",
    "has_full_assessment",
)
"""What an assessment says, as opposed to its bookkeeping (id, person, when recorded)."""


class TierRecord(Base):
    """A tier given to a case, kept as history; the latest is the current tier."""

    __tablename__ = "tier_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    tier: Mapped[str | None] = mapped_column(String(3))
    protect: Mapped[str | None] = mapped_column(String(1))
    change: Mapped[int | None] = mapped_column(Integer)
    protect_points: Mapped[int | None] = mapped_column(Integer)
    change_points: Mapped[int | None] = mapped_column(Integer)
    unsupervised: Mapped[bool] = mapped_column(Boolean, default=False)
    model: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(20))  # computed | imported
    explanation: Mapped[str] = mapped_column(Text, default="")
    effective_date: Mapped[date] = mapped_column(Date)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class Allocation(Base):
    """A case held by a practitioner from one date to another."""

    __tablename__ = "allocation"
    __table_args__ = (
        Index("ix_allocation_staff_open", "staff_id", "end_date"),
        # One practitioner at a time: at most one open allocation per case, whatever races.
        Index(
            "ux_allocation_one_open",
            "person_id",
            unique=True,
            sqlite_where=text("end_date IS NULL"),
            postgresql_where=text("end_date IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    allocated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reason: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    outside_policy: Mapped[bool] = mapped_column(Boolean, default=False)
    policy_reason: Mapped[str] = mapped_column(Text, default="")
    # A practitioner who could not take the case then (absent, leaving, over
    # the flagged capacity): what the desk said, and the SPO's reason (issue 16).
    safeguard_warning: Mapped[str] = mapped_column(Text, default="", server_default="")
    safeguard_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    # Undone straight after, as a mistake: kept for the record, counted in no figure.
    corrected_at: Mapped[datetime | None] = mapped_column(DateTime)
    corrected_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ProposalHold(Base):
    """A case in an SPO's open batch proposal, so no one else proposes it too (issue 23).

    Nothing is allocated by a hold; it lapses after a few hours (a setting) or
    when the SPO accepts the line or closes the proposal.
    """

    __tablename__ = "proposal_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    pdu_id: Mapped[int] = mapped_column(ForeignKey("pdu.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime)


class ReviewItem(Base):
    """Something an SPO must look at: a tier rise, a case outside its grade."""

    __tablename__ = "review_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    raised_on: Mapped[date] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    resolution: Mapped[str] = mapped_column(Text, default="")
    # The allocation that answered it, so undoing that allocation reopens it.
    closed_by_allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocation.id"))


class NdeliusEntry(Base):
    """A decision made here marked as entered in NDelius, which stays the record (SPEC.md 5).

    ``kind`` is ``allocation`` (an allocation or reallocation) or ``review`` (a
    review closed without moving the case); ``record_id`` is that row's id.
    """

    __tablename__ = "ndelius_entry"
    __table_args__ = (UniqueConstraint("kind", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    entered_on: Mapped[date] = mapped_column(Date)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


# --- The caseload read model ---------------------------------------------------


class CaseloadRow(Base):
    """One flattened, indexed row per case, kept up to date by the services.

    The caseload screen filters and sorts 250,000 cases in SQL; joins across
    person, event, tier and allocation are too slow for that (STYLE.md).
    """

    __tablename__ = "caseload_row"
    __table_args__ = (
        Index("ix_caseload_pdu_crn", "pdu_id", "crn"),
        Index("ix_caseload_pdu_name", "pdu_id", "name_key", "crn"),
        Index("ix_caseload_pdu_tier", "pdu_id", "tier_rank"),
        Index("ix_caseload_pdu_rosh", "pdu_id", "rosh_rank"),
        # Covers the count of active cases (sentenced by, not ended before, a date).
        Index("ix_caseload_pdu_sentence", "pdu_id", "sentence_date", "end_date"),
        Index("ix_caseload_pdu_type", "pdu_id", "sentence_type"),
        Index("ix_caseload_pdu_practitioner", "pdu_id", "practitioner_key"),
        Index("ix_caseload_pdu_team", "pdu_id", "team_id"),
        Index("ix_caseload_pdu_pod", "pdu_id", "pod_id"),
        # Each sort of the caseload reads its first page in order (issue 21), CRN the tiebreak.
        Index("ix_caseload_pdu_team_name", "pdu_id", "team_name", "crn"),
        Index("ix_caseload_pdu_pod_name", "pdu_id", "pod_name", "crn"),
        Index("ix_caseload_pdu_end", "pdu_id", "end_date", "crn"),
        Index("ix_caseload_pdu_clock", "pdu_id", "clock_start", "crn"),
        Index("ix_caseload_pdu_allocated", "pdu_id", "allocated_on", "crn"),
        Index("ix_caseload_staff", "staff_id"),
        # Covers the count of unallocated active cases.
        Index("ix_caseload_pdu_unallocated", "pdu_id", "unallocated", "sentence_date", "end_date"),
    )

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    pdu_id: Mapped[int] = mapped_column(Integer)
    crn: Mapped[str] = mapped_column(String(7))
    forename: Mapped[str] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(210))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(1))
    sentence_type: Mapped[str] = mapped_column(String(20))
    sentence_date: Mapped[date] = mapped_column(Date)
    release_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    clock_start: Mapped[date] = mapped_column(Date)
    requirements: Mapped[str] = mapped_column(String(300), default="")
    tier: Mapped[str | None] = mapped_column(String(3))
    tier_rank: Mapped[int] = mapped_column(Integer, default=0)
    rosh: Mapped[str | None] = mapped_column(String(20))
    rosh_rank: Mapped[int] = mapped_column(Integer, default=0)
    rsr_percent: Mapped[float | None] = mapped_column(Float)
    ogrs_percent: Mapped[int | None] = mapped_column(Integer)
    mappa_level: Mapped[int | None] = mapped_column(Integer)
    staff_id: Mapped[int | None] = mapped_column(Integer)
    practitioner_name: Mapped[str] = mapped_column(String(210), default="")
    practitioner_key: Mapped[str] = mapped_column(String(210), default="")
    practitioner_grade: Mapped[str | None] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(Integer)
    team_name: Mapped[str] = mapped_column(String(200), default="")
    pod_id: Mapped[int | None] = mapped_column(Integer)
    pod_name: Mapped[str] = mapped_column(String(200), default="")
    allocated_on: Mapped[date | None] = mapped_column(Date)
    unallocated: Mapped[bool] = mapped_column(Boolean, default=True)
    female_practitioner_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    upw_hours_ordered: Mapped[float | None] = mapped_column(Float)
    upw_hours_completed: Mapped[float | None] = mapped_column(Float)
    open_reviews: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)


# --- Settings, users, audit -----------------------------------------------------


class Setting(Base):
    """A business setting's value from a date on (DOMAIN.md: every policy number)."""

    __tablename__ = "setting"
    __table_args__ = (UniqueConstraint("key", "effective_from", "pdu_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    pdu_id: Mapped[int | None] = mapped_column(ForeignKey("pdu.id"))
    effective_from: Mapped[date] = mapped_column(Date)
    value: Mapped[str] = mapped_column(Text)  # JSON


class AppUser(Base):
    """A person who signs in to the app (SPEC.md 1), or the command line's system account.

    Roles and scope (the PDUs and teams a user covers) are rows of their own, so
    a user can hold several. A disabled account keeps its history: it is never
    deleted, only made inactive.
    """

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    password_hash: Mapped[str | None] = mapped_column(String(200), info={"sensitive": True})
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Optimistic locking of edits in Administration (SPEC.md 9).
    version: Mapped[int] = mapped_column(Integer, default=1)


class UserRole(Base):
    """One role a user holds (SPEC.md 1): a user may hold several."""

    __tablename__ = "app_user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class UserPdu(Base):
    """A PDU a user covers: they see and work its records."""

    __tablename__ = "app_user_pdu"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    pdu_id: Mapped[int] = mapped_column(ForeignKey("pdu.id"), primary_key=True)


class UserTeam(Base):
    """A team a user covers: an SPO allocates within the teams they lead."""

    __tablename__ = "app_user_team"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), primary_key=True)


class AuditEntry(Base):
    """One change, append-only, chained by hash so a rewrite is detectable."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    username: Mapped[str] = mapped_column(String(80))
    os_login: Mapped[str] = mapped_column(String(80), default="")
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON before/after
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # 1: the first way of hashing (no id, no user_id); 2: every column below.
    hash_version: Mapped[int] = mapped_column(Integer, default=2, server_default="1")
    # The database login and the server's time of writing (a trigger fills them on PostgreSQL).
    db_user: Mapped[str] = mapped_column(String(80), default="", server_default="")
    db_time: Mapped[datetime | None] = mapped_column(DateTime)


class StoreIdentity(Base):
    """The store's random id, written once: the key of the witness files of its audit chain."""

    __tablename__ = "store_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


# The unpaid work tables live in their own module; importing it here puts them in
# Base.metadata wherever the models are loaded (Alembic, the store, the tests).
from app.db import upw_models as upw_models  # noqa: E402

# The victim liaison tables live in their own module; importing it here puts them in
# Base.metadata wherever the models are loaded (migrations, the store, the tests).
from app.db import victim_models as victim_models  # noqa: E402

# --- Weekly returns ---------------------------------------------------------------


class WeeklyReturn(Base):
    """One version of a PDU's weekly return: its stored figures and who did what with it.

    The figures are the return's JSON exactly as built (SPEC.md 6), so a past
    week exported again is reproduced byte for byte. A correction is a new
    version of the same week; a signed-off version is frozen.
    """

    __tablename__ = "weekly_return"
    __table_args__ = (UniqueConstraint("pdu_id", "week_ending", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pdu_id: Mapped[int] = mapped_column(ForeignKey("pdu.id"), index=True)
    week_ending: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    figures: Mapped[str] = mapped_column(Text)  # the JSON, as built
    rules_version: Mapped[str] = mapped_column(String(40))
    settings: Mapped[str] = mapped_column(Text, default="{}")  # JSON: the settings in force
    audit_head: Mapped[str] = mapped_column(String(64))
    built_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    built_by_name: Mapped[str] = mapped_column(String(200))
    built_at: Mapped[datetime] = mapped_column(DateTime)
    correction_reason: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[str] = mapped_column(Text, default="[]")  # JSON: what differs from before
    exported_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    exported_by_name: Mapped[str] = mapped_column(String(200), default="")
    exported_at: Mapped[datetime | None] = mapped_column(DateTime)
    exports: Mapped[int] = mapped_column(Integer, default=0)
    signed_off_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    signed_off_by_name: Mapped[str] = mapped_column(String(200), default="")
    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime)
