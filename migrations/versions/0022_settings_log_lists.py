"""the settings log keeps whole lists: a program's managers (up to 20 Slack IDs) were cut at 100
characters, mid-ID, in the log, the changes export and the confirmation's mentions

A downgrade cuts longer values back to the 100 characters the older version holds.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-18 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("old_value", "new_value")


def upgrade() -> None:
    # Batch mode: SQLite rebuilds the table to change a column's type; PostgreSQL alters it.
    with op.batch_alter_table("program_settings_changes") as batch:
        for column in COLUMNS:
            batch.alter_column(column, existing_type=sa.String(100), type_=sa.String(1000))


def downgrade() -> None:
    for column in COLUMNS:
        op.execute(
            f"UPDATE program_settings_changes SET {column} = substr({column}, 1, 100) "
            f"WHERE length({column}) > 100"
        )
    with op.batch_alter_table("program_settings_changes") as batch:
        for column in COLUMNS:
            batch.alter_column(column, existing_type=sa.String(1000), type_=sa.String(100))
