"""What every entry point needs, handed in rather than imported from globals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db import SessionMaker, create_engine, create_sessionmaker
from bot.services.directory import FieldCache
from bot.services.program.settings import ProgramConfig, defaults_from, program_config


@dataclass(frozen=True)
class Deps:
    """Settings, database and clock: a sessionmaker, never an open session."""

    settings: Settings
    engine: AsyncEngine
    sessionmaker: SessionMaker
    clock: Clock
    # Each workspace's Slack profile fields, listed at most hourly (team.profile.get is paced).
    profile_fields: FieldCache = field(default_factory=FieldCache)

    def is_admin(self, user_id: str) -> bool:
        """Whether `user_id` is one of the program's HR admins (checked on every admin action)."""
        return user_id in self.settings.rotnem_admins

    @property
    def program_defaults(self) -> ProgramConfig:
        """The program settings the environment gives (ROTNEM_CYCLE_WEEKS, …)."""
        return defaults_from(self.settings)

    async def program_config(self, session: AsyncSession, team_id: str) -> ProgramConfig:
        """The settings in force for a workspace: its own, else the environment's."""
        return await program_config(session, team_id, self.program_defaults)


def build_deps(settings: Settings, clock: Clock | None = None) -> Deps:
    """The `Deps` of a process; whoever builds them disposes of `engine` when it stops."""
    engine = create_engine(settings.database_url)
    return Deps(
        settings=settings,
        engine=engine,
        sessionmaker=create_sessionmaker(engine),
        clock=clock or SystemClock(),
    )


@asynccontextmanager
async def one_off_deps(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Deps]:
    """`Deps` for a one-off command (the CLI, the demo, a benchmark), disposed of at the end."""
    deps = build_deps(settings, clock)
    try:
        yield deps
    finally:
        await deps.engine.dispose()
