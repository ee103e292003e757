"""Who someone is in Slack, read at the edge: users.info into an `Identity`, refreshed at most
once a day, and the profile modal opened with it (commands, Home buttons and the program-channel
invite all open it here, so a button does exactly what its command does)."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import Field
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.enrollment import not_eligible_message, profile_modal, slack_unavailable_message
from bot.blocks.message import Message
from bot.deps import Deps
from bot.i18n import current_language, language_of, speaking
from bot.services import tools
from bot.services.enrollment.identity import (
    Identity,
    check_eligible,
    identity_is_stale,
    refresh_identity,
)
from bot.services.enrollment.queries import get_profile
from bot.services.errors import NotEligible
from bot.services.program.programs import check_open
from handlers.directory import read_manager
from handlers.kit import Metadata, Request

logger = logging.getLogger(__name__)


class ProfileModalMetadata(Metadata):
    """Carried from opening the profile modal to its submission: what opened it ("command",
    "home", "invite"), who Slack said the person is, and where to confirm the save."""

    origin: str = Field("modal", alias="o")
    display_name: str = Field("", alias="n")
    tz: str | None = None
    locale: str | None = Field(None, alias="l")
    response_url: str | None = Field(None, alias="r")


async def fetch_identity(client: AsyncWebClient, deps: Deps, user_id: str) -> Identity:
    """users.info, read into an `Identity`; raises SlackApiError when Slack says no."""
    response = await client.users_info(user=user_id, include_locale=True)
    return identity_of(response.get("user") or {}, user_id, deps)


def identity_of(user: dict[str, Any], user_id: str, deps: Deps) -> Identity:
    """A Slack user object (users.info, or the one a user_change event carries) as an
    `Identity`; missing or odd values fall back (a name to the ID, the zone to the program's)."""
    profile = user.get("profile")
    if not isinstance(profile, dict):
        profile = {}
    name = (
        user.get("real_name")
        or profile.get("real_name")
        or profile.get("display_name")
        or user.get("name")
        or user_id
    )
    return Identity(
        user_id=user_id,
        display_name=str(name)[:255],
        tz=str(user.get("tz") or deps.settings.rotnem_timezone)[:64],
        locale=str(user["locale"])[:16] if user.get("locale") else None,
        is_bot=bool(user.get("is_bot")) or user_id == "USLACKBOT",
        deleted=bool(user.get("deleted")),
        guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
    )


async def refresh_identity_if_stale(
    client: AsyncWebClient, deps: Deps, team_id: str, user_id: str
) -> None:
    """Re-read a participant's name and time zone, at most once a day."""
    now = deps.clock.now()
    async with deps.sessionmaker() as session:
        stale = await identity_is_stale(session, team_id, user_id, now=now)
    if not stale:
        return
    try:
        identity = await fetch_identity(client, deps, user_id)
    except SlackApiError as exc:
        # Only a refresh: the stored name and zone stay until the next interaction.
        logger.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
        return
    async with deps.sessionmaker.begin() as session:
        await refresh_identity(session, team_id, identity, now=now)
    deps.languages.forget(team_id, user_id)


async def open_profile_modal(
    request: Request, trigger_id: str, origin: str, response_url: str | None
) -> Message | None:
    """Open the profile modal (prefilled for a participant); or say why not.

    `origin` names what opened it ("command", "home", "invite"); the save is confirmed at
    `response_url`. Returns None once the modal is open, or the message to show instead (not
    eligible, Slack unreachable); the trigger_id is then still unused, so a button can open a
    notice with it.
    """
    client, deps, team_id, user_id = request.client, request.deps, request.team_id, request.user_id
    try:
        identity = await fetch_identity(client, deps, user_id)
    except SlackApiError as exc:
        logger.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
        return slack_unavailable_message()
    try:
        check_eligible(identity)
    except NotEligible as exc:
        return not_eligible_message(exc.message)
    now = deps.clock.now()
    async with request.saving() as session:
        # A Join button or invite kept from before the program closed.
        await check_open(session, team_id)
        await refresh_identity(session, team_id, identity, now=now)
        deps.languages.forget(team_id, user_id)
        profile = await get_profile(session, team_id, user_id, now=now)
        catalogue = await tools.list_tools(session, team_id)
        field_id = (await deps.program_config(session, team_id)).manager_field_id
    slack_manager = (
        await read_manager(client, deps, team_id, user_id, field_id) if field_id else None
    )
    metadata = ProfileModalMetadata(
        origin=origin,
        display_name=identity.display_name,
        tz=identity.tz,
        locale=identity.locale,
        response_url=response_url,
    )
    # Slack has just said which language the person reads: someone joining is not known yet.
    with speaking(language_of(identity.locale) or current_language()):
        view = profile_modal(
            catalogue=catalogue,
            profile=profile,
            private_metadata=metadata.dump(),
            slack_manager=slack_manager,
        )
    await client.views_open(trigger_id=trigger_id, view=view.to_dict())
    return None
