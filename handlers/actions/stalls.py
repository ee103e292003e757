"""HR's stall-alert buttons: "Nudge them" and "Talk to them" (admins only, checked per click).

The alert is updated in place to show what was done; the messages to the pair go through the
outbox (they are proactive messages to other people)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.admin import admins_only_message
from bot.blocks.stats import stall_action_answer, stall_alert_message
from bot.services import stalls
from bot.services.errors import RotnemError
from handlers.actions.checkins import update_checkin_message
from handlers.context import deps_of


async def _act(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    context: AsyncBoltContext,
    action: str,
) -> None:
    await ack()
    deps = deps_of(context)
    user_id = body["user"]["id"]
    if not deps.is_admin(user_id):
        await respond(replace_original=False, **admins_only_message().to_dict())
        return
    value = str(body["actions"][0].get("value") or "")
    if not value.isdigit():
        await respond(replace_original=False, text="I don't recognise that alert.")
        return
    team_id = context.team_id or body.get("team", {}).get("id", "")
    try:
        async with deps.sessionmaker.begin() as session:
            outcome = await stalls.act_on_stall(
                session, team_id, int(value), action=action, admin=user_id, now=deps.clock.now()
            )
    except RotnemError as exc:
        await respond(replace_original=False, text=exc.message)
        return
    container = body.get("container") or {}
    await update_checkin_message(
        client,
        container.get("channel_id"),
        container.get("message_ts"),
        stall_alert_message(outcome.view, outcome.done),
    )
    await respond(
        response_type="ephemeral",
        replace_original=False,
        text=stall_action_answer(action, outcome.already),
    )


async def nudge_callback(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    context: AsyncBoltContext,
) -> None:
    await _act(ack, body, client, respond, context, "nudged")


async def talk_callback(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    context: AsyncBoltContext,
) -> None:
    await _act(ack, body, client, respond, context, "talked")
