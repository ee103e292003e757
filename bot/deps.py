"""What every entry point needs, handed in rather than imported from globals."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock
from bot.config import Settings
from bot.db import SessionMaker


@dataclass(frozen=True)
class Deps:
    """Settings, database and clock: a sessionmaker, never an open session."""

    settings: Settings
    engine: AsyncEngine
    sessionmaker: SessionMaker
    clock: Clock

    def is_admin(self, user_id: str) -> bool:
        """Whether `user_id` is one of the program's HR admins (checked on every admin action)."""
        return user_id in self.settings.rotnem_admins
