"""A running bot with people paired through the pairing service, the keep-alive jobs called as
the scheduler calls them, and the outbox drained by the real dispatcher into the fake Slack."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.ids import ActionId, BlockId
from bot.jobs.checkins import checkins_tick, enqueue_checkins
from bot.jobs.prompts import enqueue_prompts, prompts_tick
from bot.jobs.stalls import stalls_tick
from bot.services.program.settings import defaults_from
from bot.services.rounds.manual import create_manual_pair
from models import CheckIn, OutboxMessage, Pair, WeeklyPrompt
from tests.harness import ADMIN_ID
from tests.rounds.conftest import Program, button_value
from tests.rounds.conftest import program as program  # noqa: F401  (the fixture)

BOTH_BACKENDS = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@dataclass
class Keep:
    program: Program

    @property
    def bot(self) -> Any:
        return self.program.bot

    @property
    def slack(self) -> Any:
        return self.program.slack

    @property
    def clock(self) -> Any:
        return self.program.bot.clock

    def at(self, moment: datetime) -> None:
        self.clock.set(moment)

    async def person(self, user: str, role: str, tz: str, tools: tuple[str, ...]) -> None:
        if role == "guide":
            await self.program.join(user, f"{user} G", "guide", teaches=tools, tz=tz)
        else:
            await self.program.join(user, f"{user} L", "learner", learns=tools, tz=tz)

    async def pair(
        self, guide: str, learner: str, tz: str = "Europe/London", tools: tuple[str, ...] = ()
    ) -> int:
        """Two people joined and paired by hand (no introduction is sent by hand pairing)."""
        tools = tools or ("ChatGPT", "LinkedIn")
        await self.person(guide, "guide", "Europe/Paris", tools)
        await self.person(learner, "learner", tz, tools)
        deps = self.bot.deps
        async with deps.sessionmaker.begin() as session:
            made = await create_manual_pair(
                session,
                self.program.team_id,
                guide,
                learner,
                actor_id=ADMIN_ID,
                now=deps.clock.now(),
                defaults=defaults_from(deps.settings),
                zone=deps.settings.zone,
            )
        return made.pair.pair_id

    async def tick(self) -> None:
        """The jobs that run every minute, in the order the scheduler lists them."""
        await prompts_tick(self.bot.deps)
        await checkins_tick(self.bot.deps)

    async def stalls(self) -> None:
        await stalls_tick(self.bot.deps)

    async def nudge_now(self) -> int:
        return (await enqueue_prompts(self.bot.deps, force=True)).sent

    async def checkin_now(self) -> int:
        return (await enqueue_checkins(self.bot.deps, force=True)).asked

    async def deliver(self) -> None:
        """Drain the outbox without moving the clock past messages that wait (reminders)."""
        now = self.clock.now()
        await self.program.deliver_all()
        self.clock.set(now)

    async def rows(self, model: type, **where: Any) -> list[Any]:
        async with self.bot.deps.sessionmaker() as session:
            query = select(model).order_by(model.id)
            for name, value in where.items():
                query = query.where(getattr(model, name) == value)
            return list(await session.scalars(query))

    async def outbox(self, kind: str | None = None) -> list[OutboxMessage]:
        return await self.program.outbox(kind)

    async def prompts_of(self, pair_id: int) -> list[WeeklyPrompt]:
        return await self.rows(WeeklyPrompt, pair_id=pair_id)

    async def checkins(self, user: str) -> list[CheckIn]:
        return await self.rows(CheckIn, user_id=user)

    async def pair_row(self, pair_id: int) -> Pair:
        return (await self.rows(Pair, id=pair_id))[0]

    def group_posts(self, channel: str) -> list[dict[str, Any]]:
        return self.program.posts(channel)

    def dm(self, user: str) -> list[dict[str, Any]]:
        return self.program.dm(user)

    async def click(self, message: dict[str, Any], action: ActionId, user: str) -> httpx.Response:
        block = (
            BlockId.STALL_ACTIONS
            if action in (ActionId.STALL_NUDGE, ActionId.STALL_TALK)
            else (BlockId.CHECKIN_ACTIONS)
        )
        watched = ("views.open", "chat.update", "response_url")
        before = [self.slack.count(method) for method in watched]
        response = await self.bot.requester.click(
            user_id=user,
            action_id=action,
            block_id=block,
            value=button_value(message, action),
            message=message,
            channel_id=message["channel"],
        )
        # The listener acks first and answers after: wait for its modal, update or reply.
        for _ in range(500):
            if [self.slack.count(method) for method in watched] != before:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.02)
        return response

    async def submit(self, user: str, answers: dict[str, Any]) -> httpx.Response:
        view = self.slack.open_views(user)[-1]
        before = self.slack.count("chat.update")
        response = await self.bot.requester.submit_view(view=view, user_id=user, answers=answers)
        if response.text in ("", "null"):  # accepted: the check-in message is updated after
            await self.slack.wait_for("chat.update", before + 1)
        return response


@pytest.fixture
async def keep(program: Program) -> AsyncIterator[Keep]:  # noqa: F811
    yield Keep(program)
