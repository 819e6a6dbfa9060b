"""decisions ticked off as entered in NDelius; allocations undone as mistakes

Revision ID: 0007_decisions
Revises: 0002_hardening

NDelius stays the record of the sentence: the allocations, reallocations and
review outcomes decided here are listed for entering there, and each one
ticked off is kept here with the day and who entered it. An allocation
undone straight after, as a mistake, is kept and marked corrected (it counts
in no figure); a review an allocation answered names it, so undoing the
allocation reopens the review.
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
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrected_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("corrected_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_allocation_corrected_by", "app_user", ["corrected_by"], ["id"]
        )
    with op.batch_alter_table("review_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_by_allocation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_review_item_closed_by_allocation", "allocation", ["closed_by_allocation_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("review_item", schema=None) as batch_op:
        batch_op.drop_constraint("fk_review_item_closed_by_allocation", type_="foreignkey")
        batch_op.drop_column("closed_by_allocation_id")
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_constraint("fk_allocation_corrected_by", type_="foreignkey")
        batch_op.drop_column("corrected_by")
        batch_op.drop_column("corrected_at")
    op.drop_table("ndelius_entry")
