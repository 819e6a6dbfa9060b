"""users: several roles and a scope of PDUs and teams per user; forced password change

Revision ID: 0003_users
Revises: 0002_hardening

Each user's one role and one PDU move into ``app_user_role`` and
``app_user_pdu``; the columns they came from are dropped. Accounts made before
sign-in existed have no password and cannot sign in: the first start asks for
the Head of PDU account (SPEC.md 1).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_users"
down_revision = "0002_hardening"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("user_id", "role"),
    )
    op.create_table(
        "app_user_pdu",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("pdu_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["pdu_id"], ["pdu.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("user_id", "pdu_id"),
    )
    op.create_table(
        "app_user_team",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("user_id", "team_id"),
    )
    op.execute("INSERT INTO app_user_role (user_id, role) SELECT id, role FROM app_user")
    op.execute(
        "INSERT INTO app_user_pdu (user_id, pdu_id) "
        "SELECT id, pdu_id FROM app_user WHERE pdu_id IS NOT NULL"
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.drop_column("role")
        batch_op.drop_column("pdu_id")


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pdu_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("role", sa.String(length=20), nullable=False, server_default="HEAD_OF_PDU")
        )
        batch_op.create_foreign_key("fk_app_user_pdu", "pdu", ["pdu_id"], ["id"])
        batch_op.drop_column("version")
        batch_op.drop_column("must_change_password")
    op.execute(
        "UPDATE app_user SET role = (SELECT min(role) FROM app_user_role "
        "WHERE app_user_role.user_id = app_user.id), pdu_id = (SELECT min(pdu_id) "
        "FROM app_user_pdu WHERE app_user_pdu.user_id = app_user.id)"
    )
    op.drop_table("app_user_team")
    op.drop_table("app_user_pdu")
    op.drop_table("app_user_role")
