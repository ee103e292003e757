"""What Slack's profiles say about reporting lines: each person's manager as last read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId


class DirectoryEntry(Base):
    """One person's manager per the workspace's manager field (users.profile.get), and when it
    was read: a cache (re-read when stale or when Slack says the person changed) that also
    carries reporting lines through people who are not in the program."""

    __tablename__ = "directory_entries"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id"),
        # Every user_change asks whether the person is someone's manager.
        Index("ix_directory_entries_team_id_manager_id", "team_id", "manager_id"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    user_id: Mapped[SlackId]
    # The profile field it was read from: a value read under another field is not used.
    field_id: Mapped[str] = mapped_column(String(32))
    manager_id: Mapped[SlackId | None]
    read_at: Mapped[datetime]
