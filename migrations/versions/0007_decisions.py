"""decisions ticked off as entered in NDelius

Revision ID: 0007_decisions
Revises: 0002_hardening

NDelius stays the record of the sentence: the allocations, reallocations and
review outcomes decided here are listed for entering there, and each one
ticked off is kept here with the day and who entered it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_decisions"
down_revision = "0002_hardening"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ndelius_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["entered_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "record_id"),
    )


def downgrade() -> None:
    op.drop_table("ndelius_entry")
