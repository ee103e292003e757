"""pairing: rounds (cycles), pairs and their history, personal exclusions, program settings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 02:25:10.714010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A learner is in at most one active pair: enforced by the database, not by a read-then-write.
_ACTIVE = sa.text("ended_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "pairing_rounds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("proposal", sa.JSON(), nullable=False),
        sa.Column("proposed_by", sa.String(length=32), nullable=True),
        sa.Column("approved_by", sa.String(length=32), nullable=True),
        sa.Column("discarded_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source IN ('matching', 'manual')", name=op.f("ck_pairing_rounds_source")
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'approved', 'discarded')", name=op.f("ck_pairing_rounds_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_rounds")),
    )
    with op.batch_alter_table("pairing_rounds", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pairing_rounds_team_id_status", ["team_id", "status"], unique=False
        )

    op.create_table(
        "program_settings",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("cycle_weeks", sa.Integer(), nullable=True),
        sa.Column("auto_propose_next_round", sa.Boolean(), nullable=True),
        sa.Column("tz_preference", sa.String(length=16), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "tz_preference IS NULL OR tz_preference IN ('prefer_close', 'ignore')",
            name=op.f("ck_program_settings_tz_preference"),
        ),
        sa.CheckConstraint(
            "cycle_weeks IS NULL OR cycle_weeks BETWEEN 1 AND 52",
            name=op.f("ck_program_settings_cycle_weeks"),
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_program_settings")),
    )

    op.create_table(
        "pair_exclusions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("excluded_user_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_pair_exclusions_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pair_exclusions")),
        sa.UniqueConstraint(
            "participant_id",
            "excluded_user_id",
            name=op.f("uq_pair_exclusions_participant_id_excluded_user_id"),
        ),
    )

    op.create_table(
        "pairs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("shared_tools", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.String(length=500), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.Column("ended_by", sa.String(length=32), nullable=True),
        sa.Column("group_channel_id", sa.String(length=32), nullable=True),
        sa.Column("first_session_scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_session_marked_by", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "end_reason IS NULL OR end_reason IN ('cycle_ended', 'left', 'unpaired', "
            "'paused_long')",
            name=op.f("ck_pairs_end_reason"),
        ),
        sa.CheckConstraint(
            "(ended_at IS NULL) = (end_reason IS NULL)", name=op.f("ck_pairs_ended_with_reason")
        ),
        sa.CheckConstraint("guide_id <> learner_id", name=op.f("ck_pairs_two_people")),
        sa.ForeignKeyConstraint(
            ["guide_id"], ["participants.id"], name=op.f("fk_pairs_guide_id_participants")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["participants.id"], name=op.f("fk_pairs_learner_id_participants")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["pairing_rounds.id"], name=op.f("fk_pairs_round_id_pairing_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairs")),
    )
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.create_index("ix_pairs_guide_id", ["guide_id"], unique=False)
        batch_op.create_index("ix_pairs_learner_id", ["learner_id"], unique=False)
        batch_op.create_index("ix_pairs_round_id", ["round_id"], unique=False)
        batch_op.create_index("ix_pairs_team_id_ended_at", ["team_id", "ended_at"], unique=False)
        batch_op.create_index(
            "uq_pairs_active_learner",
            ["learner_id"],
            unique=True,
            postgresql_where=_ACTIVE,
            sqlite_where=_ACTIVE,
        )


def downgrade() -> None:
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_index("uq_pairs_active_learner")
        batch_op.drop_index("ix_pairs_team_id_ended_at")
        batch_op.drop_index("ix_pairs_round_id")
        batch_op.drop_index("ix_pairs_learner_id")
        batch_op.drop_index("ix_pairs_guide_id")

    op.drop_table("pairs")
    op.drop_table("pair_exclusions")
    op.drop_table("program_settings")
    with op.batch_alter_table("pairing_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_pairing_rounds_team_id_status")

    op.drop_table("pairing_rounds")
