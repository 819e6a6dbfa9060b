"""unpaid work: requirements, projects, sessions, placements, attendance, stand-downs

Revision ID: 0004_unpaid_work
Revises: 0007_decisions

Every sentence that orders unpaid work hours gets its requirement record, with
the hours ordered and completed as the caseload extract gave them, dated the
day of its latest caseload import (or the day before this upgrade when none
is recorded), so hours credited in the app from now on add to them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from app import clock

revision = "0004_unpaid_work"
down_revision = "0003_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "upw_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pdu_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("project_type", sa.String(length=20), nullable=False),
        sa.Column("beneficiary", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("women_only", sa.Boolean(), nullable=False),
        sa.Column("high_rosh_suitable", sa.Boolean(), nullable=False),
        sa.Column("days", sa.String(length=20), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pdu_id"],
            ["pdu.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pdu_id", "code"),
    )
    op.create_index(op.f("ix_upw_project_pdu_id"), "upw_project", ["pdu_id"], unique=False)
    op.create_table(
        "upw_requirement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("ordered_minutes", sa.Integer(), nullable=False),
        sa.Column("extract_completed_minutes", sa.Integer(), nullable=True),
        sa.Column("extract_on", sa.Date(), nullable=True),
        sa.Column("intensive", sa.Boolean(), nullable=False),
        sa.Column("ete_share_percent", sa.Float(), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=True),
        sa.Column("induction_on", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("first_review_on", sa.Date(), nullable=True),
        sa.Column("second_review_on", sa.Date(), nullable=True),
        sa.Column("all_male_group_consent", sa.Boolean(), nullable=False),
        sa.Column("consent_recorded_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("extended_to", sa.Date(), nullable=True),
        sa.Column("extension_ordered_on", sa.Date(), nullable=True),
        sa.Column("extension_note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_index(
        op.f("ix_upw_requirement_person_id"), "upw_requirement", ["person_id"], unique=False
    )
    op.create_table(
        "upw_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["upw_project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "day"),
    )
    op.create_index("ix_upw_session_day", "upw_session", ["day", "project_id"], unique=False)
    op.create_index(
        op.f("ix_upw_session_supervisor_id"), "upw_session", ["supervisor_id"], unique=False
    )
    op.create_table(
        "upw_placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rebooked_from_id", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("booked_at", sa.DateTime(), nullable=False),
        sa.Column("booked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booked_by"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["rebooked_from_id"],
            ["upw_placement.id"],
        ),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["upw_requirement.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["upw_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rebooked_from_id"),
        sa.UniqueConstraint("session_id", "person_id"),
    )
    op.create_index(
        "ix_upw_placement_person", "upw_placement", ["person_id", "session_id"], unique=False
    )
    op.create_index(
        op.f("ix_upw_placement_requirement_id"), "upw_placement", ["requirement_id"], unique=False
    )
    op.create_table(
        "upw_stand_down",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("notice", sa.String(length=12), nullable=False),
        sa.Column("planned", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("sent_home_at", sa.Time(), nullable=True),
        sa.Column("people_affected", sa.Integer(), nullable=False),
        sa.Column("person_minutes_lost", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["upw_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id"),
    )
    op.create_table(
        "upw_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=4), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("penalty_minutes", sa.Integer(), nullable=False),
        sa.Column("travel_out_minutes", sa.Integer(), nullable=False),
        sa.Column("travel_back_minutes", sa.Integer(), nullable=False),
        sa.Column("work_minutes", sa.Integer(), nullable=False),
        sa.Column("travel_minutes", sa.Integer(), nullable=False),
        sa.Column("ete_minutes", sa.Integer(), nullable=False),
        sa.Column("lost_minutes", sa.Integer(), nullable=False),
        sa.Column("stand_down_id", sa.Integer(), nullable=True),
        sa.Column("sent_away_reason", sa.String(length=30), nullable=True),
        sa.Column("notice_due", sa.Date(), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["upw_placement.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["stand_down_id"],
            ["upw_stand_down.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("placement_id"),
    )
    op.create_index(
        op.f("ix_upw_attendance_stand_down_id"), "upw_attendance", ["stand_down_id"], unique=False
    )
    _requirements_from_events()


def _extract_day() -> date:
    """The day of the latest caseload import in the audit log, else the day before today."""
    latest = (
        op.get_bind()
        .execute(
            sa.text("SELECT max(at) FROM audit_log WHERE action = 'import' AND entity = 'cases'")
        )
        .scalar()
    )
    if latest is None:
        return clock.today() - timedelta(days=1)
    if isinstance(latest, datetime):
        return latest.date()
    return date.fromisoformat(str(latest)[:10])  # SQLite hands back the stored text


def _requirements_from_events() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, person_id, upw_hours_ordered, upw_hours_completed, upw_intensive "
            "FROM event WHERE upw_hours_ordered > 0 ORDER BY id"
        )
    ).fetchall()
    if not rows:
        return
    day = _extract_day()
    requirement = sa.table(
        "upw_requirement",
        *(
            sa.column(name)
            for name in (
                "event_id",
                "person_id",
                "ordered_minutes",
                "extract_completed_minutes",
                "extract_on",
                "intensive",
                "all_male_group_consent",
                "extension_note",
                "version",
            )
        ),
    )
    op.bulk_insert(
        requirement,
        [
            {
                "event_id": event_id,
                "person_id": person_id,
                "ordered_minutes": round(ordered * 60),
                "extract_completed_minutes": None if done is None else round(done * 60),
                "extract_on": day,
                "intensive": bool(intensive),
                "all_male_group_consent": False,
                "extension_note": "",
                "version": 1,
            }
            for event_id, person_id, ordered, done, intensive in rows
        ],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_upw_attendance_stand_down_id"), table_name="upw_attendance")
    op.drop_table("upw_attendance")
    op.drop_table("upw_stand_down")
    op.drop_index(op.f("ix_upw_placement_requirement_id"), table_name="upw_placement")
    op.drop_index("ix_upw_placement_person", table_name="upw_placement")
    op.drop_table("upw_placement")
    op.drop_index(op.f("ix_upw_session_supervisor_id"), table_name="upw_session")
    op.drop_index("ix_upw_session_day", table_name="upw_session")
    op.drop_table("upw_session")
    op.drop_index(op.f("ix_upw_requirement_person_id"), table_name="upw_requirement")
    op.drop_table("upw_requirement")
    op.drop_index(op.f("ix_upw_project_pdu_id"), table_name="upw_project")
    op.drop_table("upw_project")
