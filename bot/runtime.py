"""Building `rotnem serve`: the HTTP server, Socket Mode and the embedded background, and their
start-up and shutdown (`rotnem worker` runs `bot.worker` alone)."""

from __future__ import annotations

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

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        socket_mode = await _start_socket_mode(deps, bolt)
        worker = Background(deps) if background else None
        if worker is not None:
            await worker.start()
        try:
            yield
        finally:
            if worker is not None:
                await worker.stop()
            if socket_mode is not None:
                await socket_mode.close_async()  # type: ignore[no-untyped-call]
            await deps.engine.dispose()

    return build_web_app(deps, bolt, lifespan=lifespan)


async def _start_socket_mode(deps: Deps, bolt: AsyncApp) -> AsyncSocketModeHandler | None:
    app_token = deps.settings.slack_app_token
    if app_token is None or not app_token.get_secret_value():
        return None
    handler = AsyncSocketModeHandler(bolt, app_token.get_secret_value())
    await handler.connect_async()  # type: ignore[no-untyped-call]
    logger.info("Connected to Slack over Socket Mode")
    return handler


def serve(deps: Deps, host: str = "0.0.0.0", *, background: bool = True) -> None:
    """Run the HTTP server (and, by default, the scheduler and dispatcher) until SIGINT/SIGTERM."""
    config = uvicorn.Config(
        build_server_app(deps, background=background),
        host=host,
        port=deps.settings.port,
        log_level=deps.settings.log_level.lower(),
        access_log=False,
        timeout_graceful_shutdown=10,
    )
    uvicorn.Server(config).run()
