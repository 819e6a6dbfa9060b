"""weekly returns: each version's stored figures and who built, exported and signed it off

Revision ID: 0006_returns
Revises: 0008_allocation_desk
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_returns"
down_revision = "0005_victims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "weekly_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pdu_id", sa.Integer(), nullable=False),
        sa.Column("week_ending", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("rules_version", sa.String(length=40), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("audit_head", sa.String(length=64), nullable=False),
        sa.Column("built_by", sa.Integer(), nullable=True),
        sa.Column("built_by_name", sa.String(length=200), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("exported_by", sa.Integer(), nullable=True),
        sa.Column("exported_by_name", sa.String(length=200), nullable=False),
        sa.Column("exported_at", sa.DateTime(), nullable=True),
        sa.Column("exports", sa.Integer(), nullable=False),
        sa.Column("signed_off_by", sa.Integer(), nullable=True),
        sa.Column("signed_off_by_name", sa.String(length=200), nullable=False),
        sa.Column("signed_off_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["built_by"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["exported_by"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["pdu_id"], ["pdu.id"]),
        sa.ForeignKeyConstraint(["signed_off_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pdu_id", "week_ending", "version"),
    )
    with op.batch_alter_table("weekly_return", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_weekly_return_pdu_id"), ["pdu_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("weekly_return", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weekly_return_pdu_id"))
    op.drop_table("weekly_return")
