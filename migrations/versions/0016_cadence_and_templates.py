"""cadence, templates, the program's name, channel and managers: prompts and check-ins every
week, every two weeks or every four; the program template HR started from; the name HR gives
the program; the channel whose newcomers are invited (ROTNEM_PROGRAM_CHANNEL until HR picks one);
the Slack users who administer the program beside ROTNEM_ADMINS; a pause of the whole program

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-12 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL: every week, as before.
    with op.batch_alter_table("program_settings") as batch:
        batch.add_column(sa.Column("cadence_weeks", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("template", sa.String(length=24), nullable=True))
        batch.add_column(sa.Column("name", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("managers", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("paused_until", sa.Date(), nullable=True))
        batch.add_column(sa.Column("program_channel", sa.String(length=32), nullable=True))
        batch.create_check_constraint(
            op.f("ck_program_settings_cadence"),
            "cadence_weeks IS NULL OR cadence_weeks IN (1, 2, 4)",
        )


def downgrade() -> None:
    with op.batch_alter_table("program_settings") as batch:
        batch.drop_constraint(op.f("ck_program_settings_cadence"), type_="check")
        batch.drop_column("program_channel")
        batch.drop_column("paused_until")
        batch.drop_column("managers")
        batch.drop_column("name")
        batch.drop_column("template")
        batch.drop_column("cadence_weeks")
