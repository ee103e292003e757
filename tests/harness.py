"""The real bot, served by uvicorn on 127.0.0.1 inside the test's event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.deps import Deps, build_deps
from bot.runtime import build_server_app
from bot.sandbox import FakeSlack, SlackRequester
from bot.sandbox.serving import serve_locally

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
ADMIN_ID = "UADMIN001"


def test_settings(*, database_url: str, slack: FakeSlack, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "_env_file": None,
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": slack.api_url,
        "database_url": database_url,
        "rotnem_admins": ADMIN_ID,
        "rotnem_timezone": "UTC",
        "log_level": "INFO",
    }
    values.update(overrides)
    return load_settings(**values)


@dataclass
class RunningBot:
    url: str
    deps: Deps
    clock: ManualClock
    slack: FakeSlack
    requester: SlackRequester

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"


@asynccontextmanager
async def start_bot(
    *, database_url: str, slack: FakeSlack, clock: ManualClock, **overrides: Any
) -> AsyncIterator[RunningBot]:
    """Serve the app built exactly as `rotnem serve` builds it, until the block ends."""
    settings = test_settings(database_url=database_url, slack=slack, **overrides)
    deps = build_deps(settings, clock=clock)
    async with serve_locally(build_server_app(deps)) as url:
        requester = SlackRequester(url, SIGNING_SECRET, slack=slack)
        yield RunningBot(url=url, deps=deps, clock=clock, slack=slack, requester=requester)
