"""Processed Events API ids are kept for Slack's retry window, then forgotten by the job."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.jobs.events import FORGET_OLD_EVENTS
from models import ProcessedEvent
from tests.factories import HOME_OPENED, RunningBot


async def test_processed_events_are_forgotten_after_the_retry_window(bot: RunningBot) -> None:
    await bot.requester.event(HOME_OPENED, event_id="Ev0OLD0001")
    await bot.slack.wait_for("views.publish")
    bot.clock.advance(timedelta(minutes=59))
    await FORGET_OLD_EVENTS.func(bot.deps)
    async with bot.deps.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1
    bot.clock.advance(timedelta(minutes=2))
    await FORGET_OLD_EVENTS.func(bot.deps)
    async with bot.deps.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0
