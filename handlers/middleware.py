"""The one global middleware: hand in `Deps`, note a workspace the first time it talks to us.

One, because Bolt injects each global middleware's arguments on every request; whatever
concerns only events (dropping Slack's retries) is done by the event listeners
(`handlers.events`), not here. Malformed requests never get here: the gate in front of Bolt
(bot.gate) refuses them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from sqlalchemy.exc import SQLAlchemyError

from bot.deps import Deps
from bot.services.events import remember_workspace
from handlers.kit import DEPS_KEY, team_of

logger = logging.getLogger(__name__)

Next = Callable[[], Awaitable[None]]


def register(app: AsyncApp, deps: Deps) -> None:
    seen_teams: set[str] = set()

    async def remember(team_id: str) -> None:
        try:
            async with deps.sessionmaker.begin() as session:
                await remember_workspace(session, team_id, deps.clock.now())
        except SQLAlchemyError as exc:
            # Bookkeeping only: the next request from the workspace tries again.
            seen_teams.discard(team_id)
            logger.warning("Could not remember workspace %s: %s", team_id, type(exc).__name__)

    @app.middleware
    async def provide_deps(context: AsyncBoltContext, next: Next) -> None:
        context[DEPS_KEY] = deps
        # Installed by OAuth, a request only gets here from a workspace whose install already
        # recorded it (bot.services.installs). Otherwise the workspace is noted beside the
        # request, once per process: bookkeeping no request waits for.
        if deps.installations is None:
            team_id = team_of(context)
            if team_id and team_id not in seen_teams:
                seen_teams.add(team_id)
                deps.after_ack.start(remember(team_id), f"remember workspace {team_id}")
        await next()
