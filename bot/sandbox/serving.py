"""Serve an ASGI app over real HTTP on 127.0.0.1, inside the running event loop.

Tests and ``rotnem demo`` run the bot exactly as ``rotnem serve`` builds it, but in their own
process, so that they share its clock, database and :class:`~bot.sandbox.FakeSlack`.
"""

from __future__ import annotations

import asyncio
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
        server = uvicorn.Server(config)

        async def serve() -> None:
            try:
                await server.serve(sockets=[sock])
            except SystemExit as exc:
                # uvicorn exits the process when startup fails; here only this server stops.
                raise RuntimeError(f"the app at {url} failed to start") from exc

        task = asyncio.create_task(serve(), name=f"uvicorn {url}")
        try:
            while not server.started:
                if task.done():
                    task.result()
                    raise RuntimeError(f"the app at {url} stopped before it started serving")
                await asyncio.sleep(0.01)
            yield url
        finally:
            server.should_exit = True
            await task
