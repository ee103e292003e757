"""Composition: the Bolt app, and the Starlette app that serves it over HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext

from slack_bolt.async_app import AsyncApp
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import handlers
from bot.db import why_not_writable
from bot.delivery.outbox import backlog
from bot.deps import Deps
from bot.gate import Gate
from bot.slack import create_client, kept_alive
from bot.worker import Background

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
    client = create_client(settings)
    # Installed by OAuth: each request's token comes from its team's installation. Otherwise
    # the client carries SLACK_BOT_TOKEN, as it always has.
    oauth = None
    if deps.installations is not None:
        # Imported here: the install flow is only loaded by processes that install by OAuth.
        from bot.install.oauth import build_oauth

        oauth = build_oauth(deps, client)
    app = AsyncApp(
        client=client,
        oauth_flow=oauth.flow if oauth else None,
        # An AsyncAuthorize instance is taken as is (Bolt's own type hint is for functions).
        authorize=oauth.authorize if oauth else None,  # type: ignore[arg-type]
        installation_store=deps.installations,
        installation_store_bot_only=True if oauth else None,
        user_facing_authorize_error_message=oauth.not_installed if oauth else None,
        # The gate (bot.gate) verified every HTTP request's signature on its raw bytes before
        # Bolt sees it; Bolt's own check would parse first and log whole bodies when it fails.
        # Socket Mode requests are never signed, and Bolt skips them anyway.
        request_verification_enabled=False,
        # Bolt answers as soon as a listener returns. Ours return once they have acknowledged
        # (after saving, when they save) and go on as tracked tasks (handlers.kit,
        # handlers.events): Bolt's other mode polls for the acknowledgement every 10 ms.
        process_before_response=True,
    )
    handlers.register(app, deps)
    return app


# /healthz answers within a second: the write check, then the backlog in what is left.
WRITE_CHECK_SECONDS = 0.5
BACKLOG_SECONDS = 0.4


async def _outbox_health(deps: Deps) -> dict[str, object] | str:
    """Backlog and the age of the oldest due message; a stalled dispatcher shows up here."""
    try:
        async with asyncio.timeout(BACKLOG_SECONDS), deps.sessionmaker() as session:
            waiting = await backlog(session, deps.clock.now())
    except (SQLAlchemyError, OSError, TimeoutError):
        return "unavailable"
    return {"pending": waiting.pending, "oldest_pending_age_s": waiting.oldest_pending_age_s}


class _Outage:
    """Logs one line when a health check starts failing and one when it recovers, not one per
    probe (a platform asks every few seconds)."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._failing = False

    def report(self, problem: str | None) -> None:
        if problem is not None and not self._failing:
            logger.warning("/healthz: %s: %s", self._what, problem)
        elif problem is None and self._failing:
            logger.info("/healthz: %s: recovered", self._what)
        self._failing = problem is not None


def _finishing_after_ack(deps: Deps, bolt: AsyncApp, lifespan: Lifespan | None) -> Lifespan:
    """`lifespan`, with one Slack session kept alive for the app's calls, whose shutdown first
    lets acknowledged requests finish their work (while the database, the scheduler and the
    session are still there)."""

    @asynccontextmanager
    async def finishing(app: Starlette) -> AsyncIterator[None]:
        async with (
            kept_alive(bolt.client),
            lifespan(app) if lifespan is not None else nullcontext(),
        ):
            try:
                yield
            finally:
                await deps.after_ack.drain()

    return finishing


def build_web_app(
    deps: Deps,
    bolt: AsyncApp,
    lifespan: Lifespan | None = None,
    background: Background | None = None,
) -> Starlette:
    """`POST /slack/events` for Slack (through the gate), `GET /healthz` for the platform, and
    when installing by OAuth `GET /slack/install` and `GET /slack/oauth_redirect` for people.

    `background` is the scheduler and dispatcher this process runs, if any: /healthz fails
    when they have stopped. It is kept as `app.state.background`.
    """
    signing_secret = deps.settings.slack_signing_secret
    assert signing_secret is not None
    gate = Gate(bolt, signing_secret.get_secret_value())
    database_outage = _Outage("the database cannot be written")
    background_outage = _Outage("the scheduler or dispatcher")

    async def healthz(_request: Request) -> Response:
        problem = await why_not_writable(deps.engine, WRITE_CHECK_SECONDS)
        database_outage.report(problem)
        body: dict[str, object] = {"database": "ok" if problem is None else "unavailable"}
        healthy = problem is None
        if background is not None:
            running = background.alive()
            background_outage.report(None if running else "stopped")
            body["background"] = "running" if running else "stopped"
            healthy = healthy and running
        if problem is None:
            body["outbox"] = await _outbox_health(deps)
        status = {"status": "ok" if healthy else "unavailable"}
        return JSONResponse(status | body, status_code=200 if healthy else 503)

    routes = [
        Route("/slack/events", gate.handle, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    if bolt.oauth_flow is not None:
        from bot.install.oauth import install_endpoint

        installing = install_endpoint(bolt)
        routes += [
            Route(bolt.oauth_flow.install_path, installing, methods=["GET"]),
            Route(bolt.oauth_flow.redirect_uri_path, installing, methods=["GET"]),
        ]
    app = Starlette(routes=routes, lifespan=_finishing_after_ack(deps, bolt, lifespan))
    app.state.background = background
    return app
