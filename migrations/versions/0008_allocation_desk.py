"""allocation safeguards overridden with the SPO's reason (issue 16); proposal holds (issue 23)

Revision ID: 0008_allocation_desk
Revises: 0007_decisions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_allocation_desk"
down_revision = "0007_decisions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("safeguard_warning", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("safeguard_reason", sa.Text(), nullable=False, server_default="")
        )
    op.create_table(
        "proposal_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("pdu_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["pdu_id"], ["pdu.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id"),
    )
    with op.batch_alter_table("proposal_hold", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_hold_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_hold_pdu_id"), ["pdu_id"], unique=False)


def downgrade() -> None:
    op.drop_table("proposal_hold")
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_column("safeguard_reason")
        batch_op.drop_column("safeguard_warning")
