"""figure indexes: the reports' covering index reads week, then tool, then session, so the
figures group a cycle's reports by week and tool without sorting them; participants' standing
read from an index, not the (wide) rows

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-09 10:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORTS = "ix_session_reports_team_id_iso_week_figures"
REPORTS_BEFORE = ["team_id", "iso_week", "session_id", "reporter_role", "rating", "tool_name"]
REPORTS_AFTER = ["team_id", "iso_week", "tool_name", "session_id", "reporter_role", "rating"]
# (name, columns) of the participants' index before and after.
PEOPLE_BEFORE = ("ix_participants_team_id_role_state", ["team_id", "role", "state"])
PEOPLE_AFTER = (
    "ix_participants_team_id_standing",
    ["team_id", "role", "state", "paused_until", "waitlisted_since"],
)


def _indexes(reports: list[str], people: tuple[str, list[str]], old: str) -> None:
    op.drop_index(REPORTS, table_name="session_reports")
    op.create_index(REPORTS, "session_reports", [*reports, "direction"], unique=False)
    op.drop_index(old, table_name="participants")
    op.create_index(people[0], "participants", people[1], unique=False)


def upgrade() -> None:
    _indexes(REPORTS_AFTER, PEOPLE_AFTER, PEOPLE_BEFORE[0])


def downgrade() -> None:
    _indexes(REPORTS_BEFORE, PEOPLE_BEFORE, PEOPLE_AFTER[0])
