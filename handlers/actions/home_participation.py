"""Pause / Resume / Leave buttons of the Home tab: the same services as the commands.

The Leave button carries Slack's confirm dialog, so a click here is already confirmed. Whatever
happens, the Home tab is published again, so it shows the state as it is now.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.home import PAUSE_FROM_HOME
from bot.services import enrollment
from bot.services.errors import RotnemError
from handlers.context import deps_of
from handlers.participation import publish_home, refresh_identity_if_stale

logger = logging.getLogger(__name__)


async def _change(
    action: str, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    deps = deps_of(context)
    user_id = body["user"]["id"]
    team_id = context.team_id or body["user"].get("team_id", "")
    now = deps.clock.now()
    via = f"home:{action}"
    try:
        async with deps.sessionmaker.begin() as session:
            if action == "pause":
                await enrollment.pause(
                    session, team_id, user_id, text=PAUSE_FROM_HOME, now=now, via=via
                )
            elif action == "resume":
                await enrollment.resume(session, team_id, user_id, now=now, via=via)
            else:
                await enrollment.leave(session, team_id, user_id, now=now, via=via)
    except RotnemError as exc:
        # A stale Home tab (changed from another device or by command): show the truth.
        logger.info("Home %s by %s not applied: %s", action, user_id, exc.message)
    await publish_home(client, deps, team_id, user_id)
    await refresh_identity_if_stale(client, deps, team_id, user_id)


async def pause_callback(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    await _change("pause", body, client, context)


async def resume_callback(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    await _change("resume", body, client, context)


async def leave_callback(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    await _change("leave", body, client, context)
