"""The background half of Rotnem: the scheduler and the outbox dispatcher.

`rotnem worker` runs it alone; `rotnem serve` embeds it next to the HTTP server unless told
`--no-scheduler`. Several workers may run against one PostgreSQL database: the dispatcher's
claims skip each other's rows and every job is idempotent. On SQLite run exactly one.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

import aiohttp

from bot.delivery.config import DispatchConfig
from bot.delivery.dispatcher import Dispatcher
from bot.deps import Deps
from bot.install.tokens import dispatch_tokens
from bot.notice_kinds import notice_kinds
from bot.scheduler import build_scheduler

logger = logging.getLogger(__name__)

# SIGTERM to exit: the platform's patience is usually 10 s; the dispatcher's in-flight rows get
# most of it, the rest is for releasing rows and closing connections.
SHUTDOWN_SECONDS = 10.0


class Background:
    """Scheduler plus dispatcher, started and stopped together inside a running event loop."""

    def __init__(self, deps: Deps, *, config: DispatchConfig | None = None) -> None:
        self.deps = deps
        self.config = config or DispatchConfig.from_settings(deps.settings)
        self.dispatcher: Dispatcher | None = None
        self._http: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._scheduler: Any = None

    async def start(self) -> None:
        self._http = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.config.request_timeout)
        )
        self.dispatcher = Dispatcher(
            sessionmaker=self.deps.sessionmaker,
            clock=self.deps.clock,
            tokens=dispatch_tokens(self.deps, self._http),
            kinds=notice_kinds(),
            config=self.config,
        )
        self._task = asyncio.create_task(self.dispatcher.run(), name="outbox-dispatcher")
        self._scheduler = build_scheduler(self.deps)
        self._scheduler.start()
        logger.info(
            "Background started: %d job(s), dispatcher %s",
            len(self._scheduler.get_jobs()),
            self.dispatcher.owner,
        )

    def alive(self) -> bool:
        """Whether the dispatcher's task is still running and the scheduler still started."""
        return (
            self._task is not None
            and not self._task.done()
            and self._scheduler is not None
            and bool(self._scheduler.running)
        )

    async def stop(self) -> None:
        """Stop scheduling and claiming; finish or release in-flight rows."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        if self.dispatcher is not None and self._task is not None:
            self.dispatcher.stop()
            try:
                await asyncio.wait_for(self._task, timeout=self.config.shutdown_grace + 3)
            except TimeoutError:
                logger.warning("The dispatcher did not stop in time; its leases will expire")
            self._task = None
        if self._http is not None:
            await self._http.close()
            self._http = None


async def run_worker(deps: Deps) -> None:
    """Run until SIGTERM or SIGINT, then shut down within `SHUTDOWN_SECONDS`."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    background = Background(deps)
    await background.start()
    try:
        await stop.wait()
        logger.info("Stopping the worker")
    finally:
        try:
            await asyncio.wait_for(background.stop(), timeout=SHUTDOWN_SECONDS - 1)
        finally:
            await deps.engine.dispose()
