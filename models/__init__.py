"""Typed SQLAlchemy models: storage only, no business rules.

Every model module is imported here so that `Base.metadata` is complete for Alembic.
"""

from models.base import Base, UTCDateTime
from models.outbox import OutboxMessage, OutboxStatus
from models.workspace import ProcessedEvent, Workspace

__all__ = [
    "Base",
    "OutboxMessage",
    "OutboxStatus",
    "ProcessedEvent",
    "UTCDateTime",
    "Workspace",
]
