"""wording: HR's own text for the templates of proactive messages, per language

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-12 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty: every workspace starts with our wording, translated.
    op.create_table(
        "wording_texts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wording_texts")),
        sa.UniqueConstraint(
            "team_id",
            "template",
            "language",
            name=op.f("uq_wording_texts_team_id_template_language"),
        ),
    )


def downgrade() -> None:
    op.drop_table("wording_texts")
