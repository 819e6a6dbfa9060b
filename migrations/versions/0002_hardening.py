"""audit entries hashed whole, a store id, guards that name what they guard

Revision ID: 0002_hardening
Revises: 0001_initial

Every audit entry gets a ``hash_version`` (entries hashed the old way keep 1
and still verify), the database login and the server's time of its writing
(``db_user``, ``db_time``: filled by a trigger on PostgreSQL). Each store gets
a random id, the key of the witness files that anchor its audit chain. On
PostgreSQL the audit log also refuses ``TRUNCATE`` (a row trigger never sees
one).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002_hardening"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hash_version", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(
            sa.Column("db_user", sa.String(length=80), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("db_time", sa.DateTime(), nullable=True))
    identity = op.create_table(
        "store_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("store_id"),
    )
    op.bulk_insert(
        identity,
        [
            {
                "id": 1,
                "store_id": uuid.uuid4().hex,
                "created_at": datetime.now(UTC).replace(tzinfo=None),
            }
        ],
    )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_guards()
    else:
        _postgresql_guards()


def _sqlite_guards() -> None:
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER store_identity_no_{verb.lower()} BEFORE {verb} ON store_identity "
            "BEGIN SELECT RAISE(ABORT, 'the store id never changes'); END"
        )


def _postgresql_guards() -> None:
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    )
    op.execute(
        "CREATE FUNCTION audit_log_fill() RETURNS trigger AS $$ "
        "BEGIN NEW.db_user := session_user; "
        "NEW.db_time := (now() AT TIME ZONE 'UTC'); RETURN NEW; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER audit_log_fill BEFORE INSERT ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_fill()"
    )
    op.execute(
        "CREATE FUNCTION store_identity_fixed() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'the store id never changes'; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER store_identity_fixed BEFORE UPDATE OR DELETE ON store_identity "
        "FOR EACH ROW EXECUTE FUNCTION store_identity_fixed()"
    )
    op.execute(
        "CREATE TRIGGER store_identity_no_truncate BEFORE TRUNCATE ON store_identity "
        "FOR EACH STATEMENT EXECUTE FUNCTION store_identity_fixed()"
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name != "sqlite"
    if postgresql:
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_fill ON audit_log")
        op.execute("DROP FUNCTION audit_log_fill()")
    op.drop_table("store_identity")  # its triggers go with it
    if postgresql:
        op.execute("DROP FUNCTION store_identity_fixed()")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("db_time")
        batch_op.drop_column("db_user")
        batch_op.drop_column("hash_version")
