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

from bot.db import bounded_transaction
from bot.deps import Deps
from bot.services.events import remember_workspace
from handlers.kit import DEPS_KEY, team_of

logger = logging.getLogger(__name__)

# Remembering a workspace is bookkeeping: it may delay the request it rides on this long at most.
BOOKKEEPING_WITHIN = 0.25

Next = Callable[[], Awaitable[None]]


def register(app: AsyncApp, deps: Deps) -> None:
    seen_teams: set[str] = set()

    @app.middleware
    async def provide_deps(context: AsyncBoltContext, next: Next) -> None:
        context[DEPS_KEY] = deps
        # Installed by OAuth, a request only gets here from a workspace whose install already
        # recorded it (bot.services.installs): no write per workspace on the request path.
        if deps.installations is None:
            team_id = team_of(context)
            if team_id and team_id not in seen_teams:
                try:
                    async with bounded_transaction(
                        deps.sessionmaker, BOOKKEEPING_WITHIN
                    ) as session:
                        await remember_workspace(session, team_id, deps.clock.now())
                    seen_teams.add(team_id)
                except SQLAlchemyError as exc:
                    # Bookkeeping only: the request goes on (and answers for itself if the
                    # database is really down); the next request tries again.
                    logger.warning(
                        "Could not remember workspace %s: %s", team_id, type(exc).__name__
                    )
        await next()
