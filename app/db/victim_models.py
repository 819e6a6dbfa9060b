"""The tables of victim liaison: VCS cases, victims, tasks, contacts and the sealing keys.

Victims' names, contact details and every note are stored only as ciphertext
(``LargeBinary`` columns ending ``_enc``): AES-GCM under the database's data
key, each value carrying its key id and bound to its table, column and row.
Everything the task engine, the command line and the weekly return need is
in clear: eligibility, dates, opt-in and opt-out, relationship, contact
preference kinds and tasks (issue 19). Encrypted columns are marked
``info={"sensitive": True}`` so audit entries name them, never their values.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base

SENSITIVE = {"sensitive": True}


def _secret() -> Mapped[bytes | None]:
    return mapped_column(LargeBinary, info=SENSITIVE)


class VcsCase(Base):
    """A Victim Contact Scheme case: a person on probation's sentence, its VLO, its dates."""

    __tablename__ = "vcs_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    vcs_case_ref: Mapped[str] = mapped_column(String(40), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"))
    pdu_id: Mapped[int] = mapped_column(ForeignKey("pdu.id"), index=True)
    eligibility: Mapped[str] = mapped_column(String(30))
    sentence_kind: Mapped[str | None] = mapped_column(String(20))
    listed_offence: Mapped[bool] = mapped_column(Boolean, default=False)
    referral_date: Mapped[date] = mapped_column(Date)
    vlo_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    # The case's own contact dates, from an import before any victim is entered.
    opted_in_date: Mapped[date | None] = mapped_column(Date)
    opted_out_date: Mapped[date | None] = mapped_column(Date)
    first_offer_date: Mapped[date | None] = mapped_column(Date)
    parole_review_date: Mapped[date | None] = mapped_column(Date)
    expected_release_date: Mapped[date | None] = mapped_column(Date)
    released_on: Mapped[date | None] = mapped_column(Date)
    licence_end_date: Mapped[date | None] = mapped_column(Date)
    sentence_end_date: Mapped[date | None] = mapped_column(Date)
    security_category: Mapped[str | None] = mapped_column(String(20))
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    # When the victims' details were erased after closure (counts kept).
    erased_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Optimistic locking: two VLOs editing one case (SPEC.md 9).
    version: Mapped[int] = mapped_column(Integer, default=1)


class Victim(Base):
    """A victim (or bereaved relative, or parent or carer) of a VCS case."""

    __tablename__ = "victim"

    id: Mapped[int] = mapped_column(primary_key=True)
    vcs_case_id: Mapped[int] = mapped_column(ForeignKey("vcs_case.id"), index=True)
    relationship: Mapped[str] = mapped_column(String(30))
    preferred_contact: Mapped[str | None] = mapped_column(String(10))
    opted_in_date: Mapped[date | None] = mapped_column(Date)
    opted_out_date: Mapped[date | None] = mapped_column(Date)
    first_offer_date: Mapped[date | None] = mapped_column(Date)
    name_enc: Mapped[bytes | None] = _secret()
    address_enc: Mapped[bytes | None] = _secret()
    postcode_enc: Mapped[bytes | None] = _secret()
    phone_enc: Mapped[bytes | None] = _secret()
    email_enc: Mapped[bytes | None] = _secret()
    notes_enc: Mapped[bytes | None] = _secret()
    erased_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)


class VictimTask(Base):
    """A VLO's task with its due date (DOMAIN.md 6); completed tasks stay as history."""

    __tablename__ = "victim_task"
    __table_args__ = (Index("ix_victim_task_open", "status", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vcs_case_id: Mapped[int] = mapped_column(ForeignKey("vcs_case.id"), index=True)
    victim_id: Mapped[int | None] = mapped_column(ForeignKey("victim.id"), index=True)
    task_type: Mapped[str] = mapped_column(String(40))
    # What a generated task is for (app.domain.victims_tasks.task_key); None: added by hand.
    task_key: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="OPEN")
    outcome: Mapped[str | None] = mapped_column(String(20))
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    cancelled_reason: Mapped[str | None] = mapped_column(Text)
    note_enc: Mapped[bytes | None] = _secret()
    created_at: Mapped[datetime] = mapped_column(DateTime)


class VictimContact(Base):
    """A contact with a victim (a letter, a call, a visit): the case's timeline."""

    __tablename__ = "victim_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    vcs_case_id: Mapped[int] = mapped_column(ForeignKey("vcs_case.id"), index=True)
    victim_id: Mapped[int | None] = mapped_column(ForeignKey("victim.id"))
    contact_date: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(10))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("victim_task.id"))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note_enc: Mapped[bytes | None] = _secret()


class VcsKeyStage(Base):
    """A key stage of the sentence the victims are told of (open conditions, HDC...)."""

    __tablename__ = "vcs_key_stage"
    __table_args__ = (UniqueConstraint("vcs_case_id", "stage", "on_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vcs_case_id: Mapped[int] = mapped_column(ForeignKey("vcs_case.id"), index=True)
    stage: Mapped[str] = mapped_column(String(30))
    on_date: Mapped[date] = mapped_column(Date)


# --- the seal --------------------------------------------------------------------------


class UserKey(Base):
    """A user's X25519 key pair; the private half only wrapped under their password.

    The wrapping key is derived with Argon2id from the password, with a salt
    and a label of its own (never the stored password hash, never stored).
    """

    __tablename__ = "user_key"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_private: Mapped[bytes] = mapped_column(LargeBinary, info=SENSITIVE)
    kdf_salt: Mapped[bytes] = mapped_column(LargeBinary)
    kdf_time_cost: Mapped[int] = mapped_column(Integer)
    kdf_memory_kib: Mapped[int] = mapped_column(Integer)
    kdf_lanes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class RecoveryKey(Base):
    """The recovery public key; its private half was shown once to the Head of PDU."""

    __tablename__ = "recovery_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class DataKey(Base):
    """The database's data key (its id only: the key itself is only ever sealed).

    ``generation`` is unique, so the first key is created once even when two
    Heads grant the VLO role at once, and two re-keys cannot both win.
    """

    __tablename__ = "data_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, unique=True)
    recovery_key_id: Mapped[int] = mapped_column(ForeignKey("recovery_key.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Someone lost their entitlement while no entitled user held the key open.
    rekey_due: Mapped[bool] = mapped_column(Boolean, default=False)


class SealedKey(Base):
    """The data key sealed to one user's public key, or to the recovery key (user None)."""

    __tablename__ = "sealed_key"
    __table_args__ = (UniqueConstraint("data_key_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    data_key_id: Mapped[int] = mapped_column(ForeignKey("data_key.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    sealed: Mapped[bytes] = mapped_column(LargeBinary, info=SENSITIVE)
    created_at: Mapped[datetime] = mapped_column(DateTime)
