"""People changing in Slack (user_change) and joining the workspace (team_join).

Both events carry the whole user object, so a change is applied from the event itself, in every
program of the workspace the person takes part in: a deactivated person leaves them all (their
pairs end, each partner is told and goes first in line), a guest account is kept out of new
pairs, the name and time zone are stored at once; and where the workspace reads managers from
Slack, the person's manager is read again. Slack retries
are dropped by event ID (handlers/middleware.py) and every notice has a dedupe key.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.directory import in_reporting_lines
from bot.services.enrollment.identity import refresh_identity
from bot.services.enrollment.invites import welcome_to_program
from bot.services.enrollment.lifecycle import deactivate
from handlers.directory import read_manager
from handlers.kit import deps_of, team_of
from handlers.people import identity_of


async def user_change(
    event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    deps = deps_of(context)
    user: dict[str, Any] = event["user"]  # the gate checked it is a user object with an ID
    identity = identity_of(user, user["id"], deps)
    team_id = team_of(context)
    now = deps.clock.now()
    async with deps.sessionmaker.begin() as session:
        if identity.deleted:
            await deactivate(session, team_id, identity.user_id, now=now)
            return
        # Only participants' rows are changed (the workspace's key: all its programs' rows);
        # anyone else is in no program.
        await refresh_identity(session, team_id, identity, now=now)
        field_id = (await deps.program_config(session, team_id)).manager_field_id
        follow = bool(field_id) and await in_reporting_lines(session, team_id, identity.user_id)
    if field_id and follow and not identity.is_bot:
        await read_manager(client, deps, team_id, identity.user_id, field_id, fresh=True)


async def team_join(
    event: dict[str, Any], _client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    deps = deps_of(context)
    identity = identity_of(event["user"], event["user"]["id"], deps)
    if identity.is_bot or identity.deleted or identity.guest:
        return
    team_id = team_of(context)
    async with deps.sessionmaker.begin() as session:
        if not (await deps.program_config(session, team_id)).invite_new_people:
            return
        await welcome_to_program(
            session,
            team_id=team_id,
            user_id=identity.user_id,
            command=deps.settings.rotnem_command,
            now=deps.clock.now(),
        )
