"""Typed SQLAlchemy models: storage only, no business rules.

Every model module is imported here so that `Base.metadata` is complete for Alembic.
"""

from models.base import Base, UTCDateTime
from models.checkins import (
    REPORTER_ROLES,
    CheckIn,
    CheckInStatus,
    LearningWay,
    PairSession,
    SessionReport,
)
from models.directory import DirectoryEntry
from models.enrollment import Direction, Participant, ParticipantTool, Role, State, StateChange
from models.installations import SlackBots, SlackInstallations, SlackOAuthStates
from models.learning import FollowUp, StillUsing, TeachBack, ToolBaseline
from models.outbox import OutboxMessage, OutboxStatus
from models.program import ProgramSettings, SettingsChange
from models.prompts import HiddenPrompt, Prompt, PromptKind, WeeklyPrompt
from models.rounds import EndReason, Pair, PairExclusion, Round, RoundSource, RoundStatus
from models.stalls import StallAlert
from models.surveys import FitAnswer, FitCheck, Survey, SurveyConfidence, SurveyStage
from models.tools import HiddenTool, Tool
from models.wording import WordingText
from models.workspace import ProcessedEvent, Workspace

__all__ = [
    "REPORTER_ROLES",
    "Base",
    "CheckIn",
    "CheckInStatus",
    "Direction",
    "DirectoryEntry",
    "EndReason",
    "FitAnswer",
    "FitCheck",
    "FollowUp",
    "HiddenPrompt",
    "HiddenTool",
    "LearningWay",
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
    "SlackBots",
    "SlackInstallations",
    "SlackOAuthStates",
    "StallAlert",
    "State",
    "StateChange",
    "StillUsing",
    "Survey",
    "SurveyConfidence",
    "SurveyStage",
    "TeachBack",
    "Tool",
    "ToolBaseline",
    "UTCDateTime",
    "WeeklyPrompt",
    "WordingText",
    "Workspace",
]
