"""The installation cache: a token is read once, trusted for a while, then read again."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import event, update
from sqlalchemy.engine import Connection

from bot.db import create_engine
from bot.install.stores import installation_store
from models import SlackBots
from tests.factories import BOTH_BACKENDS


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@BOTH_BACKENDS
async def test_a_token_is_read_once_then_again_after_the_cache_time(database_url: str) -> None:
    engine = create_engine(database_url)
    selects: list[str] = []

    def count(_conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "slack_bots" in statement:
            selects.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    ticks = Ticks()
    store = installation_store(engine, "111.222", clock=ticks)
    try:
        await store.async_save(
            Installation(
                app_id="A1",
                team_id="T0CACHE01",
                user_id="U0INSTALL",
                bot_token="xoxb-first",
                bot_id="B1",
                bot_user_id="U0BOT",
            )
        )
        selects.clear()

        async def token() -> str | None:
            bot = await store.async_find_bot(enterprise_id=None, team_id="T0CACHE01")
            return bot.bot_token if bot else None

        # Ten requests at once read the database once.
        assert await asyncio.gather(*(token() for _ in range(10))) == ["xoxb-first"] * 10
        assert len(selects) == 1

        # Another process rotates the token: this one trusts its copy for a while …
        async with engine.begin() as conn:
            await conn.execute(update(SlackBots).values(bot_token="xoxb-second"))
        ticks.now += 10
        assert await token() == "xoxb-first"
        # … and reads it again once its cache time (at most 30 s) has passed.
        ticks.now += 30
        assert await token() == "xoxb-second"
        assert len(selects) == 2
    finally:
        await engine.dispose()
