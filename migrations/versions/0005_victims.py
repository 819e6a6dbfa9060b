"""victims: VCS cases, victims (details sealed), tasks, contacts, key stages; the seal's keys

Revision ID: 0005_victims
Revises: 0003_users

Victims' names, contact details and notes are stored only as AES-GCM
ciphertext under the data key; the data key only sealed to users' X25519
public keys and a recovery key; users' private keys only wrapped under a key
derived from their password (issue 19).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_victims"
down_revision = "0004_unpaid_work"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "user_key",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("wrapped_private", sa.LargeBinary(), nullable=False),
        sa.Column("kdf_salt", sa.LargeBinary(), nullable=False),
        sa.Column("kdf_time_cost", sa.Integer(), nullable=False),
        sa.Column("kdf_memory_kib", sa.Integer(), nullable=False),
        sa.Column("kdf_lanes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "vcs_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vcs_case_ref", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("pdu_id", sa.Integer(), nullable=False),
        sa.Column("eligibility", sa.String(length=30), nullable=False),
        sa.Column("sentence_kind", sa.String(length=20), nullable=True),
        sa.Column("listed_offence", sa.Boolean(), nullable=False),
        sa.Column("referral_date", sa.Date(), nullable=False),
        sa.Column("vlo_user_id", sa.Integer(), nullable=True),
        sa.Column("opted_in_date", sa.Date(), nullable=True),
        sa.Column("opted_out_date", sa.Date(), nullable=True),
        sa.Column("first_offer_date", sa.Date(), nullable=True),
        sa.Column("parole_review_date", sa.Date(), nullable=True),
        sa.Column("expected_release_date", sa.Date(), nullable=True),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.Column("licence_end_date", sa.Date(), nullable=True),
        sa.Column("sentence_end_date", sa.Date(), nullable=True),
        sa.Column("security_category", sa.String(length=20), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("erased_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
        ),
        sa.ForeignKeyConstraint(
            ["pdu_id"],
            ["pdu.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["vlo_user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vcs_case_ref"),
    )
    op.create_index(op.f("ix_vcs_case_closed_on"), "vcs_case", ["closed_on"], unique=False)
    op.create_index(op.f("ix_vcs_case_pdu_id"), "vcs_case", ["pdu_id"], unique=False)
    op.create_index(op.f("ix_vcs_case_person_id"), "vcs_case", ["person_id"], unique=False)
    op.create_index(op.f("ix_vcs_case_vlo_user_id"), "vcs_case", ["vlo_user_id"], unique=False)
    op.create_table(
        "data_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("recovery_key_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.Column("rekey_due", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recovery_key_id"],
            ["recovery_key.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("generation"),
    )
    op.create_table(
        "vcs_key_stage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vcs_case_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=30), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vcs_case_id"],
            ["vcs_case.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vcs_case_id", "stage", "on_date"),
    )
    op.create_index(
        op.f("ix_vcs_key_stage_vcs_case_id"), "vcs_key_stage", ["vcs_case_id"], unique=False
    )
    op.create_table(
        "victim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vcs_case_id", sa.Integer(), nullable=False),
        sa.Column("relationship", sa.String(length=30), nullable=False),
        sa.Column("preferred_contact", sa.String(length=10), nullable=True),
        sa.Column("opted_in_date", sa.Date(), nullable=True),
        sa.Column("opted_out_date", sa.Date(), nullable=True),
        sa.Column("first_offer_date", sa.Date(), nullable=True),
        sa.Column("name_enc", sa.LargeBinary(), nullable=True),
        sa.Column("address_enc", sa.LargeBinary(), nullable=True),
        sa.Column("postcode_enc", sa.LargeBinary(), nullable=True),
        sa.Column("phone_enc", sa.LargeBinary(), nullable=True),
        sa.Column("email_enc", sa.LargeBinary(), nullable=True),
        sa.Column("notes_enc", sa.LargeBinary(), nullable=True),
        sa.Column("erased_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vcs_case_id"],
            ["vcs_case.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_victim_vcs_case_id"), "victim", ["vcs_case_id"], unique=False)
    op.create_table(
        "sealed_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data_key_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_key_id"],
            ["data_key.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("data_key_id", "user_id"),
    )
    op.create_index(op.f("ix_sealed_key_data_key_id"), "sealed_key", ["data_key_id"], unique=False)
    op.create_table(
        "victim_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vcs_case_id", sa.Integer(), nullable=False),
        sa.Column("victim_id", sa.Integer(), nullable=True),
        sa.Column("task_type", sa.String(length=40), nullable=False),
        sa.Column("task_key", sa.String(length=120), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("completed_by", sa.Integer(), nullable=True),
        sa.Column("cancelled_reason", sa.Text(), nullable=True),
        sa.Column("note_enc", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["completed_by"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["vcs_case_id"],
            ["vcs_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victim.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_victim_task_open", "victim_task", ["status", "due_date"], unique=False)
    op.create_index(
        op.f("ix_victim_task_vcs_case_id"), "victim_task", ["vcs_case_id"], unique=False
    )
    op.create_index(op.f("ix_victim_task_victim_id"), "victim_task", ["victim_id"], unique=False)
    op.create_table(
        "victim_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vcs_case_id", sa.Integer(), nullable=False),
        sa.Column("victim_id", sa.Integer(), nullable=True),
        sa.Column("contact_date", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("note_enc", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["victim_task.id"],
        ),
        sa.ForeignKeyConstraint(
            ["vcs_case_id"],
            ["vcs_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victim.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_victim_contact_vcs_case_id"), "victim_contact", ["vcs_case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_victim_contact_vcs_case_id"), table_name="victim_contact")
    op.drop_table("victim_contact")
    op.drop_index(op.f("ix_victim_task_victim_id"), table_name="victim_task")
    op.drop_index(op.f("ix_victim_task_vcs_case_id"), table_name="victim_task")
    op.drop_index("ix_victim_task_open", table_name="victim_task")
    op.drop_table("victim_task")
    op.drop_index(op.f("ix_sealed_key_data_key_id"), table_name="sealed_key")
    op.drop_table("sealed_key")
    op.drop_index(op.f("ix_victim_vcs_case_id"), table_name="victim")
    op.drop_table("victim")
    op.drop_index(op.f("ix_vcs_key_stage_vcs_case_id"), table_name="vcs_key_stage")
    op.drop_table("vcs_key_stage")
    op.drop_table("data_key")
    op.drop_index(op.f("ix_vcs_case_vlo_user_id"), table_name="vcs_case")
    op.drop_index(op.f("ix_vcs_case_person_id"), table_name="vcs_case")
    op.drop_index(op.f("ix_vcs_case_pdu_id"), table_name="vcs_case")
    op.drop_index(op.f("ix_vcs_case_closed_on"), table_name="vcs_case")
    op.drop_table("vcs_case")
    op.drop_table("user_key")
    op.drop_table("recovery_key")
