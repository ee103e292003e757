"""Pairing rounds (cycles), the pairs they create, and personal exclusions.

Two rules are the database's, not a service's read-then-write: a learner is in at most one
active pair (`uq_pairs_active_learner`, a partial unique index), and a round leaves "proposed"
once (the services move it with `UPDATE … WHERE status = 'proposed'` and check the row count).
Pairs are never deleted: an ended pair keeps who, when, why and in which round.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId, one_of


class RoundStatus(StrEnum):
    PROPOSED = "proposed"  # computed and shown to an admin; nothing else changed yet
    APPROVED = "approved"  # pairs created and introduced; the cycle runs until `ends_on`
    DISCARDED = "discarded"  # an admin discarded it, or a newer proposal replaced it


class RoundSource(StrEnum):
    MATCHING = "matching"  # proposed by the matching engine
    MANUAL = "manual"  # holds pairs an admin made by hand while no cycle was running
    REPAIR = "repair"  # new partners for the two people of a pair that was not a good fit


class EndReason(StrEnum):
    CYCLE_ENDED = "cycle_ended"
    LEFT = "left"
    UNPAIRED = "unpaired"  # by an HR admin
    NOT_A_FIT = "not_a_fit"  # re-paired by HR after a "Not a good fit"
    DEACTIVATED = "deactivated"  # one of the two was deactivated in Slack


ACTIVE_PAIR_SQL = "ended_at IS NULL"


class Round(Base):
    """One pairing round; once approved, a cycle from `started_on` to `ends_on` (local dates).

    `proposal` is the snapshot the admin saw (pairs with explanations, the unmatched with
    reasons), so approving creates exactly that, minus whoever left or paused since.
    """

    __tablename__ = "pairing_rounds"
    __table_args__ = (
        one_of("status", RoundStatus),
        one_of("source", RoundSource),
        Index("ix_pairing_rounds_team_id_status", "team_id", "status"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    status: Mapped[str] = mapped_column(String(16), default=RoundStatus.PROPOSED)
    source: Mapped[str] = mapped_column(String(16), default=RoundSource.MATCHING)
    proposal: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The Slack user who asked; None when proposed from the command line or by the scheduler.
    proposed_by: Mapped[SlackId | None]
    approved_by: Mapped[SlackId | None]
    discarded_by: Mapped[SlackId | None]
    decided_at: Mapped[datetime | None]
    started_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    # Set by the end-of-cycle job once every pair of the round has ended.
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Pair(Base):
    """A guide and a learner together for one cycle; the history row once it ends."""

    __tablename__ = "pairs"
    __table_args__ = (
        CheckConstraint("guide_id <> learner_id", name="two_people"),
        one_of("end_reason", EndReason, nullable=True),
        CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)", name="ended_with_reason"),
        Index(
            "uq_pairs_active_learner",
            "learner_id",
            unique=True,
            postgresql_where=text(ACTIVE_PAIR_SQL),
            sqlite_where=text(ACTIVE_PAIR_SQL),
        ),
        # Past partners are looked up from either side.
        Index("ix_pairs_guide_id", "guide_id"),
        Index("ix_pairs_learner_id", "learner_id"),
        Index("ix_pairs_round_id", "round_id"),
        Index("ix_pairs_team_id_ended_at", "team_id", "ended_at"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    round_id: Mapped[int] = mapped_column(ForeignKey("pairing_rounds.id"))
    guide_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    # The tools the guide teaches that the learner wants, as named when the pair was made.
    shared_tools: Mapped[list[str]] = mapped_column(JSON)
    # The engine's sentence for HR ("Ana can teach ChatGPT, which Ben wants to learn; …").
    explanation: Mapped[str] = mapped_column(String(500), default="")
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(16))
    # Who ended it (an admin for "unpaired", the person for "left"); None when automatic.
    ended_by: Mapped[SlackId | None]
    # The group DM (guide, learner and the bot), stored when the introduction is sent.
    group_channel_id: Mapped[SlackId | None]
    first_session_scheduled_at: Mapped[datetime | None]
    first_session_marked_by: Mapped[SlackId | None]


class PairExclusion(Base):
    """A participant asked never to be paired with `excluded_user_id` (it blocks both ways)."""

    __tablename__ = "pair_exclusions"
    __table_args__ = (UniqueConstraint("participant_id", "excluded_user_id"),)

    id: Mapped[IntPK]
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    excluded_user_id: Mapped[SlackId]
    created_at: Mapped[datetime]
