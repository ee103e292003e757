"""Rotnem uninstalled from a workspace (or org), or its bot token revoked there.

Both events stop every message to that workspace (its outbox rows wait as "workspace
uninstalled") and, when Rotnem is installed by OAuth, delete its tokens; all program data stays
until a reinstall resumes the program or an operator runs `rotnem workspace delete`. Slack sends
both when an app is removed, in either order; Bolt calls these listeners without looking a token
up (there is none any more), so the data key comes from the request itself.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.install.keys import is_org_key
from bot.services.installs import installed, record_uninstall
from handlers.kit import deps_of, team_of

logger = logging.getLogger(__name__)


async def app_uninstalled(
    _event: dict[str, Any], _client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await _uninstall(deps_of(context), team_of(context), context.enterprise_id, "app_uninstalled")


async def tokens_revoked(
    event: dict[str, Any], _client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    revoked_bots = (event.get("tokens") or {}).get("bot") or []
    if not revoked_bots:
        return  # only people's tokens: Rotnem asks for none, and its bot still works
    deps = deps_of(context)
    key = team_of(context)
    ours = await _bot_user(deps, key, context.enterprise_id)
    # Without a stored bot (single token, or already deleted) any bot entry is ours: an app
    # has one bot user per workspace.
    if ours is not None and ours not in revoked_bots:
        return
    await _uninstall(deps, key, context.enterprise_id, "tokens_revoked")


async def _uninstall(deps: Deps, key: str, enterprise_id: str | None, why: str) -> None:
    async with deps.sessionmaker.begin() as session:
        org = (await installed(session, key)).enterprise_id or enterprise_id
        first = await record_uninstall(session, key, deps.clock.now())
    if first:
        logger.info("Rotnem is no longer installed for %s (%s): sending nothing there", key, why)
    if deps.installations is not None:
        if is_org_key(key):
            await deps.installations.async_delete_all(enterprise_id=key, team_id=None)
        else:
            await deps.installations.async_delete_all(enterprise_id=org, team_id=key)
        deps.installations.forget()


async def _bot_user(deps: Deps, key: str, enterprise_id: str | None) -> str | None:
    """The bot user of the installation for `key`, if one is stored."""
    if deps.installations is None:
        return None
    async with deps.sessionmaker() as session:
        org = (await installed(session, key)).enterprise_id or enterprise_id
    if is_org_key(key):
        bot = await deps.installations.async_find_bot(
            enterprise_id=key, team_id=None, is_enterprise_install=True
        )
    else:
        bot = await deps.installations.async_find_bot(enterprise_id=org, team_id=key)
    return bot.bot_user_id if bot is not None else None
