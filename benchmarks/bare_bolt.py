"""The floor for acknowledging: a bare slack-bolt `AsyncApp` on the same stack as `rotnem serve`
(Starlette adapter, uvicorn with httptools and uvloop, Bolt's own signature check), whose
listeners only acknowledge — `/rotnem` with a static text, `app_home_opened` with nothing.

    python -m benchmarks.bare_bolt        # PORT, SLACK_API_URL from the environment

`bare_bolt_serve` runs it as a subprocess, as the benchmarks run `rotnem serve`. With `stack`,
it also imports the libraries Rotnem's design fixes beside Bolt (`STACK`) and uses none of them:
the floor for `rotnem serve`'s idle memory (`benchmarks.memory`; the worker loads neither Bolt
nor the web server).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.sandbox.fake_slack import DEFAULT_TOKEN, FakeSlack
from bot.sandbox.process import SIGNING_SECRET, free_port, healthy

# What `rotnem serve` loads at start beside Bolt, Starlette and uvicorn, none of it Rotnem's own:
# SQLAlchemy's asyncio ORM with the SQLite driver (the dialect imports the driver only when an
# engine is made: named here), pydantic-settings, APScheduler, orjson.
STACK = (
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.orm",
    "sqlalchemy.dialects.sqlite.aiosqlite",
    "aiosqlite",
    "pydantic_settings",
    "apscheduler.schedulers.asyncio",
    "orjson",
)
WITH_STACK = "BARE_BOLT_WITH_STACK"


def build() -> Starlette:
    client = AsyncWebClient(token=DEFAULT_TOKEN, base_url=os.environ["SLACK_API_URL"])
    app = AsyncApp(client=client, signing_secret=SIGNING_SECRET, process_before_response=True)

    @app.command("/rotnem")
    async def command(ack: AsyncAck) -> None:
        await ack("Rotnem commands: …")

    @app.event("app_home_opened")
    async def home_opened(ack: AsyncAck) -> None:
        await ack()

    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(_request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/slack/events", events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


def main() -> None:
    if os.environ.get(WITH_STACK):
        for module in STACK:
            importlib.import_module(module)
    uvicorn.run(
        build(),
        host="127.0.0.1",
        port=int(os.environ["PORT"]),
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
        ws="none",
    )


@contextmanager
def bare_bolt_serve(
    slack: FakeSlack, *, stack: bool = False
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Yield (base URL, process) of a healthy bare Bolt server (with `stack`, holding Rotnem's
    libraries too); stopped when the block ends."""
    port = free_port()
    environment = {**os.environ, "SLACK_API_URL": slack.api_url, "PORT": str(port)}
    if stack:
        environment[WITH_STACK] = "1"
    process = subprocess.Popen([sys.executable, "-m", "benchmarks.bare_bolt"], env=environment)
    with healthy(process, f"http://127.0.0.1:{port}", "bare Bolt") as base:
        yield base, process


if __name__ == "__main__":
    main()
