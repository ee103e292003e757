"""Each Events API delivery processed once, without holding its acknowledgement on a write.

Slack delivers an event again (same `event_id`, an `X-Slack-Retry-Num` header) when it got no
200 in time, and the retry may reach another process. The database decides which delivery is
processed — the claim's primary key (`bot.services.events.claim_events`) lets one process win,
on SQLite or PostgreSQL — but the request does not wait for that write:

1. An event this process saw recently is a duplicate: acknowledged and dropped, no database.
2. Otherwise it is acknowledged at once and queued. One writer per process claims everything
   queued in one statement (so a busy database costs one waiting write, not one per request)
   and hands each event it won to a few workers that run the listeners (`LISTENERS`); one
   another process claimed first is dropped.
3. When the queue is full, a request waits (within Slack's window) for the writer to take it,
   rather than writing beside it: on SQLite a second writer only queues for the same lock.
4. While the database is not known to write — at start-up, after a claim failed, or when the
   queue stayed full — the claim comes before the acknowledgement: if it fails, the answer is a
   503 and Slack delivers the event again later, rather than a 200 for an event never processed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from sqlalchemy.exc import SQLAlchemyError

from bot.db import bounded_transaction
from bot.deps import Deps
from bot.services.events import EventKey, claim_events
from handlers.kit import WRITE_WITHIN

logger = logging.getLogger(__name__)

# Event IDs remembered per process: a retry within these is dropped without the database;
# an older one still meets its claim there.
RECENT = 10_000
# Acknowledged events waiting for their claim; past this, requests wait for theirs.
MAX_QUEUED = 5_000
# How long the writer waits before trying a failed claim again.
RETRY_SECONDS = 1.0
# Listeners running at once; the rest wait their turn, so that under a burst the event loop
# keeps acknowledging (Slack's three seconds) and the work catches up after it. Slack allows
# 30,000 events an hour per workspace: a burst, not a pace.
LISTENERS = 8

Run = Callable[[], Coroutine[Any, Any, None]]

RECEIVED_KEY = "rotnem_event_received"


def received(context: AsyncBoltContext) -> None:
    """Note in the request's context when the event was received (`time.monotonic()`): its
    listener may run a while later, behind a burst."""
    context[RECEIVED_KEY] = time.monotonic()


def received_at(context: AsyncBoltContext) -> float:
    return float(context[RECEIVED_KEY])


class EventLedger:
    """The process's half of "once": recent event IDs and the claims not yet written."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._recent: OrderedDict[EventKey, None] = OrderedDict()
        self._queued: dict[EventKey, Run] = {}
        self._writer: asyncio.Task[None] | None = None
        self._writes = False  # the last claim was written
        self._won: deque[tuple[EventKey, Run]] = deque()  # claimed, waiting for a listener slot
        self._running = 0  # workers running listeners
        self._taken = asyncio.Event()  # set each time the writer takes the queue

    async def admit(self, key: EventKey, run: Run) -> bool:
        """False for a duplicate; otherwise `run()` starts once this process has won the claim.

        Raises the database's error when the claim had to come first and could not be written.
        """
        if key in self._recent:
            return False
        if self._writes and len(self._queued) >= MAX_QUEUED:
            self._taken.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._taken.wait(), WRITE_WITHIN)
        if not self._writes or len(self._queued) >= MAX_QUEUED:
            async with bounded_transaction(self._deps.sessionmaker, WRITE_WITHIN) as session:
                won = await claim_events(session, [key], self._deps.clock.now())
            self._writes = True
            self._remember(key)
            if won:
                self._start(key, run)
            return bool(won)
        self._remember(key)
        self._queued[key] = run
        if self._writer is None or self._writer.done():
            self._writer = self._deps.after_ack.start(self._write(), "event-claims")
        return True

    def _remember(self, key: EventKey) -> None:
        self._recent[key] = None
        if len(self._recent) > RECENT:
            self._recent.popitem(last=False)

    def _start(self, key: EventKey, run: Run) -> None:
        self._won.append((key, run))
        if self._running < LISTENERS:
            self._running += 1
            self._deps.after_ack.start(self._work(), "event listeners")

    async def _work(self) -> None:
        """Run claimed events' listeners, one after the other, while there are any."""
        try:
            while self._won:
                key, run = self._won.popleft()
                try:
                    await run()
                except Exception:
                    # One event's failure is logged whole; the others still run.
                    logger.exception("The listener of event %s failed", key[1])
        except asyncio.CancelledError:
            if self._won:
                logger.warning("Stopped with %d event(s) not processed", len(self._won))
                self._won.clear()
            raise
        finally:
            self._running -= 1

    async def _write(self) -> None:
        """Claim what is queued, batch after batch, until nothing is."""
        while self._queued:
            batch, self._queued = self._queued, {}
            self._taken.set()
            try:
                async with self._deps.sessionmaker.begin() as session:
                    won = await claim_events(session, batch.keys(), self._deps.clock.now())
            except (SQLAlchemyError, OSError) as error:
                # Acknowledged already: kept and tried again, while new events wait for theirs.
                self._writes = False
                self._queued = batch | self._queued
                logger.warning(
                    "Could not record %d event(s), trying again: %s",
                    len(batch),
                    type(error).__name__,
                )
                await asyncio.sleep(RETRY_SECONDS)
                continue
            self._writes = True
            for key, run in batch.items():
                if key in won:
                    self._start(key, run)
                else:
                    logger.info("Event %s was processed by another process; dropped", key[1])
