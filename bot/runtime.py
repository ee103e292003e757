"""Building `rotnem serve`: the HTTP server, Socket Mode and the embedded background, and their
start-up and shutdown (`rotnem worker` runs `bot.worker` alone)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette

from bot.app import build_bolt_app, build_web_app
from bot.deps import Deps
from bot.worker import Background

logger = logging.getLogger(__name__)


def build_server_app(deps: Deps, *, background: bool = False) -> Starlette:
    """The ASGI app of `rotnem serve`, with Socket Mode attached when an app token is set.

    `background=True` also runs the scheduler and the outbox dispatcher in this process (the
    embedded, single-machine mode); uvicorn's SIGTERM handling stops them through the lifespan.
    """
    bolt = build_bolt_app(deps)
    worker = Background(deps) if background else None

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        socket_mode = _SocketMode.start(deps, bolt)
        if worker is not None:
            await worker.start()
        try:
            yield
        finally:
            if worker is not None:
                await worker.stop()
            if socket_mode is not None:
                await socket_mode.close()
            await deps.engine.dispose()

    return build_web_app(deps, bolt, lifespan=lifespan, background=worker)


class _SocketMode:
    """Socket Mode, connecting in the background. slack_sdk retries a connection that fails
    (Slack unreachable, the WebSocket refused) every 10 s until closed, and closing a half-open
    WebSocket can wait long: neither may hold up start-up (HTTP and /healthz answer meanwhile)
    or shutdown (SIGTERM)."""

    # How long shutdown waits for the WebSocket to close.
    CLOSE_SECONDS = 3.0

    def __init__(self, handler: AsyncSocketModeHandler) -> None:
        self._handler = handler
        self._connecting = asyncio.create_task(self._connect(), name="socket-mode-connect")

    @classmethod
    def start(cls, deps: Deps, bolt: AsyncApp) -> _SocketMode | None:
        """Start connecting when an app token is set."""
        app_token = deps.settings.slack_app_token
        if app_token is None or not app_token.get_secret_value():
            return None
        return cls(AsyncSocketModeHandler(bolt, app_token.get_secret_value()))

    async def _connect(self) -> None:
        await self._handler.connect_async()  # type: ignore[no-untyped-call]
        logger.info("Connected to Slack over Socket Mode")

    async def close(self) -> None:
        """Stop connecting and close, within `CLOSE_SECONDS`."""
        self._connecting.cancel()
        try:
            await asyncio.wait_for(
                self._handler.close_async(),  # type: ignore[no-untyped-call]
                self.CLOSE_SECONDS,
            )
        except TimeoutError:
            logger.warning(
                "Socket Mode did not close within %gs; stopping anyway", self.CLOSE_SECONDS
            )
        await asyncio.gather(self._connecting, return_exceptions=True)


def serve(deps: Deps, host: str = "0.0.0.0", *, background: bool = True) -> None:
    """Run the HTTP server (and, by default, the scheduler and dispatcher) until SIGINT/SIGTERM."""
    config = uvicorn.Config(
        build_server_app(deps, background=background),
        host=host,
        port=deps.settings.port,
        log_level=deps.settings.log_level.lower(),
        access_log=False,
        timeout_graceful_shutdown=10,
        # uvicorn[standard]'s C parser and event loop, named so that a missing one is an error
        # rather than a silent fall-back to pure-Python h11 (a third slower); no WebSockets.
        loop="uvloop",
        http="httptools",
        ws="none",
    )
    uvicorn.Server(config).run()
