"""Participants of the program, their tools, and the log of every change to their state.

Roles and states are stored as short strings checked by the database; the rules that move a
participant between states live in `bot/services/enrollment.py`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId, between, one_of


class Role(StrEnum):
    GUIDE = "guide"  # teaches tools
    LEARNER = "learner"  # learns tools, shares how things get done
    BOTH = "both"


class State(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


class Direction(StrEnum):
    TEACH = "teach"
    LEARN = "learn"


class Participant(Base):
    """One person's opt-in, unique per workspace and Slack user."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id"),
        one_of("role", Role),
        one_of("state", State),
        between("capacity", 1, 3),
        Index("ix_participants_team_id_state", "team_id", "state"),
        # The figures' count by role and standing, index-only (what a standing depends on but
        # the running pairs).
        Index(
            "ix_participants_team_id_standing",
            "team_id",
            "role",
            "state",
            "paused_until",
            "waitlisted_since",
        ),
    )

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    user_id: Mapped[SlackId]
    role: Mapped[str] = mapped_column(String(16))
    department: Mapped[str] = mapped_column(String(80))
    # Private: only used to keep pairs out of a reporting line; never shown to the partner.
    manager_id: Mapped[SlackId | None]
    # How many learners a guide takes on at once (1 for learners).
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    # What a learner can share in return ("how budgeting decisions get made").
    share: Mapped[str | None] = mapped_column(String(200))
    # Private to the person (and HR exports).
    goals: Mapped[str | None] = mapped_column(Text)
    # From users.info: the IANA zone and the name Slack shows.
    tz: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(255), default="")
    # Slack's locale for the person ("fr-FR"; users.info with include_locale): the language
    # Rotnem speaks to them in, when it has a catalog for it.
    locale: Mapped[str | None] = mapped_column(String(16))
    identity_refreshed_at: Mapped[datetime | None]
    # Since when Slack has said this is a guest account: kept out of new pairs, not out of one.
    guest_since: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(16), default=State.ACTIVE)
    # Set while paused: the moment the pause ends by itself (local midnight of the resume date).
    paused_until: Mapped[datetime | None]
    # Set by a pairing round that found nobody for this person; cleared when paired or leaving.
    waitlisted_since: Mapped[datetime | None]
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class ParticipantTool(Base):
    """A tool someone teaches or wants to learn: from the catalogue, or typed in ("Other tools")."""

    __tablename__ = "participant_tools"
    __table_args__ = (
        UniqueConstraint("participant_id", "direction", "tool_id"),
        UniqueConstraint("participant_id", "direction", "other_name"),
        one_of("direction", Direction),
        CheckConstraint(
            "(tool_id IS NULL AND other_name IS NOT NULL) "
            "OR (tool_id IS NOT NULL AND other_name IS NULL)",
            name="one_source",
        ),
    )

    id: Mapped[IntPK]
    # Indexed by the unique constraints, which lead with it.
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(8))
    tool_id: Mapped[int | None] = mapped_column(ForeignKey("tools.id"), index=True)
    other_name: Mapped[str | None] = mapped_column(String(40))


class StateChange(Base):
    """Append-only: who moved whom from one state to another, when, and through what."""

    __tablename__ = "participant_state_changes"

    id: Mapped[IntPK]
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    # None when the participant was created by this change.
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    # "command:pause", "button:home_pause", "modal:profile", "automatic", ...
    via: Mapped[str] = mapped_column(String(64))
    # The Slack user who acted; None for the automatic resume.
    actor_id: Mapped[SlackId | None]
    # For changes into "paused": until when.
    paused_until: Mapped[datetime | None]
