"""Asking people how it goes: the fit question after a pair's first session, and the mid- and
end-of-cycle surveys. Answers are private: HR sees them only in aggregate (or, for "Not a good
fit", as a private alert); the partner never sees who said what.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId, between, one_of


class FitAnswer(StrEnum):
    GOOD = "good"
    DECIDING = "deciding"
    BAD = "bad"


class SurveyStage(StrEnum):
    MID = "mid"
    END = "end"


class FitCheck(Base):
    """The question "How is the fit?" to one person of a pair, once, after its first session."""

    __tablename__ = "fit_checks"
    __table_args__ = (
        UniqueConstraint("pair_id", "participant_id"),
        one_of("answer", FitAnswer, nullable=True),
        Index("ix_fit_checks_team_id_asked_at", "team_id", "asked_at"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    asked_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime | None]
    # HR acted on a "Not a good fit" (re-paired, or kept the pair): who and when.
    handled_by: Mapped[SlackId | None]
    handled_at: Mapped[datetime | None]
    channel: Mapped[SlackId | None]
    ts: Mapped[SlackId | None]


class Survey(Base):
    """One person's survey for one stage of a pair's cycle; changeable until the next stage."""

    __tablename__ = "surveys"
    __table_args__ = (
        UniqueConstraint("pair_id", "participant_id", "stage"),
        one_of("stage", SurveyStage),
        between("usefulness", 1, 5, nullable=True),
        Index("ix_surveys_team_id_stage_answered_at", "team_id", "stage", "answered_at"),
        Index("ix_surveys_reminder_due_at", "reminder_due_at"),
        # A person's latest confidence per tool, refreshed when they answer.
        Index("ix_surveys_participant_id", "participant_id"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(8))
    asked_at: Mapped[datetime]
    # One reminder when unanswered: when it is due, and when it was enqueued.
    reminder_due_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    usefulness: Mapped[int | None] = mapped_column(Integer)
    recommend: Mapped[bool | None] = mapped_column(Boolean)
    # "What did you learn about how the other side works?" — private to HR.
    learned_other_side: Mapped[str | None] = mapped_column(String(200))
    # End of cycle only: "Continue with this partner?"
    continue_pair: Mapped[bool | None] = mapped_column(Boolean)
    channel: Mapped[SlackId | None]
    ts: Mapped[SlackId | None]


class SurveyConfidence(Base):
    """The confidence question again, in a survey, for one tool the person learns."""

    __tablename__ = "survey_confidences"
    __table_args__ = (UniqueConstraint("survey_id", "tool_name"), between("rating", 1, 5))

    id: Mapped[IntPK]
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    tool_name: Mapped[str] = mapped_column(String(40))
    rating: Mapped[int] = mapped_column(Integer)
