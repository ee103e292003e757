"""Slack entry points only: each folder registers its listeners in one `register(app, deps)`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.deps import Deps
from handlers import actions, commands, errors, events, middleware, views


def register(app: AsyncApp, deps: Deps) -> None:
    """Wire every listener, the global middleware and the error handler onto `app`."""
    middleware.register(app, deps)
    errors.register(app)
    commands.register(app, deps)
    actions.register(app)
    views.register(app)
    events.register(app, deps)
