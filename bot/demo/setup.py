"""The demo's stage: its settings, the fake Slack with the synthetic people, the
real app served on 127.0.0.1, the bot's background on a simulated clock, and the agenda that lets
the people act while weeks pass.

Settings are built here from code, never read from the environment or a ``.env`` file: the bot
talks to the fake Slack only, whatever tokens the shell holds.
"""

from __future__ import annotations

import heapq
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import httpx
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from sqlalchemy import event

from bot.clock import ManualClock
from bot.config import Settings
from bot.demo.clockwork import Clockwork
from bot.deps import one_off_deps
from bot.runtime import build_server_app
from bot.sandbox.driver import SlackDriver
from bot.sandbox.fake_slack import DEFAULT_TOKEN, FakeSlack
from bot.sandbox.people import Workspace
from bot.sandbox.serving import serve_locally
from bot.sandbox.signing import SlackRequester
from bot.sandbox.surfaces import DriverError

CHANNEL_ID = "C0MENTORS1"
CHANNEL_NAME = "mentoring-announcements"
# Shared by the fake Slack and the app only; no real Slack is ever contacted.
SIGNING_SECRET = "rotnem-demo-signing-secret"
PROGRAM_ZONE = "Europe/London"
# What the bot's `@app.error` tells a person: seen anywhere, the bot failed.
APOLOGY = "something went wrong on our side"


class DemoError(Exception):
    """The demo could not run through; the message is one line for the person running it."""


# ---- settings and database ----------------------------------------------------------------------


class _CodeSettings(Settings):
    """Settings from arguments only: the demo never reads the environment or a .env file."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def _demo_settings(
    database_url: str, slack: FakeSlack, admin_id: str, cycle_weeks: int
) -> Settings:
    return _CodeSettings(
        slack_bot_token=DEFAULT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
        database_url=database_url,
        rotnem_admins=admin_id,
        rotnem_cycle_weeks=cycle_weeks,
        rotnem_announce_channel=CHANNEL_ID,
        rotnem_timezone=PROGRAM_ZONE,
        log_level="WARNING",
    )


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


# ---- the bot's health ---------------------------------------------------------------------------


class _ErrorLog(logging.Handler):
    """Errors logged anywhere in the bot (a failed listener, job or delivery) stop the demo."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message += f": {type(error).__name__}: {error}"
        self.errors.append(f"{record.name}: {message}")


@contextmanager
def _logged_errors() -> Iterator[_ErrorLog]:
    """The process's logged errors for the length of the block; warnings are kept quiet."""
    log = _ErrorLog()
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(log)
    root.setLevel(logging.WARNING)
    try:
        yield log
    finally:
        root.removeHandler(log)
        root.setLevel(previous_level)


# ---- the stage ----------------------------------------------------------------------------------


@dataclass(order=True)
class _Action:
    when: datetime
    seq: int
    label: str = field(compare=False)
    run: Callable[[], Awaitable[object]] = field(compare=False)


class Stage:
    """The running bot and the fake Slack its people use, with an agenda of what they will do.

    `play` interleaves the two sides: an action runs when its time comes; in between, the clock
    jumps to the next moment the bot's background has something to do. After every action and
    every step of the background the people read what the bot sent (``react``) and the bot's
    health is checked.
    """

    def __init__(
        self,
        *,
        workspace: Workspace,
        slack: FakeSlack,
        driver: SlackDriver,
        clockwork: Clockwork,
        errors: _ErrorLog,
    ) -> None:
        self.workspace = workspace
        self.slack = slack
        self.driver = driver
        self.clockwork = clockwork
        self.clock = clockwork.clock
        self.deps = clockwork.deps
        self._errors = errors
        self._agenda: list[_Action] = []
        self._seq = itertools.count(1)
        self._screened = 0  # driver events already read for an apology

    def at(self, when: datetime, label: str, run: Callable[[], Awaitable[object]]) -> None:
        """Have ``run`` done at ``when``; ``label`` names it if the bot then fails."""
        heapq.heappush(self._agenda, _Action(when, next(self._seq), label, run))

    def people_in(self, channel: str) -> tuple[str, ...]:
        """The members of a conversation, the bot left out."""
        members = self.slack.conversation_members(channel)
        return tuple(u for u in members if u != self.slack.bot_user_id)

    def check(self) -> None:
        """Stop at the first sign of a bot error, with one line saying what it was."""
        if self._errors.errors:
            raise DemoError(f"the bot logged an error: {self._errors.errors[0]}")
        if self.driver.app_errors:
            raise DemoError(self.driver.app_errors[0])
        if self.driver.slack_errors:
            raise DemoError(f"Slack refused a call from the bot: {self.driver.slack_errors[0]}")
        events = self.driver.events
        for seen in events[self._screened :]:
            if seen.kind in ("message", "ephemeral", "update") and APOLOGY in seen.text:
                raise DemoError(f"the bot apologised to someone: {seen.text[:160]}")
        self._screened = len(events)

    async def settle(self, react: Callable[[], None]) -> None:
        """Deliver what the bot queued, let the people read it, check the bot's health."""
        await self.clockwork.drain()
        react()
        self.check()

    async def play(
        self, until: datetime, react: Callable[[], None], on_progress: Callable[[datetime], None]
    ) -> None:
        """Run the agenda and the bot's background together until ``until``."""
        while True:
            if self._due():
                action = heapq.heappop(self._agenda)
                try:
                    await action.run()
                except DriverError as exc:
                    raise DemoError(f"{action.label}: {exc}") from exc
                await self.settle(react)
            elif self.clock.now() >= until:
                return
            else:
                upcoming = self._agenda[0].when if self._agenda else until
                await self._pass_time(min(upcoming, until), react, on_progress)

    def _due(self) -> bool:
        return bool(self._agenda) and self._agenda[0].when <= self.clock.now()

    async def _pass_time(
        self, until: datetime, react: Callable[[], None], on_progress: Callable[[datetime], None]
    ) -> None:
        """Let time pass until ``until``, or until someone has something to do, stopping
        wherever the bot's jobs have something due."""
        while self.clock.now() < until and not self._due():
            stop = await self.clockwork.next_stop(self.slack.team_id, until)
            self.clock.set(stop.at)
            on_progress(stop.at)
            if stop.idle:
                continue  # only people act here: the next action is due
            await self.clockwork.step(stop)
            react()
            self.check()


@asynccontextmanager
async def staged(workspace: Workspace, database_url: str, cycle_weeks: int) -> AsyncIterator[Stage]:
    """The stage for the length of the block, its clock at next Monday's start; then it stops."""
    with _logged_errors() as errors, FakeSlack() as slack:
        for person in workspace:
            slack.add_user(
                person.user_id,
                real_name=person.name,
                tz=person.tz,
                title=person.title,
                locale=person.locale,
            )
        slack.add_channel(CHANNEL_ID, name=CHANNEL_NAME, members=[p.user_id for p in workspace])
        settings = _demo_settings(database_url, slack, workspace.admin.user_id, cycle_weeks)
        clock = ManualClock(_first_monday(datetime.now(UTC)))
        async with one_off_deps(settings, clock) as deps:
            if deps.engine.dialect.name == "sqlite":
                # A throwaway database: commits need not wait for the disk (weeks of jobs
                # commit thousands of times).
                event.listen(deps.engine.sync_engine, "connect", _no_fsync)
            async with (
                serve_locally(build_server_app(deps)) as url,
                httpx.AsyncClient(timeout=30) as client,
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http,
            ):
                requester = SlackRequester(url, SIGNING_SECRET, slack=slack, client=client)
                yield Stage(
                    workspace=workspace,
                    slack=slack,
                    driver=SlackDriver(
                        slack, requester, now=clock.now, program_language=settings.rotnem_language
                    ),
                    clockwork=Clockwork(deps, clock, http, zones={p.tz for p in workspace}),
                    errors=errors,
                )


def _first_monday(now: datetime) -> datetime:
    """The next Monday, 07:00 UTC: the simulation starts at a week's beginning."""
    days = (7 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=7, minute=0, second=0, microsecond=0)
