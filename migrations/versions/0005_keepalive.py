"""keepalive: the prompt catalogue (seeded), weekly prompts, check-ins, sessions and their
reports, stall alerts, the settings-change log, and the keep-alive program settings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 02:35:33.532325
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# "Teach me a tool" prompts for one catalogue tool: (tool name, prompt, 20-minute exercise). A
# tool missing from the catalogue (an admin removed or renamed it) is skipped, not an error.
TOOL_PROMPTS: list[tuple[str, str, str]] = [
    (
        "LinkedIn",
        "Show how you make a LinkedIn post people actually read.",
        "Set up a LinkedIn post together about something your team shipped, and schedule it.",
    ),
    (
        "LinkedIn",
        "Tidy up a LinkedIn profile together.",
        "Rewrite the headline and About section, then add three skills and a featured post.",
    ),
    (
        "Instagram",
        "Walk through how brands and colleagues use Instagram stories.",
        "Follow five accounts in the learner's field and post a test story to close friends.",
    ),
    (
        "TikTok",
        "Decode a TikTok trend together: why does it work?",
        "Watch three videos on one trend and sketch how your company could join in.",
    ),
    (
        "Reddit",
        "Find where the experts in your field talk on Reddit.",
        "Find two subreddits for the learner's field, read a top thread and draft a question.",
    ),
    (
        "Slack power features",
        "Show the Slack features that save an hour a week.",
        "Set up a reminder, a saved search with operators and a scheduled message together.",
    ),
    (
        "WhatsApp",
        "Organise a group the way people do it on WhatsApp.",
        "Create a community with two groups, pin a message and send a voice note.",
    ),
    (
        "Notion",
        "Build a shared page for something the learner tracks by email today.",
        "Make a Notion database with three properties and a board view, then share it.",
    ),
    (
        "Microsoft Teams",
        "Run a better meeting in Teams.",
        "Set up a channel meeting with an agenda, turn on the transcript and try breakout rooms.",
    ),
    (
        "Miro",
        "Plan a workshop on a whiteboard.",
        "Build a retrospective board in Miro from a template and run it for ten minutes.",
    ),
    (
        "ChatGPT",
        "Use ChatGPT on a real piece of the learner's work.",
        "Summarise a long email thread with ChatGPT, then ask it for a reply in your tone.",
    ),
    (
        "ChatGPT",
        "Brainstorm with ChatGPT and check its answers.",
        "Ask for ten ideas for a team event, then ask it to critique its own top three.",
    ),
    (
        "Claude",
        "Work through a long document with Claude.",
        "Upload a public report and ask Claude for the three decisions it implies, with quotes.",
    ),
    (
        "Microsoft Copilot",
        "Let Copilot do the first draft in Word or Outlook.",
        "Draft a project update with Copilot from bullet points and rewrite it for executives.",
    ),
    (
        "Gemini",
        "Use Gemini inside Gmail and Docs.",
        "Ask Gemini to find every email about one project and draft a status note in Docs.",
    ),
    (
        "Prompt writing",
        "Write prompts that get useful answers.",
        "Turn one vague request into a prompt with role, context, format and an example.",
    ),
    (
        "Smartphone shortcuts",
        "Show the phone shortcuts nobody teaches.",
        "Set up a focus mode for meetings and a widget for the learner's most used app.",
    ),
    (
        "Password managers",
        "Move to a password manager without pain.",
        "Install one, save five logins, turn on a passkey for one account.",
    ),
    (
        "Mobile scanning",
        "Scan, sign and send a document from a phone.",
        "Scan a paper form with the phone, sign it and send it as a PDF.",
    ),
    (
        "Calendar and tasks apps",
        "Plan next week in the learner's calendar and task app.",
        "Block focus time, turn three emails into tasks with due dates and share one list.",
    ),
    (
        "Excel formulas",
        "Answer a real question with a pivot table.",
        "Build a pivot table and a chart from a sample of the learner's data, then an XLOOKUP.",
    ),
    (
        "Google Sheets",
        "Collaborate live in Google Sheets.",
        "Share a sheet, add a filter view and a comment with an @mention.",
    ),
    (
        "Zapier",
        "Automate one repetitive step with Zapier.",
        "Build a zap that saves email attachments from one sender to a shared folder.",
    ),
    (
        "Power Automate",
        "Automate an approval in Microsoft 365.",
        "Create a flow that asks a manager to approve a form answer and posts the result.",
    ),
    (
        "Canva",
        "Make a slide that looks designed.",
        "Turn one of the learner's text-heavy slides into a Canva design from a template.",
    ),
    (
        "CapCut",
        "Edit a short video with captions.",
        "Film a 30-second update on a phone and add auto-captions and music in CapCut.",
    ),
    (
        "Loom",
        "Replace a meeting with a Loom.",
        "Record a 2-minute Loom walking through a document and share it with a viewer question.",
    ),
    (
        "Podcasting",
        "Find podcasts worth the commute.",
        "Subscribe to three shows in the learner's field and record a 1-minute voice memo intro.",
    ),
]

# "Teach me a tool" prompts that work for any tool: `{tool}` is the pair's tool.
GENERAL_TEACH_PROMPTS: list[tuple[str, str]] = [
    (
        "Redo one task from this week with {tool}.",
        "Pick something the learner did by hand this week and redo it together with {tool}.",
    ),
    (
        "Show what a first week with {tool} looks like.",
        "Set up {tool} on the learner's own device and do the three things you use it for most.",
    ),
    (
        "Teach one {tool} trick you use every day.",
        "The learner drives while the guide explains: repeat the trick until it sticks.",
    ),
    (
        "Spot the pitfalls of {tool}.",
        "Go through privacy settings and one common mistake in {tool}, and fix both.",
    ),
]

# "Reverse the mirror": the senior shares how the organisation works.
MIRROR_PROMPTS: list[str] = [
    "Walk your guide through how a decision you made last quarter got approved.",
    "Explain how the budget for your team is set, and who you have to convince.",
    "Tell the story of a project that failed, and what the organisation learned from it.",
    "Show how you prepare for a meeting with senior leadership.",
    "Explain the unwritten rules of getting something done across departments here.",
    "Share how you decide what to say no to.",
    "Walk through how you built your network inside the company.",
    "Explain how promotions really happen, and what gets noticed.",
    "Describe a negotiation you led and how you prepared for it.",
    "Share how you give difficult feedback, with an example you can talk about.",
    "Explain how our customers decide to buy from us, as you see it from your seat.",
    "Walk your guide through the strategy slide everyone quotes, and what is behind it.",
    "Tell how you handled a crisis, and who you called first.",
    "Show how you read a financial report quickly: which three numbers you look at.",
    "Explain how you hire: what you look for in the first five minutes.",
    "Share a mistake early in your career and what you would tell your younger self.",
    "Describe how a big reorganisation was decided and announced.",
    "Explain how you write an email to an executive that gets answered.",
    "Walk through how you plan your week and protect time for thinking.",
    "Share who your mentors were and what each of them taught you.",
    "Explain how a risk or compliance question gets escalated here.",
    "Describe how you make a case for a new hire or a new tool.",
]


def upgrade() -> None:
    op.create_table(
        "program_settings_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.String(length=100), nullable=True),
        sa.Column("new_value", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_settings_changes")),
    )
    with op.batch_alter_table("program_settings_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_program_settings_changes_team_id_at", ["team_id", "at"], unique=False
        )

    op.create_table(
        "prompts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("tool_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("exercise", sa.String(length=300), nullable=True),
        sa.Column("added_by", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind = 'teach' OR tool_id IS NULL", name=op.f("ck_prompts_mirror_has_no_tool")
        ),
        sa.CheckConstraint("kind IN ('teach', 'mirror')", name=op.f("ck_prompts_kind")),
        sa.ForeignKeyConstraint(["tool_id"], ["tools.id"], name=op.f("fk_prompts_tool_id_tools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prompts")),
    )
    with op.batch_alter_table("prompts", schema=None) as batch_op:
        batch_op.create_index("ix_prompts_kind_active", ["kind", "active"], unique=False)
        batch_op.create_index(batch_op.f("ix_prompts_tool_id"), ["tool_id"], unique=False)

    op.create_table(
        "pair_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("iso_week", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["pairs.id"],
            name=op.f("fk_pair_sessions_pair_id_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pair_sessions")),
        sa.UniqueConstraint("pair_id", "iso_week", name=op.f("uq_pair_sessions_pair_id_iso_week")),
    )
    with op.batch_alter_table("pair_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pair_sessions_team_id_created_at", ["team_id", "created_at"], unique=False
        )

    op.create_table(
        "stall_alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("stall_started_week", sa.String(length=8), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=True),
        sa.Column("action_by", sa.String(length=32), nullable=True),
        sa.Column("action_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["pairs.id"],
            name=op.f("fk_stall_alerts_pair_id_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stall_alerts")),
        sa.UniqueConstraint(
            "pair_id", "stall_started_week", name=op.f("uq_stall_alerts_pair_id_stall_started_week")
        ),
    )
    op.create_table(
        "weekly_prompts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("iso_week", sa.String(length=8), nullable=False),
        sa.Column("prompt_id", sa.Integer(), nullable=True),
        sa.Column("direction", sa.String(length=8), nullable=True),
        sa.Column("tool_name", sa.String(length=40), nullable=True),
        sa.Column("skipped_reason", sa.String(length=32), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checkin_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checkins_enqueued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "direction IS NULL OR direction IN ('teach', 'mirror')",
            name=op.f("ck_weekly_prompts_direction"),
        ),
        sa.CheckConstraint(
            "(prompt_id IS NULL) = (skipped_reason IS NOT NULL)",
            name=op.f("ck_weekly_prompts_sent_or_not"),
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["pairs.id"],
            name=op.f("fk_weekly_prompts_pair_id_pairs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prompt_id"], ["prompts.id"], name=op.f("fk_weekly_prompts_prompt_id_prompts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_prompts")),
        sa.UniqueConstraint("pair_id", "iso_week", name=op.f("uq_weekly_prompts_pair_id_iso_week")),
    )
    with op.batch_alter_table("weekly_prompts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_weekly_prompts_checkins_due",
            ["checkin_due_at"],
            unique=False,
            postgresql_where=sa.text("checkins_enqueued_at IS NULL AND prompt_id IS NOT NULL"),
            sqlite_where=sa.text("checkins_enqueued_at IS NULL AND prompt_id IS NOT NULL"),
        )
        batch_op.create_index(
            batch_op.f("ix_weekly_prompts_prompt_id"), ["prompt_id"], unique=False
        )

    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("weekly_prompt_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("iso_week", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminder_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cant_make_it_choice", sa.String(length=8), nullable=True),
        sa.Column("private_reason", sa.String(length=500), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "cant_make_it_choice IS NULL OR cant_make_it_choice IN ('end', 'tell_hr')",
            name=op.f("ck_checkins_cant_make_it_choice"),
        ),
        sa.CheckConstraint(
            "status IN ('asked', 'met', 'not_yet', 'skipped', 'cant_make_it')",
            name=op.f("ck_checkins_status"),
        ),
        sa.CheckConstraint("attempt IN (1, 2)", name=op.f("ck_checkins_attempt")),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_checkins_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_checkins_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["weekly_prompt_id"],
            ["weekly_prompts.id"],
            name=op.f("fk_checkins_weekly_prompt_id_weekly_prompts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint(
            "pair_id",
            "participant_id",
            "iso_week",
            name=op.f("uq_checkins_pair_id_participant_id_iso_week"),
        ),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index(
            "ix_checkins_reminder_due",
            ["reminder_due_at"],
            unique=False,
            postgresql_where=sa.text("reminder_due_at IS NOT NULL AND reminded_at IS NULL"),
            sqlite_where=sa.text("reminder_due_at IS NOT NULL AND reminded_at IS NULL"),
        )
        batch_op.create_index("ix_checkins_weekly_prompt_id", ["weekly_prompt_id"], unique=False)

    op.create_table(
        "session_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("reporter_role", sa.String(length=8), nullable=False),
        sa.Column("tool_name", sa.String(length=40), nullable=True),
        sa.Column("other_text", sa.String(length=150), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("learned", sa.String(length=200), nullable=True),
        sa.Column("hr_note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "reporter_role IN ('guide', 'learner')", name=op.f("ck_session_reports_reporter_role")
        ),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_session_reports_rating")),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_session_reports_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["pair_sessions.id"],
            name=op.f("fk_session_reports_session_id_pair_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_reports")),
        sa.UniqueConstraint(
            "session_id",
            "participant_id",
            name=op.f("uq_session_reports_session_id_participant_id"),
        ),
    )
    with op.batch_alter_table("session_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_session_reports_team_id_created_at",
            ["team_id", "created_at", "reporter_role", "rating", "tool_name"],
            unique=False,
        )

    with op.batch_alter_table("program_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nudge_weekday", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("nudge_hour", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("checkin_delay_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("stall_weeks", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("announce_channel", sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_program_settings_nudge_day"),
            "nudge_weekday IS NULL OR nudge_weekday BETWEEN 0 AND 6",
        )
        batch_op.create_check_constraint(
            op.f("ck_program_settings_nudge_hour"),
            "nudge_hour IS NULL OR nudge_hour BETWEEN 0 AND 23",
        )
        batch_op.create_check_constraint(
            op.f("ck_program_settings_checkin_delay"),
            "checkin_delay_days IS NULL OR checkin_delay_days BETWEEN 1 AND 6",
        )
        batch_op.create_check_constraint(
            op.f("ck_program_settings_stall_weeks"),
            "stall_weeks IS NULL OR stall_weeks BETWEEN 1 AND 12",
        )

    _seed_prompts()


def _seed_prompts() -> None:
    now = datetime.now(UTC)
    tools = sa.table("tools", sa.column("id", sa.Integer()), sa.column("name", sa.String()))
    ids = {name: id_ for id_, name in op.get_bind().execute(sa.select(tools.c.id, tools.c.name))}
    prompts = sa.table(
        "prompts",
        sa.column("kind", sa.String()),
        sa.column("tool_id", sa.Integer()),
        sa.column("text", sa.String()),
        sa.column("exercise", sa.String()),
        sa.column("active", sa.Boolean()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rows = [
        {"kind": "teach", "tool_id": ids[tool], "text": text, "exercise": exercise}
        for tool, text, exercise in TOOL_PROMPTS
        if tool in ids
    ]
    rows += [
        {"kind": "teach", "tool_id": None, "text": text, "exercise": exercise}
        for text, exercise in GENERAL_TEACH_PROMPTS
    ]
    rows += [
        {"kind": "mirror", "tool_id": None, "text": text, "exercise": None}
        for text in MIRROR_PROMPTS
    ]
    op.bulk_insert(prompts, [{**row, "active": True, "created_at": now} for row in rows])


def downgrade() -> None:
    with op.batch_alter_table("program_settings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_program_settings_stall_weeks"), type_="check")
        batch_op.drop_constraint(op.f("ck_program_settings_checkin_delay"), type_="check")
        batch_op.drop_constraint(op.f("ck_program_settings_nudge_hour"), type_="check")
        batch_op.drop_constraint(op.f("ck_program_settings_nudge_day"), type_="check")
        batch_op.drop_column("announce_channel")
        batch_op.drop_column("stall_weeks")
        batch_op.drop_column("checkin_delay_days")
        batch_op.drop_column("nudge_hour")
        batch_op.drop_column("nudge_weekday")

    with op.batch_alter_table("session_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_session_reports_team_id_created_at")

    op.drop_table("session_reports")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index("ix_checkins_weekly_prompt_id")
        batch_op.drop_index(
            "ix_checkins_reminder_due",
            postgresql_where=sa.text("reminder_due_at IS NOT NULL AND reminded_at IS NULL"),
            sqlite_where=sa.text("reminder_due_at IS NOT NULL AND reminded_at IS NULL"),
        )

    op.drop_table("checkins")
    with op.batch_alter_table("weekly_prompts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weekly_prompts_prompt_id"))
        batch_op.drop_index(
            "ix_weekly_prompts_checkins_due",
            postgresql_where=sa.text("checkins_enqueued_at IS NULL AND prompt_id IS NOT NULL"),
            sqlite_where=sa.text("checkins_enqueued_at IS NULL AND prompt_id IS NOT NULL"),
        )

    op.drop_table("weekly_prompts")
    op.drop_table("stall_alerts")
    with op.batch_alter_table("pair_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_pair_sessions_team_id_created_at")

    op.drop_table("pair_sessions")
    with op.batch_alter_table("prompts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prompts_tool_id"))
        batch_op.drop_index("ix_prompts_kind_active")

    op.drop_table("prompts")
    with op.batch_alter_table("program_settings_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_program_settings_changes_team_id_at")

    op.drop_table("program_settings_changes")
