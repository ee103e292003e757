"""figure reports in grouping order: the reports' covering index reads week, then tool, then
session, so the figures group a cycle's reports by week and tool without sorting them

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

NAME = "ix_session_reports_team_id_iso_week_figures"
BEFORE = ["team_id", "iso_week", "session_id", "reporter_role", "rating", "tool_name", "direction"]
AFTER = ["team_id", "iso_week", "tool_name", "session_id", "reporter_role", "rating", "direction"]


def _index(columns: list[str]) -> None:
    op.drop_index(NAME, table_name="session_reports")
    op.create_index(NAME, "session_reports", columns, unique=False)


def upgrade() -> None:
    _index(AFTER)


def downgrade() -> None:
    _index(BEFORE)
