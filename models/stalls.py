"""Stall alerts: HR was told that a pair stopped reporting sessions, once per stall."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId


class StallAlert(Base):
    """HR was told that a pair stalled; one row per stall (the week it started)."""

    __tablename__ = "stall_alerts"
    __table_args__ = (UniqueConstraint("pair_id", "stall_started_week"),)

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"))
    stall_started_week: Mapped[str] = mapped_column(String(8))
    # The last moment the pair was known to be alive: its start or its last reported session.
    since: Mapped[datetime]
    created_at: Mapped[datetime]
    # What an admin did about it: "nudged" or "talked", by whom.
    action: Mapped[str | None] = mapped_column(String(16))
    action_by: Mapped[SlackId | None]
    action_at: Mapped[datetime | None]
