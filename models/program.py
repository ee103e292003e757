"""Program settings per workspace, and the log of every change to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId


class ProgramSettings(Base):
    """Per-workspace program settings; a NULL column means "the environment's default".

    Add a setting as one more nullable column (and its default in
    `bot/services/program/settings.py`).
    """

    __tablename__ = "program_settings"
    __table_args__ = (
        CheckConstraint("cycle_weeks IS NULL OR cycle_weeks BETWEEN 1 AND 52", name="cycle_weeks"),
        CheckConstraint(
            "tz_preference IS NULL OR tz_preference IN ('prefer_close', 'ignore')",
            name="tz_preference",
        ),
        # The weekly rhythm (bot/services/program/settings.py has the ranges the modal checks).
        CheckConstraint("nudge_weekday IS NULL OR nudge_weekday BETWEEN 0 AND 6", name="nudge_day"),
        CheckConstraint("nudge_hour IS NULL OR nudge_hour BETWEEN 0 AND 23", name="nudge_hour"),
        CheckConstraint(
            "checkin_delay_days IS NULL OR checkin_delay_days BETWEEN 1 AND 6", name="checkin_delay"
        ),
        CheckConstraint("stall_weeks IS NULL OR stall_weeks BETWEEN 1 AND 12", name="stall_weeks"),
    )

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cycle_weeks: Mapped[int | None] = mapped_column(Integer)
    auto_propose_next_round: Mapped[bool | None] = mapped_column(Boolean)
    tz_preference: Mapped[str | None] = mapped_column(String(16))
    # Keep-alive: weekly prompt day (0 = Monday) and hour in the learner's zone, the days from
    # a prompt to its check-in, the silent weeks before HR hears of a pair, the announcement
    # channel.
    nudge_weekday: Mapped[int | None] = mapped_column(Integer)
    nudge_hour: Mapped[int | None] = mapped_column(Integer)
    checkin_delay_days: Mapped[int | None] = mapped_column(Integer)
    stall_weeks: Mapped[int | None] = mapped_column(Integer)
    announce_channel: Mapped[SlackId | None]
    updated_at: Mapped[datetime]
    updated_by: Mapped[SlackId | None]


class SettingsChange(Base):
    """Append-only: who changed which program setting, when, from what to what."""

    __tablename__ = "program_settings_changes"
    __table_args__ = (Index("ix_program_settings_changes_team_id_at", "team_id", "at"),)

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    actor_id: Mapped[SlackId | None]
    at: Mapped[datetime]
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(String(100))
    new_value: Mapped[str | None] = mapped_column(String(100))
