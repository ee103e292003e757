"""What the enrollment entry points share: reading who someone is from Slack, opening the
profile modal, and publishing the Home tab after a change.

Commands, Home buttons and the program-channel invite all call these, so a button does exactly
what its command does.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.enrollment import not_eligible_message, slack_unavailable_message
from bot.blocks.home import PartnerSummary, PastPartner, home_view
from bot.blocks.message import Message
from bot.blocks.profile import profile_modal
from bot.deps import Deps
from bot.services import enrollment, reports, rounds, tools
from bot.services.errors import NotEligible
from bot.services.program import defaults_from, program_config
from bot.services.reports import PairProgress

logger = logging.getLogger(__name__)


async def fetch_identity(client: AsyncWebClient, deps: Deps, user_id: str) -> enrollment.Identity:
    """users.info, read into an `Identity`; raises SlackApiError when Slack says no."""
    response = await client.users_info(user=user_id)
    user: dict[str, Any] = response.get("user") or {}
    profile: dict[str, Any] = user.get("profile") or {}
    name = (
        user.get("real_name")
        or profile.get("real_name")
        or profile.get("display_name")
        or user.get("name")
        or user_id
    )
    return enrollment.Identity(
        user_id=user_id,
        display_name=str(name)[:255],
        tz=str(user.get("tz") or deps.settings.rotnem_timezone),
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
        stale = await enrollment.identity_is_stale(session, team_id, user_id, now=now)
    if not stale:
        return
    try:
        identity = await fetch_identity(client, deps, user_id)
    except SlackApiError as exc:
        # Only a refresh: the stored name and zone stay until the next interaction.
        logger.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
        return
    async with deps.sessionmaker.begin() as session:
        await enrollment.refresh_identity(session, team_id, identity, now=now)


@dataclass(frozen=True)
class ModalContext:
    """Carried in the profile modal's private_metadata, from opening to submission.

    `origin` names what opened it ("command", "home", "invite"); `response_url` lets the
    submission answer where the person asked (the command's channel, the invite message).
    """

    origin: str
    display_name: str
    tz: str
    response_url: str | None = None

    def dump(self) -> str:
        return json.dumps(
            {"o": self.origin, "n": self.display_name, "tz": self.tz, "r": self.response_url},
            separators=(",", ":"),
        )

    @classmethod
    def load(cls, raw: str, fallback_tz: str) -> ModalContext:
        try:
            data = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        return cls(
            origin=str(data.get("o") or "modal"),
            display_name=str(data.get("n") or ""),
            tz=str(data.get("tz") or fallback_tz),
            response_url=data.get("r") if isinstance(data.get("r"), str) else None,
        )


async def open_profile_modal(
    client: AsyncWebClient,
    deps: Deps,
    *,
    team_id: str,
    user_id: str,
    trigger_id: str,
    origin: str,
    response_url: str | None = None,
) -> Message | None:
    """Open the profile modal (prefilled for a participant); or say why not.

    Returns None once the modal is open, or the message to show instead (not eligible, Slack
    unreachable); the trigger_id is then still unused, so a button can open a notice with it.
    """
    try:
        identity = await fetch_identity(client, deps, user_id)
    except SlackApiError as exc:
        logger.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
        return slack_unavailable_message()
    try:
        enrollment.check_eligible(identity)
    except NotEligible as exc:
        return not_eligible_message(exc.message)
    now = deps.clock.now()
    async with deps.sessionmaker.begin() as session:
        await enrollment.refresh_identity(session, team_id, identity, now=now)
        profile = await enrollment.get_profile(session, team_id, user_id, now=now)
        catalogue = await tools.list_tools(session)
    context = ModalContext(
        origin=origin, display_name=identity.display_name, tz=identity.tz, response_url=response_url
    )
    view = profile_modal(catalogue=catalogue, profile=profile, private_metadata=context.dump())
    await client.views_open(trigger_id=trigger_id, view=view.to_dict())
    return None


async def current_partner(
    session: AsyncSession, team_id: str, user_id: str
) -> PartnerSummary | None:
    """The person's current partner for the Home tab and `status` (the newest, for a guide
    with several learners)."""
    partners = await current_partners(session, team_id, user_id)
    return partners[0] if partners else None


async def current_partners(
    session: AsyncSession, team_id: str, user_id: str
) -> list[PartnerSummary]:
    """Everyone the person is paired with now, newest first."""
    return [
        PartnerSummary(user_id=p.user_id, since=p.started_at.date(), tools=p.tools)
        for p in await rounds.current_partners(session, team_id, user_id)
    ]


async def past_partners(session: AsyncSession, team_id: str, user_id: str) -> list[PastPartner]:
    """The person's ended pairs, newest first (history stays after anyone leaves)."""
    return [
        PastPartner(
            user_id=p.user_id,
            since=p.started_at.date(),
            until=(p.ended_at or p.started_at).date(),
            reason=p.end_reason or "",
        )
        for p in await rounds.past_partners(session, team_id, user_id)
    ]


async def pair_progress(
    session: AsyncSession, deps: Deps, team_id: str, user_id: str
) -> PairProgress | None:
    """The current pair's last sessions, tools covered and next prompt (Home tab, `status`)."""
    config = await program_config(session, team_id, defaults_from(deps.settings))
    return await reports.pair_progress(session, team_id, user_id, config, now=deps.clock.now())


async def publish_home(client: AsyncWebClient, deps: Deps, team_id: str, user_id: str) -> None:
    """Build and publish the person's Home tab as it is now (admins also get the summary)."""
    now = deps.clock.now()
    async with deps.sessionmaker() as session:
        profile = await enrollment.get_profile(session, team_id, user_id, now=now)
        partners = await current_partners(session, team_id, user_id) if profile else []
        past = await past_partners(session, team_id, user_id) if profile else []
        program = (
            await enrollment.program_summary(session, team_id, now=now)
            if deps.is_admin(user_id)
            else None
        )
        progress = await pair_progress(session, deps, team_id, user_id) if partners else None
    view = home_view(
        command=deps.settings.rotnem_command,
        profile=profile,
        partner=partners[0] if partners else None,
        program=program,
        other_partners=partners[1:],
        past_partners=past,
        progress=progress,
    )
    await client.views_publish(user_id=user_id, view=view.to_dict())


async def publish_home_quietly(
    client: AsyncWebClient, deps: Deps, team_id: str, user_id: str
) -> None:
    """`publish_home` after a change already answered elsewhere: a failure is only logged."""
    try:
        await publish_home(client, deps, team_id, user_id)
    except SlackApiError as exc:
        logger.warning("views.publish failed for %s: %s", user_id, exc.response.get("error"))
