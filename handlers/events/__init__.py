"""Events API listeners: acknowledged at once, each event processed once (`handlers.events.once`)
after the acknowledgement."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from handlers.events import directory, enrollment, installs
from handlers.events.home import HomeTabs
from handlers.events.once import EventLedger, received
from handlers.kit import exactly

logger = logging.getLogger(__name__)

EventListener = Callable[
    [dict[str, Any], AsyncWebClient, AsyncBoltContext], Coroutine[Any, Any, None]
]


def register(app: AsyncApp, deps: Deps) -> None:
    listeners: dict[str, EventListener] = {
        "app_home_opened": HomeTabs().opened,
        "member_joined_channel": enrollment.member_joined_channel,
        "user_change": directory.user_change,
        "team_join": directory.team_join,
        "app_uninstalled": installs.app_uninstalled,
        "tokens_revoked": installs.tokens_revoked,
    }
    app.event(exactly(listeners))(_once(listeners, EventLedger(deps)))


def _once(
    listeners: Mapping[str, EventListener], ledger: EventLedger
) -> Callable[..., Awaitable[None]]:
    """The one event listener: acknowledge, and run the event's listener once (by its type)."""

    async def acknowledge(
        ack: AsyncAck,
        body: dict[str, Any],
        event: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        request: AsyncBoltRequest,
    ) -> None:
        received(context)
        event_id = body["event_id"]  # the gate checked both are there
        key = (body["team_id"], event_id)
        listener = listeners[event["type"]]
        if not await ledger.admit(key, lambda: listener(event, client, context)):
            retry = request.headers.get("x-slack-retry-num", ["?"])[0]
            logger.info("Event %s already processed; acknowledging retry %s", event_id, retry)
        await ack()

    return acknowledge
