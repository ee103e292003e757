"""The outbox: every proactive Slack message, written in the transaction that caused it.

A row moves pending -> sending (leased by one dispatcher) -> sent | failed, or back to pending
for a retry; a pending row can be withdrawn before it is sent (what it was about ended).
`bot/delivery` owns the rules; this module only stores them. A row carries a notice (a kind and
its values), rendered to a Slack message when it is sent.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId, one_of


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Never sent, and never to be: what it was about ended while it waited (a pair's weekly
    # prompt or check-in when the pair ends; `bot.services.rounds.ending`).
    WITHDRAWN = "withdrawn"


# Rows a dispatcher may still claim. Only these sit in the claim index, so the queue stays as
# fast with a million sent rows as with none. Queries repeat this exact literal text: SQLite (and
# PostgreSQL's generic plans) use a partial index only when the query's WHERE visibly implies it,
# which a bound parameter does not.
CLAIMABLE_SQL = "status IN ('pending', 'sending')"


class OutboxMessage(Base):
    """One message to send, named by `dedupe_key` (unique per workspace, e.g. `intro:<pair_id>`).

    `next_attempt_at` is "when a dispatcher may next look at this row": for a pending row the
    earliest send time, for a sending row the moment its lease runs out. One ordered index over
    it serves both "due" and "abandoned by a dead process".
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("team_id", "dedupe_key"),
        one_of("status", OutboxStatus),
        CheckConstraint("channel IS NOT NULL OR open_users IS NOT NULL", name="target"),
        Index(
            "ix_outbox_messages_due",
            "next_attempt_at",
            "id",
            postgresql_where=text(CLAIMABLE_SQL),
            sqlite_where=text(CLAIMABLE_SQL),
        ),
        Index("ix_outbox_messages_status", "status"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    dedupe_key: Mapped[str] = mapped_column(String(255))
    # The notice's kind (`bot.notice_kinds` maps it to its renderer and after-send hook).
    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    # The notice's values, rendered to Block Kit by the dispatcher when it sends the row.
    notice: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Either a conversation to post in, or user IDs to `conversations.open` first (DM or group DM).
    channel: Mapped[SlackId | None]
    open_users: Mapped[list[str] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    # Set while a dispatcher holds the row, and kept when an attempt ends without a known outcome
    # (crash, timeout, dropped connection, 5xx): a row claimed with `lease_owner` still set may
    # already be in Slack, so the dispatcher looks for it there before posting again.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    # What Slack answered: the conversation the message landed in and its timestamp.
    slack_channel: Mapped[SlackId | None]
    slack_ts: Mapped[SlackId | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
