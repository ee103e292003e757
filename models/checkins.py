"""Check-ins: each person's weekly "did you meet?", and the sessions pairs report.

The rules that must hold under double clicks, two workers and restarts are the database's: one
check-in per person and week, one session per pair and week, one report per person and session.
Services insert ignoring duplicates and move a check-in out of "asked" with
`UPDATE … WHERE status = 'asked'`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId, between, one_of


class CheckInStatus(StrEnum):
    ASKED = "asked"
    MET = "met"
    NOT_YET = "not_yet"
    SKIPPED = "skipped"
    CANT_MAKE_IT = "cant_make_it"


# Rows the tick still has work for; queries repeat these literals so the partial indexes apply.

# Reports with a confidence rating; queries repeat this literal so the partial index applies.
CONFIDENCE_RATED_SQL = "confidence IS NOT NULL"
# Reminders still to send; queries repeat this literal so the partial index applies.
REMINDER_PENDING_SQL = "reminder_due_at IS NOT NULL AND reminded_at IS NULL"


class CheckIn(Base):
    """One person's check-in for one week: asked, then answered once.

    `attempt` is 1 for the first DM and 2 for the "Not yet" reminder; a button carries the
    attempt it belongs to, so a click on an older message changes nothing.
    """

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("pair_id", "participant_id", "iso_week"),
        one_of("status", CheckInStatus),
        CheckConstraint("attempt IN (1, 2)", name="attempt"),
        one_of("cant_make_it_choice", ("end", "tell_hr"), nullable=True),
        Index(
            "ix_checkins_reminder_due",
            "reminder_due_at",
            postgresql_where=text(REMINDER_PENDING_SQL),
            sqlite_where=text(REMINDER_PENDING_SQL),
        ),
        Index("ix_checkins_weekly_prompt_id", "weekly_prompt_id"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"))
    weekly_prompt_id: Mapped[int] = mapped_column(
        ForeignKey("weekly_prompts.id", ondelete="CASCADE")
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    user_id: Mapped[SlackId]
    iso_week: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=CheckInStatus.ASKED)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    # "Not yet": when to ask again, and when that was enqueued.
    reminder_due_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    # "We can't make this work": what the person chose, and their reason (for HR only).
    cant_make_it_choice: Mapped[str | None] = mapped_column(String(8))
    private_reason: Mapped[str | None] = mapped_column(String(500))
    # The DM of the latest attempt, once posted (for chat.update).
    channel: Mapped[SlackId | None]
    ts: Mapped[SlackId | None]


class PairSession(Base):
    """A session a pair reported for one week; both partners' "We met" link to the same row."""

    __tablename__ = "pair_sessions"
    __table_args__ = (
        UniqueConstraint("pair_id", "iso_week"),
        # The program's figures: a workspace's sessions by week, index-only.
        Index("ix_pair_sessions_team_id_iso_week", "team_id", "iso_week", "pair_id"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"))
    iso_week: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]


# Who reports a session: its guide or its learner.
REPORTER_ROLES = ("guide", "learner")


class LearningWay(StrEnum):
    """Which way the learning went in a session."""

    TOOL = "tool"  # a tool taught
    MIRROR = "mirror"  # how the organisation works, shared back ("reverse the mirror")
    BOTH = "both"


class SessionReport(Base):
    """One person's answers about a session.

    `hr_note` is private to HR: never shown to the partner or in a channel. `team_id`,
    `iso_week`, `created_at` and `reporter_role` repeat what joins would give, so the figures
    and the report read covering indexes instead of a year of sessions.
    """

    __tablename__ = "session_reports"
    __table_args__ = (
        UniqueConstraint("session_id", "participant_id"),
        between("rating", 1, 5),
        between("confidence", 1, 5, nullable=True),
        one_of("direction", LearningWay, nullable=True),
        one_of("reporter_role", REPORTER_ROLES),
        # The program's figures: a week range of the workspace's reports (their tool, session,
        # role, rating, which way the learning went), index-only, in the order the figures
        # group them (week, then tool).
        Index(
            "ix_session_reports_team_id_iso_week_figures",
            "team_id",
            "iso_week",
            "tool_name",
            "session_id",
            "reporter_role",
            "rating",
            "direction",
        ),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    session_id: Mapped[int] = mapped_column(ForeignKey("pair_sessions.id", ondelete="CASCADE"))
    # The session's ISO week, repeated (see above).
    iso_week: Mapped[str] = mapped_column(String(8))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    reporter_role: Mapped[str] = mapped_column(String(8))
    # A tool of the pair, or None with `other_text` ("Something else").
    tool_name: Mapped[str | None] = mapped_column(String(40))
    other_text: Mapped[str | None] = mapped_column(String(150))
    rating: Mapped[int] = mapped_column(Integer)
    learned: Mapped[str | None] = mapped_column(String(200))
    hr_note: Mapped[str | None] = mapped_column(String(500))
    # The learner's confidence in `tool_name` now (the baseline's question and scale).
    confidence: Mapped[int | None] = mapped_column(Integer)
    # Which way the learning went (`LearningWay`).
    direction: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime]


# Each learner's latest confidence per tool (the report, the outcomes export): read in index
# order, newest first, one entry per rating.
Index(
    "ix_session_reports_confidence_latest",
    SessionReport.team_id,
    SessionReport.participant_id,
    SessionReport.tool_name,
    SessionReport.created_at.desc(),
    SessionReport.confidence,
    postgresql_where=text(CONFIDENCE_RATED_SQL),
    sqlite_where=text(CONFIDENCE_RATED_SQL),
)
