"""The buttons under `/rotnem leave`'s question: leave for real, or stay."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.enrollment import left_message, not_participant_message, stayed_message
from bot.services import enrollment
from bot.services.errors import NotAParticipant
from handlers.context import deps_of
from handlers.participation import publish_home_quietly


async def leave_confirm_callback(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    await ack()
    deps = deps_of(context)
    command = deps.settings.rotnem_command
    user_id = body["user"]["id"]
    team_id = context.team_id or body["user"].get("team_id", "")
    try:
        async with deps.sessionmaker.begin() as session:
            await enrollment.leave(
                session, team_id, user_id, now=deps.clock.now(), via="button:leave_confirm"
            )
    except NotAParticipant:
        # Clicked twice, or left from the Home tab meanwhile.
        await respond(replace_original=True, **not_participant_message(command).to_dict())
        return
    await respond(replace_original=True, **left_message(command).to_dict())
    await publish_home_quietly(client, deps, team_id, user_id)


async def leave_cancel_callback(ack: AsyncAck, respond: AsyncRespond) -> None:
    await ack()
    await respond(replace_original=True, **stayed_message().to_dict())
