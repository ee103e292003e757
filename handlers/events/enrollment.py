"""Someone joined a program channel: invite them by DM to its program, once, unless they already
take part in it."""

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
from bot.services.program.programs import open_programs
from handlers.kit import deps_of, workspace_of_request
from handlers.people import fetch_identity
from handlers.program_channels import program_in_channel

logger = logging.getLogger(__name__)


async def member_joined_channel(
    event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    deps = deps_of(context)
    user_id, joined = event.get("user"), event.get("channel")
    if not isinstance(user_id, str) or user_id == context.bot_user_id or not joined:
        return
    workspace = workspace_of_request(context)
    async with deps.sessionmaker() as session:
        # The open program whose channel it is, as HR set it (else ROTNEM_PROGRAM_CHANNEL, for
        # the first program only).
        programs = await open_programs(session, workspace)
        program = await program_in_channel(deps, session, programs, joined)
        if program is None or await is_participant(session, program.key, user_id):
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
            team_id=program.key,
            user_id=user_id,
            command=deps.settings.rotnem_command,
            channel_id=joined,
            now=deps.clock.now(),
            # With several programs, the DM says which one the channel is of.
            named=program if len(programs) > 1 else None,
        )
