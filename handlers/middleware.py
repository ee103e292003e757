"""The one global middleware: hand in `Deps`, note a workspace the first time it talks to us,
and read which program a click or a submission belongs to.

One, and a class: Bolt calls an `AsyncMiddleware` as it is, where it would build a function
middleware's arguments (some thirty of them: payload views, `say`, `respond`, …) on every
request; whatever concerns only events (dropping Slack's retries) is done by the event
listeners (`handlers.events`), not here. Malformed requests never get here: the gate in front
of Bolt (bot.gate) refuses them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from slack_bolt.async_app import AsyncBoltRequest
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.response import BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.kit import unstamp
from bot.deps import Deps
from bot.install.keys import program_key
from bot.services.events import remember_workspace
from handlers.kit import DEPS_KEY, PROGRAM_KEY, workspace_of_request

logger = logging.getLogger(__name__)

Next = Callable[[], Awaitable[BoltResponse]]


class ProgramContext(AsyncMiddleware):
    """Put `Deps` and the program a request belongs to into its context."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._seen_teams: set[str] = set()

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next
    ) -> BoltResponse | None:
        context = req.context
        context[DEPS_KEY] = self._deps
        workspace = workspace_of_request(context)
        number = program_of(req.body)
        if number is not None:
            # Only ever a program of the workspace the request is signed for.
            context[PROGRAM_KEY] = program_key(workspace, number)
        # Installed by OAuth, a request only gets here from a workspace whose install already
        # recorded it (bot.services.installs). Otherwise the workspace is noted beside the
        # request, once per process: bookkeeping no request waits for.
        if self._deps.installations is None:
            team_id = workspace
            if team_id and team_id not in self._seen_teams:
                self._seen_teams.add(team_id)
                self._deps.after_ack.start(self._remember(team_id), f"remember workspace {team_id}")
        return await next()

    async def _remember(self, team_id: str) -> None:
        try:
            async with self._deps.sessionmaker.begin() as session:
                await remember_workspace(session, team_id, self._deps.clock.now())
        except SQLAlchemyError as exc:
            # Bookkeeping only: the next request from the workspace tries again.
            self._seen_teams.discard(team_id)
            logger.warning("Could not remember workspace %s: %s", team_id, type(exc).__name__)


def program_of(body: dict[str, Any]) -> int | None:
    """The program a click's button (or select) or a modal was built for (bot.blocks.kit's
    stamp), taken off the values in place so that handlers read them as they were built; None
    when nothing names one (the workspace's first program, a command, an event)."""
    number: int | None = None
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], MutableMapping):
        action = actions[0]
        number = _unstamp_in(action, "value")
        picked = action.get("selected_option")
        if isinstance(picked, MutableMapping):
            number = _unstamp_in(picked, "value") or number
    view = body.get("view")
    if isinstance(view, MutableMapping):
        in_modal = _unstamp_in(view, "private_metadata")
        number = number or in_modal
    return number


def _unstamp_in(holder: MutableMapping[str, Any], field: str) -> int | None:
    value = holder.get(field)
    if not isinstance(value, str):
        return None
    number, holder[field] = unstamp(value)
    return number
