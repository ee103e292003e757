"""Publish the Home tab when someone opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from handlers.kit import deps_of, publish_home, team_of
from handlers.people import refresh_identity_if_stale


async def app_home_opened(
    event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    if event.get("tab", "home") != "home":
        return
    deps = deps_of(context)
    team_id = team_of(context)
    await publish_home(client, deps, team_id, event["user"])
    await refresh_identity_if_stale(client, deps, team_id, event["user"])
