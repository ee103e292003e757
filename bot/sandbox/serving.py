"""Serve an ASGI app over real HTTP on 127.0.0.1, inside the running event loop.

Tests and ``rotnem demo`` run the bot exactly as ``rotnem serve`` builds it, but in their own
process, so that they share its clock, database and :class:`~bot.sandbox.FakeSlack`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.types import ASGIApp


@asynccontextmanager
async def serve_locally(app: ASGIApp) -> AsyncIterator[str]:
    """Serve ``app`` (lifespan included) until the block ends; yields ``http://127.0.0.1:PORT``.

    Raises RuntimeError when the app fails to start (uvicorn logs why).
    """
    # Bound here rather than by uvicorn, so the free port is ours before the server starts.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        host, port = sock.getsockname()[:2]
        url = f"http://{host}:{port}"
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on")
        config.load()
        server = uvicorn.Server(config)
        server.lifespan = config.lifespan_class(config)
        try:
            await server.startup(sockets=[sock])
        except SystemExit as exc:
            # uvicorn exits the process when startup fails; here only this server stops.
            raise RuntimeError(f"the app at {url} failed to start") from exc
        # uvicorn's main loop refreshes the Date header every second; it is cancelled rather
        # than told to exit, which it would notice only at its next 0.1 s poll.
        ticking = asyncio.create_task(server.main_loop(), name=f"uvicorn {url}")
        try:
            yield url
        finally:
            ticking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticking
            await _shut_down(server)


async def _shut_down(server: uvicorn.Server) -> None:
    """uvicorn's graceful shutdown without its fixed waits (0.1 s, then polls every 0.1 s): stop
    listening, close idle connections, let requests in flight finish, then the app's lifespan."""
    for listener in server.servers:
        listener.close()
    for connection in list(server.server_state.connections):
        connection.shutdown()
    await asyncio.gather(*list(server.server_state.tasks), return_exceptions=True)
    await server.lifespan.shutdown()
