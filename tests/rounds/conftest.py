"""A running bot with an announcement channel, people joined through the enrollment service,
and the outbox drained by the real dispatcher into the fake Slack."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
import httpx
import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.clock import ManualClock
from bot.delivery.dispatcher import DispatchConfig, Dispatcher
from bot.ids import ActionId, BlockId
from bot.notice_kinds import notice_kinds
from bot.sandbox import FakeSlack
from bot.services import tools
from bot.services.enrollment.identity import Identity
from bot.services.enrollment.profile import ProfileInput, save_profile
from bot.services.events import remember_workspace
from models import OutboxMessage, Pair, Role
from tests.harness import ADMIN_ID, BOT_TOKEN, RunningBot, start_bot

ANNOUNCE = "C0PROGRAM1"
CHANNEL = "C0HRDESK01"
TEAM = "T0ROTNEM01"


@dataclass
class Program:
    bot: RunningBot
    dispatcher: Dispatcher

    @property
    def slack(self) -> FakeSlack:
        return self.bot.slack

    @property
    def team_id(self) -> str:
        return self.bot.requester.team_id

    async def join(
        self,
        user_id: str,
        name: str,
        role: str,
        *,
        teaches: Sequence[str] = (),
        learns: Sequence[str] = (),
        manager: str | None = None,
        tz: str = "Europe/London",
        goals: str | None = None,
        capacity: int = 1,
        department: str = "Sales",
    ) -> None:
        """A participant saved through the real enrollment service (faster than the modal);
        the workspace is known to the bot, as after any request from it."""
        self.slack.add_user(user_id, real_name=name, tz=tz)
        now = self.bot.clock.now()
        async with self.bot.deps.sessionmaker.begin() as session:
            await remember_workspace(session, self.team_id, now)
            catalogue = {t.name: t.id for t in await tools.list_tools(session)}
            profile = ProfileInput(
                role=Role(role),
                department=department,
                teach_tool_ids=frozenset(catalogue[t] for t in teaches),
                learn_tool_ids=frozenset(catalogue[t] for t in learns),
                manager_id=manager,
                capacity=capacity,
                goals=goals,
            )
            await save_profile(
                session,
                self.team_id,
                Identity(user_id=user_id, display_name=name, tz=tz),
                profile,
                now=now,
                via="test",
            )

    async def command(self, text: str, user: str = ADMIN_ID) -> httpx.Response:
        return await self.bot.requester.command(
            command="/rotnem", user_id=user, channel_id=CHANNEL, text=text
        )

    async def answers(self, count: int, user: str = ADMIN_ID) -> list[dict[str, Any]]:
        """The ephemeral answers `user` got through response_urls, once `count` have arrived."""
        for _ in range(500):
            found = self.slack.ephemerals(user)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.01)
        raise AssertionError(f"expected {count} answers for {user}, got {found}")

    async def responses(self, count: int) -> list[dict[str, Any]]:
        await self.slack.wait_for("response_url", count)
        return self.slack.responses()

    async def propose(self) -> dict[str, Any]:
        """`/rotnem admin pair` and the proposal message the admin sees."""
        before = len(self.slack.ephemerals(ADMIN_ID))
        response = await self.command("admin pair")
        assert response.status_code == 200
        assert "Working out" in response.json()["text"]
        return (await self.answers(before + 1))[-1]

    async def click(
        self,
        message: dict[str, Any],
        action: ActionId,
        block: BlockId,
        *,
        user: str = ADMIN_ID,
        channel: str = CHANNEL,
    ) -> httpx.Response:
        value = button_value(message, action)
        stored = {"ts": message.get("message_ts") or message.get("ts"), **message}
        return await self.bot.requester.click(
            user_id=user,
            action_id=action,
            block_id=block,
            value=value,
            message=stored,
            channel_id=message.get("channel") or channel,
        )

    async def deliver_all(self) -> None:
        """Dispatch until every outbox row is sent or failed (jumping the clock to due rows)."""
        for _ in range(500):
            if await self.dispatcher.run_once():
                continue
            due = await self.dispatcher.next_due()
            if due is None:
                return
            if due > self.bot.clock.now():
                self.bot.clock.set(due)
        raise AssertionError("the outbox did not drain")

    async def pairs(self) -> list[Pair]:
        async with self.bot.deps.sessionmaker() as session:
            return list(await session.scalars(select(Pair).order_by(Pair.id)))

    async def outbox(self, kind: str | None = None) -> list[OutboxMessage]:
        async with self.bot.deps.sessionmaker() as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if kind is not None:
                query = query.where(OutboxMessage.kind == kind)
            return list(await session.scalars(query))

    def posts(self, channel: str) -> list[dict[str, Any]]:
        return [m for m in self.slack.messages(channel) if m.get("bot_id")]

    def dm(self, user_id: str) -> list[dict[str, Any]]:
        return self.posts(self.slack.dm_channel(user_id))


def button_value(message: dict[str, Any], action: ActionId) -> str:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action:
                return str(element["value"])
    raise AssertionError(f"no {action} button in {message.get('text')!r}")


def virtual_pacer_config() -> DispatchConfig:
    return DispatchConfig(post_rate_per_minute=6000.0, open_rate_per_minute=6000.0, concurrency=8)


@pytest.fixture
async def program(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> AsyncIterator[Program]:
    fake_slack.add_user(ADMIN_ID, real_name="Hana HR")
    fake_slack.add_channel(ANNOUNCE, name="reverse-mentoring")
    async with (
        start_bot(
            database_url=database_url,
            slack=fake_slack,
            clock=clock,
            rotnem_announce_channel=ANNOUNCE,
        ) as running,
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http,
    ):
        config = virtual_pacer_config()

        async def sleep(seconds: float) -> None:
            clock.advance(timedelta(seconds=seconds))
            await asyncio.sleep(0)

        client = AsyncWebClient(
            token=BOT_TOKEN, base_url=fake_slack.api_url, session=http, retry_handlers=[]
        )
        dispatcher = Dispatcher(
            sessionmaker=running.deps.sessionmaker,
            clock=clock,
            client=client,
            kinds=notice_kinds(),
            config=config,
            pacer=config.pacer(clock=lambda: clock.now().timestamp(), sleep=sleep),
        )
        yield Program(running, dispatcher)
