"""Reading our own things back out of Bolt's per-request context."""

from __future__ import annotations

from slack_bolt.context.async_context import AsyncBoltContext

from bot.deps import Deps

DEPS_KEY = "rotnem_deps"


def deps_of(context: AsyncBoltContext) -> Deps:
    """The `Deps` the global middleware put into the request context."""
    deps = context[DEPS_KEY]
    assert isinstance(deps, Deps)
    return deps
