"""paused weeks index: stall detection reads the weeks a pair was paused (its prompt skipped) from
a partial index of those few rows, not from each pair's year of prompts

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-11 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAUSED = "ix_weekly_prompts_paused"
# models.prompts.PAUSED_WEEK_SQL at this revision
PAUSED_WEEK_SQL = "skipped_reason = 'paused'"


def upgrade() -> None:
    op.create_index(
        PAUSED,
        "weekly_prompts",
        ["pair_id", "iso_week"],
        unique=False,
        postgresql_where=sa.text(PAUSED_WEEK_SQL),
        sqlite_where=sa.text(PAUSED_WEEK_SQL),
    )


def downgrade() -> None:
    op.drop_index(PAUSED, table_name="weekly_prompts")
