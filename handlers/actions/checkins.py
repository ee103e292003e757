"""The check-in DM's buttons: "We met" and "We can't make this work" open a modal; "Not yet"
and "Skip this week" answer at once. After an answer the clicked message is updated in place
(chat.update: the direct answer to the person's own click) so nobody answers twice; a click on
a stale message is answered politely and changes nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.checkins import (
    ModalContext,
    already_answered_text,
    answered_message,
    cant_modal,
    met_modal,
    parse_button_value,
)
from bot.blocks.message import Message
from bot.deps import Deps
from bot.services import checkins
from bot.services.checkins import CheckInClosed
from bot.services.errors import RotnemError
from handlers.context import deps_of
from models import CheckInStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Click:
    deps: Deps
    team_id: str
    user_id: str
    checkin_id: int
    attempt: int
    channel: str | None
    ts: str | None
    trigger_id: str


def _click(body: dict[str, Any], context: AsyncBoltContext) -> Click | None:
    parsed = parse_button_value(str(body["actions"][0].get("value") or ""))
    if parsed is None:
        return None
    container = body.get("container") or {}
    return Click(
        deps=deps_of(context),
        team_id=context.team_id or body.get("team", {}).get("id", ""),
        user_id=body["user"]["id"],
        checkin_id=parsed[0],
        attempt=parsed[1],
        channel=container.get("channel_id") or (body.get("channel") or {}).get("id"),
        ts=container.get("message_ts") or (body.get("message") or {}).get("ts"),
        trigger_id=str(body.get("trigger_id") or ""),
    )


async def _say(respond: AsyncRespond, text: str) -> None:
    await respond(response_type="ephemeral", replace_original=False, text=text)


async def update_checkin_message(
    client: AsyncWebClient, channel: str | None, ts: str | None, message: Message
) -> None:
    """Replace the check-in's buttons with the answer (a failure is logged: the answer stands)."""
    if not channel or not ts:
        return
    try:
        await client.chat_update(channel=channel, ts=ts, **message.to_dict())
    except SlackApiError as exc:
        logger.warning("chat.update of check-in failed: %s", exc.response.get("error"))


async def _open_modal(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    context: AsyncBoltContext,
    *,
    kind: str,
) -> None:
    await ack()
    click = _click(body, context)
    if click is None:
        await _say(respond, "I don't recognise that check-in.")
        return
    try:
        async with click.deps.sessionmaker() as session:
            info = await checkins.open_checkin(
                session, click.team_id, click.checkin_id, click.attempt, click.user_id
            )
    except CheckInClosed as exc:
        await _say(respond, already_answered_text(exc.status))
        return
    except RotnemError as exc:
        await _say(respond, exc.message)
        return
    modal_context = ModalContext(click.checkin_id, click.channel, click.ts)
    view = (
        met_modal(modal_context, info.partner, info.tools)
        if kind == "met"
        else cant_modal(modal_context, info.partner)
    )
    await client.views_open(trigger_id=click.trigger_id, view=view.to_dict())


async def met_callback(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    context: AsyncBoltContext,
) -> None:
    await _open_modal(ack, body, client, respond, context, kind="met")


async def cant_callback(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    context: AsyncBoltContext,
) -> None:
    await _open_modal(ack, body, client, respond, context, kind="cant")


async def _answer(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    context: AsyncBoltContext,
    status: CheckInStatus,
) -> None:
    await ack()
    click = _click(body, context)
    if click is None:
        await _say(respond, "I don't recognise that check-in.")
        return
    try:
        async with click.deps.sessionmaker.begin() as session:
            answer = await checkins.answer_simple(
                session,
                click.team_id,
                click.checkin_id,
                click.attempt,
                click.user_id,
                status,
                now=click.deps.clock.now(),
            )
    except CheckInClosed as exc:
        await _say(respond, already_answered_text(exc.status))
        return
    except RotnemError as exc:
        await _say(respond, exc.message)
        return
    detail = "I'll ask again in 2 days." if answer.remind_at else None
    message = answered_message(answer.info.partner, answer.answer, detail)
    await update_checkin_message(client, click.channel, click.ts, message)


async def not_yet_callback(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    context: AsyncBoltContext,
) -> None:
    await _answer(ack, body, client, respond, context, CheckInStatus.NOT_YET)


async def skip_callback(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    context: AsyncBoltContext,
) -> None:
    await _answer(ack, body, client, respond, context, CheckInStatus.SKIPPED)
