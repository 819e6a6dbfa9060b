"""indexes: every caseload sort reads its first page in order

Revision ID: 0009_indexes
Revises: 0004_unpaid_work

The caseload screen sorts by team, POD, end date, allocation clock and
allocation date as well as by CRN, name, tier and risk; each of these now has
an index of the PDU, the sorted column and the CRN (the tiebreak), so the
first page of 250,000 cases is read in order rather than sorted (issue 21).
Indexes only: no data changes.
"""

from __future__ import annotations

from alembic import op

revision = "0009_indexes"
down_revision = "0006_returns"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_caseload_pdu_team_name", ["pdu_id", "team_name", "crn"]),
    ("ix_caseload_pdu_pod_name", ["pdu_id", "pod_name", "crn"]),
    ("ix_caseload_pdu_end", ["pdu_id", "end_date", "crn"]),
    ("ix_caseload_pdu_clock", ["pdu_id", "clock_start", "crn"]),
    ("ix_caseload_pdu_allocated", ["pdu_id", "allocated_on", "crn"]),
)


def upgrade() -> None:
    for name, columns in INDEXES:
        op.create_index(name, "caseload_row", columns)


def downgrade() -> None:
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="caseload_row")
