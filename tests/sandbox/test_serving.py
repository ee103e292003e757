"""serve_locally: an ASGI app over real HTTP on a free 127.0.0.1 port, inside the test's loop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.sandbox.serving import serve_locally


async def test_serves_until_the_block_ends() -> None:
    async def hello(request: Request) -> PlainTextResponse:
        return PlainTextResponse("hello")

    app = Starlette(routes=[Route("/", hello)])
    async with serve_locally(app) as url:
        assert url.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient() as client:
            assert (await client.get(url)).text == "hello"
    with pytest.raises(httpx.ConnectError):
        httpx.get(url)


async def test_an_app_that_fails_to_start_raises_instead_of_hanging() -> None:
    @asynccontextmanager
    async def broken(app: Starlette) -> AsyncIterator[None]:
        raise RuntimeError("no database")
        yield

    with pytest.raises(RuntimeError, match="failed to start"):
        async with serve_locally(Starlette(lifespan=broken)):
            pass
