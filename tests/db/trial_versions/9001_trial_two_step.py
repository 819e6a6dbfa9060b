"""A two-step test migration: add a column and fill it, then rebuild a parent table.

Revision ID: 9001_trial_two_step
Revises: (the current head, set when the test builds its configuration)

Never shipped: the kill trials and the rebuilt-parent test run it. Rebuilding
``person`` (batch mode, a new table copied and renamed) would delete its
caseload rows through ``ON DELETE CASCADE`` if foreign keys were on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.db.migrate import SCHEMA_HEAD

revision = "9001_trial_two_step"
down_revision = SCHEMA_HEAD
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(
            sa.Column("nickname", sa.String(length=100), nullable=False, server_default="")
        )
    op.execute("UPDATE person SET nickname = forename")
    with op.batch_alter_table("person", recreate="always") as batch_op:
        batch_op.alter_column("nickname", existing_type=sa.String(length=100), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_column("nickname")
