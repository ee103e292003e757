"""An outbox, a dispatcher in virtual time, and the fake Slack, for the delivery tests."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.message import Message
from bot.clock import ManualClock
from bot.db import SessionMaker, create_engine, create_sessionmaker
from bot.delivery.dispatcher import DispatchConfig, Dispatcher
from bot.delivery.kinds import NoticeKind, NoticeKinds
from bot.delivery.outbox import enqueue
from bot.delivery.pacing import Pacer
from bot.notice_kinds import notice_kinds
from bot.sandbox import FakeSlack
from bot.services.notices import Notice, Rendered, Sent
from models import OutboxMessage

TEAM = "T123ABC456"


class IntroForTest(Notice):
    """A notice with an after-send hook, as the introduction has."""

    kind: ClassVar[str] = "test-intro"
    pair_id: int
    text: str


class BrokenHook(Notice):
    kind: ClassVar[str] = "test-broken-hook"
    text: str


# What IntroForTest's hook saw: (notice, channel, ts, the row's status in the hook's transaction).
seen: list[tuple[Any, ...]] = []


async def remember(session: AsyncSession, notice: IntroForTest, sent: Sent) -> None:
    status = await session.scalar(
        select(OutboxMessage.status).where(OutboxMessage.slack_ts == sent.ts)
    )
    seen.append((notice.pair_id, sent.channel, sent.ts, status))


async def broken(session: AsyncSession, notice: BrokenHook, sent: Sent) -> None:
    raise LookupError("pair 1 vanished")


def kinds_with_tests() -> NoticeKinds:
    """The bot's table plus the two test kinds."""
    return NoticeKinds(
        [
            *notice_kinds().values(),
            NoticeKind(IntroForTest, lambda n: Message(text=n.text), after_send=remember),
            NoticeKind(BrokenHook, lambda n: Message(text=n.text), after_send=broken),
        ]
    )


def virtual_pacer(clock: ManualClock, config: DispatchConfig) -> Pacer:
    """Pacing in the test's clock: waiting moves the clock instead of sleeping."""

    async def sleep(seconds: float) -> None:
        # The clock has microsecond resolution: never round a wait down to nothing.
        clock.advance(timedelta(microseconds=math.ceil(seconds * 1_000_000)))
        await asyncio.sleep(0)

    return config.pacer(clock=lambda: clock.now().timestamp(), sleep=sleep)


@dataclass
class Outbox:
    sessionmaker: SessionMaker
    clock: ManualClock
    slack: FakeSlack
    dispatcher: Dispatcher

    async def add(
        self, key: str, *, text: str | None = None, notice: Notice | None = None, **kwargs: Any
    ) -> bool:
        if "channel" not in kwargs and "open_users" not in kwargs:
            kwargs["channel"] = "C0000TEST"
        async with self.sessionmaker.begin() as session:
            return await enqueue(
                session,
                team_id=TEAM,
                dedupe_key=key,
                notice=notice or Rendered(text=text or f"message {key}"),
                now=self.clock.now(),
                **kwargs,
            )

    async def rows(self) -> list[OutboxMessage]:
        async with self.sessionmaker() as session:
            return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    async def deliver_all(self, max_rounds: int = 500) -> None:
        """Dispatch until every row is sent or failed, jumping the clock to the next due row."""
        for _ in range(max_rounds):
            if await self.dispatcher.run_once():
                continue
            due = await self.dispatcher.next_due()
            if due is None:
                return
            if due > self.clock.now():
                self.clock.set(due)
        raise AssertionError("the outbox did not drain")

    def posted(self) -> list[dict[str, Any]]:
        """chat.postMessage calls Slack accepted."""
        return [call.args for call in self.slack.calls("chat.postMessage") if call.ok]


def make_config(**overrides: Any) -> DispatchConfig:
    values: dict[str, Any] = {
        "post_rate_per_minute": 600.0,
        "concurrency": 4,
        "backoff_base_seconds": 1.0,
        "max_attempts": 10,
    }
    values.update(overrides)
    return DispatchConfig(**values)


@pytest.fixture
def dispatch_config() -> DispatchConfig:
    return make_config()


@pytest.fixture
async def outbox(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock, dispatch_config: DispatchConfig
) -> AsyncIterator[Outbox]:
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        client = AsyncWebClient(
            token="xoxb-test-token", base_url=fake_slack.api_url, session=http, retry_handlers=[]
        )
        dispatcher = Dispatcher(
            sessionmaker=sessionmaker,
            clock=clock,
            client=client,
            kinds=kinds_with_tests(),
            config=dispatch_config,
            pacer=virtual_pacer(clock, dispatch_config),
        )
        yield Outbox(sessionmaker, clock, fake_slack, dispatcher)
    await engine.dispose()
