"""stats indexes: `/rotnem admin stats` counts and averages from index ranges, without sorting
a cycle's reports

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 04:12:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_participants_team_id_role_state", "participants", ["team_id", "role", "state"]
    )
    op.create_index(
        "ix_pair_sessions_team_id_created_at_pair_id",
        "pair_sessions",
        ["team_id", "created_at", "pair_id"],
    )
    op.drop_index("ix_pair_sessions_team_id_created_at", table_name="pair_sessions")
    op.create_index(
        "ix_session_reports_team_id_role_created_at",
        "session_reports",
        ["team_id", "reporter_role", "created_at", "rating"],
    )
    op.create_index(
        "ix_session_reports_team_id_tool_name",
        "session_reports",
        ["team_id", "tool_name", "created_at"],
    )
    op.drop_index("ix_session_reports_team_id_created_at", table_name="session_reports")


def downgrade() -> None:
    op.create_index(
        "ix_session_reports_team_id_created_at",
        "session_reports",
        ["team_id", "created_at", "reporter_role", "rating", "tool_name"],
    )
    op.drop_index("ix_session_reports_team_id_tool_name", table_name="session_reports")
    op.drop_index("ix_session_reports_team_id_role_created_at", table_name="session_reports")
    op.create_index(
        "ix_pair_sessions_team_id_created_at", "pair_sessions", ["team_id", "created_at"]
    )
    op.drop_index("ix_pair_sessions_team_id_created_at_pair_id", table_name="pair_sessions")
    op.drop_index("ix_participants_team_id_role_state", table_name="participants")
