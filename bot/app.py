"""Composition: the Bolt app, and the Starlette app that serves it over HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

import handlers
from bot.db import database_is_up
from bot.delivery.outbox import backlog
from bot.deps import Deps
from bot.slack import create_client

logger = logging.getLogger(__name__)

Lifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]


class _TokenFromEnvironmentIsOurs(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN is unused when a client is passed; ours carries it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_TokenFromEnvironmentIsOurs())


def build_bolt_app(deps: Deps) -> AsyncApp:
    """The Bolt app with every listener registered."""
    settings = deps.settings
    if settings.slack_signing_secret is None:
        raise ValueError("SLACK_SIGNING_SECRET is required to serve Slack requests")
    app = AsyncApp(
        client=create_client(settings),
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        # Every listener acks first itself; Bolt then runs the rest after answering Slack.
        process_before_response=False,
    )
    handlers.register(app, deps)
    return app


async def _outbox_health(deps: Deps) -> dict[str, object] | str:
    """Backlog and the age of the oldest due message; a stalled dispatcher shows up here."""
    try:
        async with asyncio.timeout(2.0), deps.sessionmaker() as session:
            waiting = await backlog(session, deps.clock.now())
    except (SQLAlchemyError, OSError, TimeoutError):
        logger.warning("Could not read the outbox backlog for /healthz", exc_info=True)
        return "unavailable"
    return {"pending": waiting.pending, "oldest_pending_age_s": waiting.oldest_pending_age_s}


def build_web_app(deps: Deps, bolt: AsyncApp, lifespan: Lifespan | None = None) -> Starlette:
    """`POST /slack/events` for Slack, `GET /healthz` for the platform."""
    slack_handler = AsyncSlackRequestHandler(bolt)
    signing_secret = deps.settings.slack_signing_secret
    assert signing_secret is not None
    verifier = SignatureVerifier(signing_secret.get_secret_value())

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        try:
            return await slack_handler.handle(request)
        except (ValueError, UnicodeDecodeError):
            # Bolt parses the body before verifying it; a broken one must not become a 500.
            if not verifier.is_valid_request(body, dict(request.headers)):
                return JSONResponse({"error": "invalid request"}, status_code=401)
            logger.warning("Rejected an unparsable request body (%d bytes)", len(body))
            return PlainTextResponse("malformed request body", status_code=400)

    async def healthz(_request: Request) -> Response:
        up = await database_is_up(deps.engine)
        body: dict[str, object] = {
            "status": "ok" if up else "unavailable",
            "database": "ok" if up else "unavailable",
        }
        if up:
            body["outbox"] = await _outbox_health(deps)
        return JSONResponse(body, status_code=200 if up else 503)

    return Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
