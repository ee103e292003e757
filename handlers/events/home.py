"""Publish the Home tab when someone opens it."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from handlers.events.once import received_at
from handlers.kit import deps_of, publish_home, team_of
from handlers.people import refresh_identity_if_stale

# People whose last publication start is remembered (per process).
REMEMBERED = 10_000


class HomeTabs:
    """`app_home_opened`, coalesced per person — someone clicking between tabs sends a burst,
    and a burst of events waits its turn (`handlers.events.once`): an open received before the
    person's Home tab last started being published is already answered by it; one received
    while it is being published gets one more publication after it, not one per event. The
    tab always shows what was true after the last open."""

    def __init__(self) -> None:
        # Whose Home tab is being published, and whether it was opened again meanwhile.
        self._again: dict[tuple[str, str], bool] = {}
        # When each person's Home tab last started being published (time.monotonic()).
        self._started: OrderedDict[tuple[str, str], float] = OrderedDict()

    async def opened(
        self, event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        deps = deps_of(context)
        team_id = team_of(context)
        user_id = event["user"]
        key = (team_id, user_id)
        if key in self._again:
            self._again[key] = True
            return
        if self._started.get(key, -1.0) >= received_at(context):
            return
        self._again[key] = False
        try:
            self._start(key)
            await publish_home(client, deps, team_id, user_id)
            while self._again[key]:
                self._again[key] = False
                self._start(key)
                await publish_home(client, deps, team_id, user_id)
        finally:
            del self._again[key]
        await refresh_identity_if_stale(client, deps, team_id, user_id)

    def _start(self, key: tuple[str, str]) -> None:
        self._started[key] = time.monotonic()
        self._started.move_to_end(key)
        if len(self._started) > REMEMBERED:
            self._started.popitem(last=False)
