"""several programs per workspace: a program's key is its workspace's with its number
(bot/install/keys.py), so the rows from before are the workspace's first program as they are;
a program HR closed keeps its history

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-13 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("program_settings") as batch:
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("program_settings") as batch:
        batch.drop_column("closed_at")
