"""Slack entry points only: each folder registers its listeners in one `register(app, deps)`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.deps import Deps
from bot.ids import ActionId
from handlers import actions, commands, errors, events, views
from handlers.middleware import ProgramContext


def register(app: AsyncApp, deps: Deps) -> None:
    """Wire every listener, the global middleware and the error handler onto `app`.

    One listener per kind of request, registered most frequent first: Bolt tries them in this
    order, and each matcher tried builds its arguments anew (some thirty, ~20 µs). Events come
    first (every Home tab opened is one), then the command, the clicks, the submissions."""
    app.use(ProgramContext(deps))
    errors.register(app)
    events.register(app, deps)
    router = commands.register(app, deps)
    # "Which program?" buttons run a command again: the router answers them, as a click.
    actions.register(app, {ActionId.PICK_PROGRAM: router.picked})
    views.register(app)
