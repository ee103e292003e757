"""enrollment: participants, their tools, the state-change log and the seeded tool catalogue

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 02:21:20.080245
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The starting catalogue: (category, name, what you can do with it). HR admins edit it later with
# `/rotnem admin tools`; the order here is the order people see within a category.
CATALOGUE: list[tuple[str, str, str]] = [
    ("Social networks", "LinkedIn", "Build a profile, follow people and share what your team does"),
    ("Social networks", "Instagram", "Follow brands and colleagues, post photos and stories"),
    ("Social networks", "TikTok", "Watch and make short videos; see how younger audiences talk"),
    (
        "Social networks",
        "Reddit",
        "Find expert communities and ask questions that get real answers",
    ),
    ("Social networks", "Bluesky", "Follow news and people in an open, chronological feed"),
    (
        "Messaging and collaboration",
        "Slack power features",
        "Threads, huddles, canvases, workflows, reminders and search operators",
    ),
    ("Messaging and collaboration", "WhatsApp", "Groups, communities, voice notes and video calls"),
    ("Messaging and collaboration", "Notion", "Shared pages, wikis and databases for a team"),
    ("Messaging and collaboration", "Microsoft Teams", "Channels, meetings and shared files"),
    ("Messaging and collaboration", "Miro", "Run a workshop on an online whiteboard"),
    (
        "Generative AI assistants",
        "ChatGPT",
        "Draft, summarise, brainstorm and analyse with an AI assistant",
    ),
    (
        "Generative AI assistants",
        "Claude",
        "Work through long documents and writing with an AI assistant",
    ),
    (
        "Generative AI assistants",
        "Microsoft Copilot",
        "Use AI inside Word, Excel, Outlook and Teams",
    ),
    ("Generative AI assistants", "Gemini", "Use AI inside Gmail, Docs and Google search"),
    (
        "Generative AI assistants",
        "Prompt writing",
        "Ask AI tools for what you need and check what they answer",
    ),
    (
        "Smartphone productivity",
        "Smartphone shortcuts",
        "Gestures, widgets, focus modes and the shortcuts nobody shows you",
    ),
    (
        "Smartphone productivity",
        "Password managers",
        "Strong, unique passwords and passkeys without remembering them",
    ),
    (
        "Smartphone productivity",
        "Mobile scanning",
        "Scan, sign and share documents from your phone",
    ),
    ("Smartphone productivity", "Calendar and tasks apps", "Plan your week and never lose a to-do"),
    (
        "Spreadsheets and automation",
        "Excel formulas",
        "XLOOKUP, pivot tables and charts that answer questions",
    ),
    (
        "Spreadsheets and automation",
        "Google Sheets",
        "Shared spreadsheets, filters and live collaboration",
    ),
    (
        "Spreadsheets and automation",
        "Zapier",
        "Connect apps and automate repetitive steps without code",
    ),
    (
        "Spreadsheets and automation",
        "Power Automate",
        "Automate approvals and file handling in Microsoft 365",
    ),
    ("Video and creator tools", "Canva", "Make good-looking slides, posters and posts in minutes"),
    ("Video and creator tools", "CapCut", "Edit short videos with captions, music and effects"),
    ("Video and creator tools", "Loom", "Record a quick screen video instead of a meeting"),
    ("Video and creator tools", "Podcasting", "Find, follow and record podcasts"),
]


def upgrade() -> None:
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=80), nullable=False),
        sa.Column("manager_id", sa.String(length=32), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("share", sa.String(length=200), nullable=True),
        sa.Column("goals", sa.Text(), nullable=True),
        sa.Column("tz", sa.String(length=64), nullable=True),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("identity_refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waitlisted_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('guide', 'learner', 'both')", name=op.f("ck_participants_role")
        ),
        sa.CheckConstraint(
            "state IN ('active', 'paused', 'left')", name=op.f("ck_participants_state")
        ),
        sa.CheckConstraint("capacity BETWEEN 1 AND 3", name=op.f("ck_participants_capacity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_participants_team_id_user_id")),
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index("ix_participants_team_id_state", ["team_id", "state"], unique=False)

    tools = op.create_table(
        "tools",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=150), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("added_by", sa.String(length=32), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tools")),
        sa.UniqueConstraint("name", name=op.f("uq_tools_name")),
    )
    op.bulk_insert(
        tools,
        [
            {"name": name, "description": description, "category": category}
            for category, name, description in CATALOGUE
        ],
    )

    op.create_table(
        "participant_state_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("via", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_participant_state_changes_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_state_changes")),
    )
    with op.batch_alter_table("participant_state_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participant_state_changes_participant_id"),
            ["participant_id"],
            unique=False,
        )

    op.create_table(
        "participant_tools",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("tool_id", sa.Integer(), nullable=True),
        sa.Column("other_name", sa.String(length=40), nullable=True),
        sa.CheckConstraint(
            "direction IN ('teach', 'learn')", name=op.f("ck_participant_tools_direction")
        ),
        sa.CheckConstraint(
            "(tool_id IS NULL AND other_name IS NOT NULL) "
            "OR (tool_id IS NOT NULL AND other_name IS NULL)",
            name=op.f("ck_participant_tools_one_source"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_participant_tools_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tool_id"], ["tools.id"], name=op.f("fk_participant_tools_tool_id_tools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_tools")),
        sa.UniqueConstraint(
            "participant_id",
            "direction",
            "other_name",
            name=op.f("uq_participant_tools_participant_id_direction_other_name"),
        ),
        sa.UniqueConstraint(
            "participant_id",
            "direction",
            "tool_id",
            name=op.f("uq_participant_tools_participant_id_direction_tool_id"),
        ),
    )
    with op.batch_alter_table("participant_tools", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_participant_tools_tool_id"), ["tool_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("participant_tools", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_tools_tool_id"))
    op.drop_table("participant_tools")

    with op.batch_alter_table("participant_state_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_state_changes_participant_id"))
    op.drop_table("participant_state_changes")

    op.drop_table("tools")

    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index("ix_participants_team_id_state")
    op.drop_table("participants")
