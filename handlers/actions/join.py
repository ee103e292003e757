"""Join / Edit profile buttons (Home tab, program-channel invite): open the profile modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.profile import notice_modal
from handlers.context import deps_of
from handlers.participation import open_profile_modal


async def join_callback(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    deps = deps_of(context)
    user_id = body["user"]["id"]
    in_message = body.get("container", {}).get("type") == "message"
    problem = await open_profile_modal(
        client,
        deps,
        team_id=context.team_id or body["user"].get("team_id", ""),
        user_id=user_id,
        trigger_id=body["trigger_id"],
        origin="invite" if in_message else "home",
        # The invite message is replaced by a confirmation once the profile is saved.
        response_url=body.get("response_url") if in_message else None,
    )
    if problem is not None:
        # A click has no channel to answer in; its trigger_id is still unused.
        await client.views_open(trigger_id=body["trigger_id"], view=notice_modal(problem.text))
