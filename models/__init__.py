"""Typed SQLAlchemy models: storage only, no business rules.

Every model module is imported here so that `Base.metadata` is complete for Alembic.
"""

from models.base import Base, UTCDateTime
from models.keepalive import (
    CheckIn,
    CheckInStatus,
    PairSession,
    Prompt,
    PromptKind,
    SessionReport,
    SettingsChange,
    StallAlert,
    WeeklyPrompt,
)
from models.outbox import OutboxMessage, OutboxStatus
from models.pairing import (
    EndReason,
    Pair,
    PairExclusion,
    ProgramSettings,
    Round,
    RoundSource,
    RoundStatus,
)
from models.participant import (
    Direction,
    Participant,
    ParticipantTool,
    Role,
    State,
    StateChange,
)
from models.tool import Tool
from models.workspace import ProcessedEvent, Workspace

__all__ = [
    "Base",
    "CheckIn",
    "CheckInStatus",
    "Direction",
    "EndReason",
    "OutboxMessage",
    "OutboxStatus",
    "Pair",
    "PairExclusion",
    "PairSession",
    "Participant",
    "ParticipantTool",
    "ProcessedEvent",
    "ProgramSettings",
    "Prompt",
    "PromptKind",
    "Role",
    "Round",
    "RoundSource",
    "RoundStatus",
    "SessionReport",
    "SettingsChange",
    "StallAlert",
    "State",
    "StateChange",
    "Tool",
    "UTCDateTime",
    "WeeklyPrompt",
    "Workspace",
]
