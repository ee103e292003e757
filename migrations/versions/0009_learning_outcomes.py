"""learning outcomes: confidence baselines, teach-backs, follow-ups, fit checks and surveys;
a session's confidence and which way the learning went; anonymity and shared-tool settings;
re-pairing after "Not a good fit"

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 19:34:55.188571
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_END_REASONS = "end_reason IS NULL OR end_reason IN ('cycle_ended', 'left', 'unpaired'{})"
_SOURCES = "source IN ('matching', 'manual'{})"


def _checks(end_reasons: str, sources: str) -> None:
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_pairs_end_reason"), type_="check")
        batch_op.create_check_constraint(op.f("ck_pairs_end_reason"), sa.text(end_reasons))
    with op.batch_alter_table("pairing_rounds", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_pairing_rounds_source"), type_="check")
        batch_op.create_check_constraint(op.f("ck_pairing_rounds_source"), sa.text(sources))


def upgrade() -> None:
    op.create_table(
        "tool_baselines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("tool_name", sa.String(length=40), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latest_rating", sa.Integer(), nullable=True),
        sa.Column("latest_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "direction IN ('teach', 'learn')", name=op.f("ck_tool_baselines_direction")
        ),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_tool_baselines_rating")),
        sa.CheckConstraint(
            "latest_rating IS NULL OR latest_rating BETWEEN 1 AND 5",
            name=op.f("ck_tool_baselines_latest_rating"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_tool_baselines_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_baselines")),
        sa.UniqueConstraint(
            "participant_id",
            "direction",
            "tool_name",
            name=op.f("uq_tool_baselines_participant_id_direction_tool_name"),
        ),
    )
    with op.batch_alter_table("tool_baselines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tool_baselines_team_id_direction", ["team_id", "direction"], unique=False
        )

    op.create_table(
        "fit_checks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.String(length=32), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "answer IS NULL OR answer IN ('good', 'deciding', 'bad')",
            name=op.f("ck_fit_checks_answer"),
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_fit_checks_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_fit_checks_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fit_checks")),
        sa.UniqueConstraint(
            "pair_id", "participant_id", name=op.f("uq_fit_checks_pair_id_participant_id")
        ),
    )
    with op.batch_alter_table("fit_checks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fit_checks_team_id_asked_at", ["team_id", "asked_at"], unique=False
        )

    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("tool_name", sa.String(length=40), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "answer IS NULL OR answer IN ('yes', 'sometimes', 'no')",
            name=op.f("ck_follow_ups_answer"),
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_follow_ups_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_follow_ups_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
        sa.UniqueConstraint("pair_id", "tool_name", name=op.f("uq_follow_ups_pair_id_tool_name")),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index("ix_follow_ups_due_at", ["due_at"], unique=False)
        batch_op.create_index("ix_follow_ups_team_id_answer", ["team_id", "answer"], unique=False)

    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminder_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("usefulness", sa.Integer(), nullable=True),
        sa.Column("recommend", sa.Boolean(), nullable=True),
        sa.Column("learned_other_side", sa.String(length=200), nullable=True),
        sa.Column("continue_pair", sa.Boolean(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.CheckConstraint("stage IN ('mid', 'end')", name=op.f("ck_surveys_stage")),
        sa.CheckConstraint(
            "usefulness IS NULL OR usefulness BETWEEN 1 AND 5", name=op.f("ck_surveys_usefulness")
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_surveys_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_surveys_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint(
            "pair_id",
            "participant_id",
            "stage",
            name=op.f("uq_surveys_pair_id_participant_id_stage"),
        ),
    )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.create_index("ix_surveys_reminder_due_at", ["reminder_due_at"], unique=False)
        batch_op.create_index("ix_surveys_participant_id", ["participant_id"], unique=False)
        batch_op.create_index(
            "ix_surveys_team_id_stage_answered_at",
            ["team_id", "stage", "answered_at"],
            unique=False,
        )

    op.create_table(
        "survey_confidences",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("tool_name", sa.String(length=40), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_survey_confidences_rating")),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_confidences_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_confidences")),
        sa.UniqueConstraint(
            "survey_id", "tool_name", name=op.f("uq_survey_confidences_survey_id_tool_name")
        ),
    )
    op.create_table(
        "teach_backs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("tool_name", sa.String(length=40), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=32), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["participants.id"],
            name=op.f("fk_teach_backs_learner_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_teach_backs_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["pair_sessions.id"],
            name=op.f("fk_teach_backs_session_id_pair_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teach_backs")),
        sa.UniqueConstraint("pair_id", "tool_name", name=op.f("uq_teach_backs_pair_id_tool_name")),
    )
    with op.batch_alter_table("teach_backs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_teach_backs_team_id_confirmed_at", ["team_id", "confirmed_at"], unique=False
        )

    with op.batch_alter_table("program_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymity_k", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("require_shared_tool", sa.Boolean(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_program_settings_anonymity_k"),
            sa.text("anonymity_k IS NULL OR anonymity_k BETWEEN 2 AND 50"),
        )

    with op.batch_alter_table("session_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confidence", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("direction", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("iso_week", sa.String(length=8), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_session_reports_confidence"),
            sa.text("confidence IS NULL OR confidence BETWEEN 1 AND 5"),
        )
        batch_op.create_check_constraint(
            op.f("ck_session_reports_direction"),
            sa.text("direction IS NULL OR direction IN ('tool', 'mirror', 'both')"),
        )
    # A report's week is its session's: repeated so that the figures read one index range.
    op.execute(
        "UPDATE session_reports SET iso_week = "
        "(SELECT iso_week FROM pair_sessions WHERE pair_sessions.id = session_reports.session_id)"
    )
    with op.batch_alter_table("session_reports", schema=None) as batch_op:
        batch_op.alter_column("iso_week", existing_type=sa.String(length=8), nullable=False)

    _checks(_END_REASONS.format(", 'not_a_fit'"), _SOURCES.format(", 'repair'"))
    _figure_indexes()


def _figure_indexes() -> None:
    """The program's figures read weeks of one workspace: index-only ranges by ISO week; the
    report reads each learner's latest confidence per tool in index order. The statistics'
    indexes by creation time (0007) have no query left."""
    for name, table, columns, where in FIGURE_INDEXES:
        op.create_index(
            name,
            table,
            columns,
            unique=False,
            postgresql_where=where and sa.text(where),
            sqlite_where=where and sa.text(where),
        )
    for name, table, _ in STATS_INDEXES:
        op.drop_index(name, table_name=table)


# (name, table, columns, partial index condition): the figures' week ranges, each session's
# reports, each learner's latest confidence per tool; all index-only.
FIGURE_INDEXES: tuple[tuple[str, str, list[str | sa.TextClause], str | None], ...] = (
    (
        "ix_pair_sessions_team_id_iso_week",
        "pair_sessions",
        ["team_id", "iso_week", "pair_id"],
        None,
    ),
    (
        "ix_weekly_prompts_team_id_iso_week",
        "weekly_prompts",
        ["team_id", "iso_week", "pair_id", "prompt_id"],
        None,
    ),
    (
        "ix_session_reports_team_id_iso_week_figures",
        "session_reports",
        ["team_id", "iso_week", "session_id", "reporter_role", "rating", "tool_name", "direction"],
        None,
    ),
    (
        "ix_session_reports_confidence_latest",
        "session_reports",
        ["team_id", "participant_id", "tool_name", sa.text("created_at DESC"), "confidence"],
        "confidence IS NOT NULL",
    ),
)
# (name, table, columns): 0007's indexes, dropped by the upgrade.
STATS_INDEXES = (
    (
        "ix_pair_sessions_team_id_created_at_pair_id",
        "pair_sessions",
        ["team_id", "created_at", "pair_id"],
    ),
    (
        "ix_session_reports_team_id_role_created_at",
        "session_reports",
        ["team_id", "reporter_role", "created_at", "rating"],
    ),
    (
        "ix_session_reports_team_id_tool_name",
        "session_reports",
        ["team_id", "tool_name", "created_at"],
    ),
)


def downgrade() -> None:
    for name, table, columns in STATS_INDEXES:
        op.create_index(name, table, columns, unique=False)
    for name, table, *_ in FIGURE_INDEXES:
        op.drop_index(name, table_name=table)
    # Pairs ended as "not a fit" read as unpaired by HR, which is what happened; re-pair rounds
    # become manual ones (HR approved pairs the engine did not propose for the whole program).
    op.execute("UPDATE pairs SET end_reason = 'unpaired' WHERE end_reason = 'not_a_fit'")
    op.execute("UPDATE pairing_rounds SET source = 'manual' WHERE source = 'repair'")
    _checks(_END_REASONS.format(""), _SOURCES.format(""))
    with op.batch_alter_table("session_reports", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_session_reports_direction"), type_="check")
        batch_op.drop_constraint(op.f("ck_session_reports_confidence"), type_="check")
        batch_op.drop_column("iso_week")
        batch_op.drop_column("direction")
        batch_op.drop_column("confidence")

    with op.batch_alter_table("program_settings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_program_settings_anonymity_k"), type_="check")
        batch_op.drop_column("require_shared_tool")
        batch_op.drop_column("anonymity_k")

    with op.batch_alter_table("teach_backs", schema=None) as batch_op:
        batch_op.drop_index("ix_teach_backs_team_id_confirmed_at")

    op.drop_table("teach_backs")
    op.drop_table("survey_confidences")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_index("ix_surveys_team_id_stage_answered_at")
        batch_op.drop_index("ix_surveys_reminder_due_at")
        batch_op.drop_index("ix_surveys_participant_id")

    op.drop_table("surveys")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_ups_team_id_answer")
        batch_op.drop_index("ix_follow_ups_due_at")

    op.drop_table("follow_ups")
    with op.batch_alter_table("fit_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_fit_checks_team_id_asked_at")

    op.drop_table("fit_checks")
    with op.batch_alter_table("tool_baselines", schema=None) as batch_op:
        batch_op.drop_index("ix_tool_baselines_team_id_direction")

    op.drop_table("tool_baselines")
