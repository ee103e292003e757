"""Keep the Events API dedupe table small: Slack stops retrying an event after minutes."""

from __future__ import annotations

import logging

from bot.deps import Deps
from bot.jobs import Job, every
from bot.services.events import forget_old_events

logger = logging.getLogger(__name__)


async def forget_old_events_job(deps: Deps) -> None:
    async with deps.sessionmaker.begin() as session:
        forgotten = await forget_old_events(session, deps.clock.now())
    if forgotten:
        logger.debug("Forgot %d processed event id(s) past Slack's retry window", forgotten)


FORGET_OLD_EVENTS = Job("events-forget-old", every(minutes=30), forget_old_events_job)
