"""Work that goes on after Slack has its answer: tracked tasks, never fire-and-forget.

A request is answered as soon as its acknowledgement is given; what its listener does next (a
reply through `response_url`, the Home tab, a listener for an event) runs here. Each task is
kept until it ends, so an error is logged with its traceback rather than lost with the task,
and shutdown waits for them (`drain`) before the database goes away.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

logger = logging.getLogger(__name__)

# How long shutdown waits for work already acknowledged before cancelling it.
DRAIN_SECONDS = 5.0


class AfterAck:
    """The process's tasks that run after an acknowledgement."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._ended)
        return task

    def _ended(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            logger.error("%s failed after the acknowledgement", task.get_name(), exc_info=error)

    def __len__(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Wait for every task (and those they start) up to `timeout`, then cancel the rest."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._tasks and (left := deadline - loop.time()) > 0:
            await asyncio.wait(set(self._tasks), timeout=left)
        if self._tasks:
            logger.warning("Cancelling %d task(s) still running at shutdown", len(self._tasks))
            remaining = set(self._tasks)
            for task in remaining:
                task.cancel()
            await asyncio.gather(*remaining, return_exceptions=True)
