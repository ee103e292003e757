"""Enrollment's buttons: Join / Edit profile (Home tab, program-channel invite) open the profile
modal; Pause / Resume / Leave on the Home tab; the confirmation under `/rotnem leave`.

The Home tab's Leave button carries Slack's confirm dialog, so a click there is already
confirmed. Whatever a Home button did, the Home tab is published again to show the state as it
is now.
"""

from __future__ import annotations

import logging
from datetime import date

from bot.blocks.enrollment import left_message, not_participant_message, stayed_message
from bot.blocks.errors import notice_modal
from bot.services.enrollment import lifecycle
from bot.services.errors import NotAParticipant, RotnemError
from handlers.kit import Click
from handlers.people import open_profile_modal, refresh_identity_if_stale

logger = logging.getLogger(__name__)


async def join(click: Click) -> None:
    """Open the profile modal; a refusal opens a small notice instead (a click has no channel
    to answer in, and its trigger_id is still unused)."""
    # From the invite, the message is replaced by a confirmation once the profile is saved.
    origin, response_url = ("invite", click.response_url) if click.in_message else ("home", None)
    problem = await open_profile_modal(click, click.trigger_id, origin, response_url)
    if problem is not None:
        await click.open_modal(click.trigger_id, notice_modal(problem.text))


async def _from_home(click: Click, action: str) -> None:
    deps, now = click.deps, click.deps.clock.now()
    via = f"home:{action}"
    try:
        async with click.saving() as session:
            if action == "pause":
                today = await lifecycle.local_today(session, click.team_id, click.user_id, now)
                until: date = today + lifecycle.HOME_PAUSE
                await lifecycle.pause(
                    session, click.team_id, click.user_id, until=until, now=now, via=via
                )
            elif action == "resume":
                await lifecycle.resume(session, click.team_id, click.user_id, now=now, via=via)
            else:
                await lifecycle.leave(session, click.team_id, click.user_id, now=now, via=via)
    except RotnemError as exc:
        # A stale Home tab (changed from another device or by command): show the truth.
        logger.info("Home %s by %s not applied: %s", action, click.user_id, exc.message)
    await click.publish_home()
    await refresh_identity_if_stale(click.client, deps, click.team_id, click.user_id)


async def pause(click: Click) -> None:
    await _from_home(click, "pause")


async def resume(click: Click) -> None:
    await _from_home(click, "resume")


async def leave(click: Click) -> None:
    await _from_home(click, "leave")


async def leave_confirmed(click: Click) -> None:
    try:
        async with click.saving() as session:
            await lifecycle.leave(
                session,
                click.team_id,
                click.user_id,
                now=click.deps.clock.now(),
                via="button:leave_confirm",
            )
    except NotAParticipant:
        # Clicked twice, or left from the Home tab meanwhile.
        await click.replace(not_participant_message(click.command))
        return
    await click.replace(left_message(click.command))
    await click.publish_home()


async def leave_cancelled(click: Click) -> None:
    await click.replace(stayed_message())
