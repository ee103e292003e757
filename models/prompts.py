"""Prompts: the catalogue, and the weekly prompt each pair got.

One weekly prompt per pair and ISO week is the database's rule (a unique key), so a late tick,
a restart or two workers never prompt a pair twice in a week.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId, one_of


class PromptKind(StrEnum):
    TEACH = "teach"  # "teach me a tool": the guide teaches one of the pair's tools
    MIRROR = "mirror"  # "reverse the mirror": the learner shares how the organisation works


# `weekly_prompts.skipped_reason` of a week skipped because someone was paused (those weeks are
# neither prompted nor silent).
SKIPPED_PAUSED = "paused"
# The paused weeks, as stall detection reads them; queries repeat this literal so the partial
# index applies.
PAUSED_WEEK_SQL = f"skipped_reason = '{SKIPPED_PAUSED}'"
# … and of a week whose prompt was withdrawn before it was sent because the pair ended (not
# prompted either: the meet rate does not count it).
SKIPPED_ENDED = "pair_ended"

# Rows the check-in tick still has work for; queries repeat this literal so the partial index
# applies.
CHECKINS_PENDING_SQL = "checkins_enqueued_at IS NULL AND prompt_id IS NOT NULL"


class Prompt(Base):
    """A prompt of the catalogue: seeded by migration 0005, extended by HR admins.

    As the tool catalogue (`models.tools`): the prompts we ship are shared by every program
    (`team_id` NULL, written by migrations only), and a program's additions are its own (`team_id`
    is the program's key, bot/install/keys.py), so no program's prompts reach another's pairs.
    A teach prompt names a catalogue tool (`tool_id`) or none: then its `text` and `exercise`
    carry a `{tool}` placeholder filled with the pair's tool.
    """

    __tablename__ = "prompts"
    __table_args__ = (
        one_of("kind", PromptKind),
        CheckConstraint("kind = 'teach' OR tool_id IS NULL", name="mirror_has_no_tool"),
        Index("ix_prompts_kind_active", "kind", "active"),
    )

    id: Mapped[IntPK]
    # The program that added it; None for the shared catalogue.
    team_id: Mapped[SlackId | None]
    kind: Mapped[str] = mapped_column(String(8))
    tool_id: Mapped[int | None] = mapped_column(ForeignKey("tools.id"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    # A concrete 20-minute exercise ("Set up a LinkedIn post together and schedule it").
    exercise: Mapped[str | None] = mapped_column(String(300))
    # The HR admin who added it; None for the seeded catalogue.
    added_by: Mapped[SlackId | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class HiddenPrompt(Base):
    """A shared prompt one program no longer offers (`/rotnem admin prompts remove` there); the
    other programs still do, and the weeks that already had it keep it."""

    __tablename__ = "hidden_prompts"

    # The primary key leads with the program: "what does this program hide?"
    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    prompt_id: Mapped[int] = mapped_column(
        ForeignKey("prompts.id", ondelete="CASCADE"), primary_key=True
    )
    hidden_at: Mapped[datetime]


class WeeklyPrompt(Base):
    """What a pair got in one learner-local ISO week: a prompt, or nothing (`prompt_id` NULL,
    `skipped_reason` set) because someone was paused at the nudge time.

    The row exists before the outbox message (same transaction), so "has this pair had this
    week's prompt" is one indexed lookup. `checkin_due_at` is fixed when the prompt is decided.
    """

    __tablename__ = "weekly_prompts"
    __table_args__ = (
        UniqueConstraint("pair_id", "iso_week"),
        one_of("direction", PromptKind, nullable=True),
        CheckConstraint("(prompt_id IS NULL) = (skipped_reason IS NOT NULL)", name="sent_or_not"),
        Index(
            "ix_weekly_prompts_checkins_due",
            "checkin_due_at",
            postgresql_where=text(CHECKINS_PENDING_SQL),
            sqlite_where=text(CHECKINS_PENDING_SQL),
        ),
        # The program's figures: a workspace's prompted pair-weeks by week, index-only.
        Index("ix_weekly_prompts_team_id_iso_week", "team_id", "iso_week", "pair_id", "prompt_id"),
        # A pair's history as the weekly tick reads it (an index-only scan: ~110,000 rows a week).
        Index(
            "ix_weekly_prompts_history",
            "pair_id",
            "iso_week",
            "prompt_id",
            "direction",
            "tool_name",
        ),
        # A pair's paused weeks (stall detection): the few skipped rows, not a year of history.
        Index(
            "ix_weekly_prompts_paused",
            "pair_id",
            "iso_week",
            postgresql_where=text(PAUSED_WEEK_SQL),
            sqlite_where=text(PAUSED_WEEK_SQL),
        ),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"))
    # The learner-local ISO week of the nudge, e.g. "2026-W48".
    iso_week: Mapped[str] = mapped_column(String(8))
    prompt_id: Mapped[int | None] = mapped_column(ForeignKey("prompts.id"), index=True)
    direction: Mapped[str | None] = mapped_column(String(8))
    # The pair's tool this prompt is about (teach prompts); counts as "covered" in the pair.
    tool_name: Mapped[str | None] = mapped_column(String(40))
    skipped_reason: Mapped[SlackId | None]
    # When it was due (the nudge moment in the learner's zone, in UTC) and decided.
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    checkin_due_at: Mapped[datetime | None]
    checkins_enqueued_at: Mapped[datetime | None]
    # Filled after the dispatcher posted it.
    channel: Mapped[SlackId | None]
    ts: Mapped[SlackId | None]
