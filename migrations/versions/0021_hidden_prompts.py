"""a program can stop offering a prompt: its own is retired (`prompts.active`), a shared one is
hidden there (`hidden_prompts`), as the tool catalogue does with `hidden_tools` (0018)

A downgrade makes hidden prompts offered again (the older version has no way to hide one).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-17 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hidden_prompts",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("prompt_id", sa.Integer(), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["prompt_id"],
            ["prompts.id"],
            name=op.f("fk_hidden_prompts_prompt_id_prompts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "prompt_id", name=op.f("pk_hidden_prompts")),
    )


def downgrade() -> None:
    op.drop_table("hidden_prompts")
