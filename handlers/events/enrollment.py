"""Someone joined the program channel: invite them by DM, once, unless they already take part."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.enrollment.identity import check_eligible
from bot.services.enrollment.invites import invite_to_program
from bot.services.enrollment.queries import is_participant
from bot.services.errors import NotEligible
from handlers.kit import deps_of, team_of
from handlers.people import fetch_identity

logger = logging.getLogger(__name__)


async def member_joined_channel(
    event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    deps = deps_of(context)
    user_id = event.get("user")
    if not isinstance(user_id, str) or user_id == context.bot_user_id:
        return
    team_id = team_of(context)
    async with deps.sessionmaker() as session:
        # The program's channel, as HR set it (else ROTNEM_PROGRAM_CHANNEL).
        channel = (await deps.program_config(session, team_id)).program_channel
        if not channel or event.get("channel") != channel:
            return
        if await is_participant(session, team_id, user_id):
            return
    try:
        check_eligible(await fetch_identity(client, deps, user_id))
    except NotEligible:
        logger.info("Not inviting %s to the program: not eligible", user_id)
        return
    except SlackApiError as exc:
        # The Join button checks again, so a missing answer only costs the early filter.
        logger.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
    async with deps.sessionmaker.begin() as session:
        await invite_to_program(
            session,
            team_id=team_id,
            user_id=user_id,
            command=deps.settings.rotnem_command,
            channel_id=channel,
            now=deps.clock.now(),
        )
