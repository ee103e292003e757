"""Publish the Home tab when someone opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from handlers.kit import deps_of, publish_home, team_of
from handlers.people import refresh_identity_if_stale


class HomeTabs:
    """`app_home_opened`, coalesced per person: opened again while their Home tab is being
    published, it is published once more after that — not once per event (someone clicking
    between tabs sends a burst) — and always shows what is true after the last one."""

    def __init__(self) -> None:
        # Whose Home tab is being published, and whether it was opened again meanwhile.
        self._again: dict[tuple[str, str], bool] = {}

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
        self._again[key] = False
        try:
            await publish_home(client, deps, team_id, user_id)
            while self._again[key]:
                self._again[key] = False
                await publish_home(client, deps, team_id, user_id)
        finally:
            del self._again[key]
        await refresh_identity_if_stale(client, deps, team_id, user_id)
