"""Publish the Home tab when someone opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.home import welcome_home
from handlers.context import deps_of


async def app_home_opened_callback(
    event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    if event.get("tab", "home") != "home":
        return
    deps = deps_of(context)
    view = welcome_home(deps.settings.rotnem_command)
    await client.views_publish(user_id=event["user"], view=view.to_dict())
