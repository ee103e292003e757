"""a directory that follows the company: reporting lines read from Slack profiles, the manager
field and "invite new people" settings, guest accounts kept out of new pairs, pairs ended by a
deactivation

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_END_REASONS = (
    "end_reason IS NULL OR end_reason IN ('cycle_ended', 'left', 'unpaired', 'not_a_fit'{})"
)


def _end_reasons(condition: str) -> None:
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_pairs_end_reason"), type_="check")
        batch_op.create_check_constraint(op.f("ck_pairs_end_reason"), sa.text(condition))


def upgrade() -> None:
    op.create_table(
        "directory_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("field_id", sa.String(length=32), nullable=False),
        sa.Column("manager_id", sa.String(length=32), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_entries")),
        sa.UniqueConstraint(
            "team_id", "user_id", name=op.f("uq_directory_entries_team_id_user_id")
        ),
    )
    with op.batch_alter_table("directory_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_directory_entries_team_id_manager_id", ["team_id", "manager_id"], unique=False
        )
    with op.batch_alter_table("program_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("manager_field_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("invite_new_people", sa.Boolean(), nullable=True))
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guest_since", sa.DateTime(timezone=True), nullable=True))
    _end_reasons(_END_REASONS.format(", 'deactivated'"))


def downgrade() -> None:
    # A pair ended by a deactivation reads as one its person left.
    op.execute("UPDATE pairs SET end_reason = 'left' WHERE end_reason = 'deactivated'")
    _end_reasons(_END_REASONS.format(""))
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("guest_since")
    with op.batch_alter_table("program_settings", schema=None) as batch_op:
        batch_op.drop_column("invite_new_people")
        batch_op.drop_column("manager_field_id")
    op.drop_table("directory_entries")
