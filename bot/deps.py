"""What every entry point needs, handed in rather than imported from globals."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.after_ack import AfterAck
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db import SessionMaker, create_engine, create_sessionmaker
from bot.install.keys import workspace_of
from bot.languages import Languages
from bot.services.directory import FieldCache
from bot.services.program.settings import (
    ProgramConfig,
    defaults_from,
    managers_by_program,
    program_config,
    program_managers,
)

if TYPE_CHECKING:
    from bot.install.stores import ExpiringInstallationCache


@dataclass(frozen=True)
class Deps:
    """Settings, database and clock: a sessionmaker, never an open session.

    `installations` is the process's one installation store when Rotnem is installed by OAuth
    (None with a single SLACK_BOT_TOKEN): Bolt and the dispatcher share its token cache.
    """

    settings: Settings
    engine: AsyncEngine
    sessionmaker: SessionMaker
    clock: Clock
    installations: ExpiringInstallationCache | None = None
    # Each workspace's Slack profile fields, listed at most hourly (team.profile.get is paced).
    profile_fields: FieldCache = field(default_factory=FieldCache)
    # What requests go on doing after their acknowledgement (waited for at shutdown).
    after_ack: AfterAck = field(default_factory=AfterAck)
    # Who reads which language, as last read (kept a few minutes).
    languages: Languages = field(default_factory=Languages)

    # Each workspace's program managers as the help last read them (see `shows_admin`).
    _managers: dict[str, tuple[float, frozenset[str]]] = field(default_factory=dict)

    async def is_admin(self, team_id: str, user_id: str) -> bool:
        """Whether `user_id` administers the workspace's program: one of ROTNEM_ADMINS, or a
        manager they appointed — read afresh for every admin action, so a manager removed a
        second ago is refused."""
        if user_id in self.settings.rotnem_admins:
            return True
        async with self.sessionmaker() as session:
            return user_id in await program_managers(session, team_id)

    async def shows_admin(self, team_id: str, user_id: str) -> bool:
        """Whether `user_id` administers any program of `team_id`'s workspace, for what the help
        lists: read at most once a minute per process (the help answers within a millisecond or
        two, and with the database away too: then it lists ROTNEM_ADMINS' commands only; every
        admin action still checks `is_admin` for its program)."""
        if user_id in self.settings.rotnem_admins:
            return True
        workspace = workspace_of(team_id)
        now = time.monotonic()
        known = self._managers.get(workspace)
        if known is None or known[0] < now:
            try:
                async with self.sessionmaker() as session:
                    by_program = await managers_by_program(session, workspace)
            except (SQLAlchemyError, OSError):
                return False
            managers = frozenset(user for users in by_program.values() for user in users)
            known = self._managers[workspace] = (now + 60.0, managers)
        return user_id in known[1]

    @property
    def program_defaults(self) -> ProgramConfig:
        """The program settings the environment gives (ROTNEM_CYCLE_WEEKS, …)."""
        return defaults_from(self.settings)

    async def language_of(
        self,
        team_id: str,
        user_ids: Sequence[str],
        ask: Callable[[str], Awaitable[str | None]] | None = None,
    ) -> str:
        """The language to speak to `user_ids` (one person, a group DM's partners; none: a
        channel): the one they all read in Slack when Rotnem speaks it, else the program's.
        `ask` reads the locale of someone not in the program from Slack."""
        return await self.languages.of_readers(
            self.sessionmaker, team_id, user_ids, default=self.settings.rotnem_language, ask=ask
        )

    async def program_config(self, session: AsyncSession, team_id: str) -> ProgramConfig:
        """The settings in force for a program: its own, else the environment's."""
        return await program_config(session, team_id, self.program_defaults)


def build_deps(settings: Settings, clock: Clock | None = None) -> Deps:
    """The `Deps` of a process; whoever builds them disposes of `engine` when it stops."""
    engine = create_engine(settings.database_url)
    installations = None
    if settings.installs_by_oauth and settings.slack_client_id:
        # Imported here: slack_sdk's stores are only loaded by processes that install by OAuth.
        from bot.install.stores import installation_store

        installations = installation_store(engine, settings.slack_client_id)
    return Deps(
        settings=settings,
        engine=engine,
        sessionmaker=create_sessionmaker(engine),
        clock=clock or SystemClock(),
        installations=installations,
    )


@asynccontextmanager
async def one_off_deps(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Deps]:
    """`Deps` for a one-off command (the CLI, the demo, a benchmark), disposed of at the end."""
    deps = build_deps(settings, clock)
    try:
        yield deps
    finally:
        await deps.engine.dispose()
