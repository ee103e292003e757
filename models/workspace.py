"""Workspaces the bot serves and Events API deliveries already handled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Workspace(Base):
    """A Slack workspace (team) the bot has seen; every other table is keyed by its team ID.

    With an org-wide install on Enterprise Grid the key is the org's enterprise ID instead: one
    program spans the org's workspaces (see `bot/install/keys.py`).
    """

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    first_seen_at: Mapped[datetime]
    # The Grid org a workspace-level install belongs to: its token is found by both IDs.
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    # Set by app_uninstalled / tokens_revoked, cleared by a new install: while set, nothing is
    # sent there and its outbox rows wait.
    uninstalled_at: Mapped[datetime | None]


class ProcessedEvent(Base):
    """An Events API `event_id` already processed, so Slack's retries are acknowledged only."""

    __tablename__ = "processed_events"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
