"""languages: each person's Slack locale (users.info include_locale) and the program's language

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-10 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Both NULL until known: a person's locale is read at their next identity refresh, and a
    # program without a language speaks the environment's (ROTNEM_LANGUAGE, English by default).
    op.add_column("participants", sa.Column("locale", sa.String(length=16), nullable=True))
    op.add_column("program_settings", sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("program_settings") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("locale")
