"""What people learned: a confidence baseline per tool, teach-backs, and the follow-up after a
cycle.

Confidence is one question on one scale everywhere it is asked (profile, "We met", surveys):
"How confident are you with <tool> today?" 1 = never used it … 5 = could teach it. The database
keeps the first answer as the baseline (insert-ignore on the unique key); later answers live
with the session report or survey that asked them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId, between, one_of


class StillUsing(StrEnum):
    YES = "yes"
    SOMETIMES = "sometimes"
    NO = "no"


class ToolBaseline(Base):
    """A person's first confidence rating for a tool they learn (or teach), from the profile,
    and the latest rating given after it ("We met" or a survey), kept current by the services
    that store those, so that "confidence before → now" reads one row per learner and tool."""

    __tablename__ = "tool_baselines"
    __table_args__ = (
        UniqueConstraint("participant_id", "direction", "tool_name"),
        one_of("direction", ("teach", "learn")),
        between("rating", 1, 5),
        between("latest_rating", 1, 5, nullable=True),
        Index("ix_tool_baselines_team_id_direction", "team_id", "direction"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(8))
    tool_name: Mapped[str] = mapped_column(String(40))
    rating: Mapped[int] = mapped_column(Integer)
    rated_at: Mapped[datetime]
    latest_rating: Mapped[int | None] = mapped_column(Integer)
    latest_at: Mapped[datetime | None]


class TeachBack(Base):
    """The guide confirmed that the learner showed a tool back: the tool counts as learned."""

    __tablename__ = "teach_backs"
    __table_args__ = (
        UniqueConstraint("pair_id", "tool_name"),
        Index("ix_teach_backs_team_id_confirmed_at", "team_id", "confirmed_at"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    tool_name: Mapped[str] = mapped_column(String(40))
    # The session after which the guide confirmed it.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("pair_sessions.id", ondelete="SET NULL")
    )
    confirmed_by: Mapped[SlackId]
    confirmed_at: Mapped[datetime]


class FollowUp(Base):
    """30 days after a cycle ends: "Still using <tool>?" to the learner, per learned tool."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("pair_id", "tool_name"),
        one_of("answer", StillUsing, nullable=True),
        Index("ix_follow_ups_due_at", "due_at"),
        Index("ix_follow_ups_team_id_answer", "team_id", "answer"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    tool_name: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime]
    asked_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime | None]
    channel: Mapped[SlackId | None]
    ts: Mapped[SlackId | None]
