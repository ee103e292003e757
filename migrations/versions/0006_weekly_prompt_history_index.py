"""weekly prompt history index: the weekly tick reads each due pair's past prompts with an
index-only scan

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 03:52:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_weekly_prompts_history",
        "weekly_prompts",
        ["pair_id", "iso_week", "prompt_id", "direction", "tool_name"],
    )


def downgrade() -> None:
    op.drop_index("ix_weekly_prompts_history", table_name="weekly_prompts")
