"""allocation safeguards overridden, with the SPO's reason (issue 16)

Revision ID: 0002_allocation_desk
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_allocation_desk"
down_revision = "0001_initial"
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


def downgrade() -> None:
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_column("safeguard_reason")
        batch_op.drop_column("safeguard_warning")
