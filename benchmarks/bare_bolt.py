"""The floor for acknowledging: a bare slack-bolt `AsyncApp` on the same stack as `rotnem serve`
(Starlette adapter, uvicorn with httptools and uvloop, Bolt's own signature check), whose
listeners only acknowledge — `/rotnem` with a static text, `app_home_opened` with nothing.

    python -m benchmarks.bare_bolt        # PORT, SLACK_API_URL from the environment

`bare_bolt_serve` runs it as a subprocess, as the benchmarks run `rotnem serve`.
"""

from __future__ import annotations

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
def bare_bolt_serve(slack: FakeSlack) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Yield (base URL, process) of a healthy bare Bolt server; stopped when the block ends."""
    port = free_port()
    environment = {**os.environ, "SLACK_API_URL": slack.api_url, "PORT": str(port)}
    process = subprocess.Popen([sys.executable, "-m", "benchmarks.bare_bolt"], env=environment)
    with healthy(process, f"http://127.0.0.1:{port}", "bare Bolt") as base:
        yield base, process


if __name__ == "__main__":
    main()
