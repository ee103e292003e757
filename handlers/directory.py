"""Reading the directory from Slack, at the edge: the workspace's profile fields
(team.profile.get, listed at most hourly per workspace) and a person's manager
(users.profile.get, read again only when stale or when Slack says the person changed)."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.install.keys import workspace_of
from bot.services.directory import (
    ProfileField,
    SlackManager,
    flag_reporting_lines,
    known_manager,
    record_manager,
)
from bot.services.text import is_slack_id

logger = logging.getLogger(__name__)


async def profile_fields(
    client: AsyncWebClient, deps: Deps, team_id: str
) -> tuple[ProfileField, ...] | None:
    """The workspace's custom profile fields (cached, once for all its programs), or None when
    Slack does not list them."""
    now = deps.clock.now()
    workspace = workspace_of(team_id)
    cached = deps.profile_fields.get(workspace, now)
    if cached is not None:
        return cached
    try:
        response = await client.team_profile_get()
    except SlackApiError as exc:
        logger.warning("team.profile.get failed: %s", exc.response.get("error"))
        return None
    profile = response.get("profile")
    listed = profile.get("fields") if isinstance(profile, dict) else None
    fields = tuple(
        ProfileField(id=str(f["id"])[:32], label=str(f.get("label") or ""), type=str(f["type"]))
        for f in (listed if isinstance(listed, list) else [])
        if isinstance(f, dict) and f.get("id") and f.get("type")
    )
    deps.profile_fields.put(workspace, fields, now)
    return fields


def manager_in(profile: Any, field_id: str) -> str | None:
    """The user ID a users.profile.get profile holds in `field_id` (`fields` is a map of
    `{id: {value, alt}}`, or an empty list when the person filled in none)."""
    fields = profile.get("fields") if isinstance(profile, dict) else None
    entry = fields.get(field_id) if isinstance(fields, dict) else None
    value = entry.get("value") if isinstance(entry, dict) else None
    # A user field holds one ID (Slack documents no list here; take the first if it sends one).
    value = str(value).split(",")[0].strip() if value else ""
    return value if is_slack_id(value) else None


async def read_manager(
    client: AsyncWebClient,
    deps: Deps,
    team_id: str,
    user_id: str,
    field_id: str,
    *,
    fresh: bool = False,
) -> SlackManager:
    """The person's manager per Slack: as stored while it is fresh (unless `fresh`), else
    asked again and stored; a changed reporting line is checked against running pairs."""
    now = deps.clock.now()
    if not fresh:
        async with deps.sessionmaker() as session:
            known = await known_manager(session, team_id, user_id, field_id=field_id, now=now)
        if known is not None:
            return SlackManager(known.manager_id)
    try:
        response = await client.users_profile_get(user=user_id)
    except SlackApiError as exc:
        logger.warning("users.profile.get failed for %s: %s", user_id, exc.response.get("error"))
        async with deps.sessionmaker() as session:
            known = await known_manager(session, team_id, user_id, field_id=field_id, now=None)
        return SlackManager(known.manager_id if known else None, answered=False)
    manager_id = manager_in(response.get("profile"), field_id)
    async with deps.sessionmaker.begin() as session:
        changed = await record_manager(
            session, team_id, user_id, field_id=field_id, manager_id=manager_id, now=now
        )
        if changed:
            await flag_reporting_lines(
                session,
                team_id,
                admins=deps.settings.rotnem_admins,
                command=deps.settings.rotnem_command,
                now=now,
            )
    return SlackManager(manager_id)
