"""Buttons of a pairing round: Approve and introduce / Discard (HR admins, checked on every
click), "We've scheduled our first session", and the end-of-cycle Yes / Take a break."""

from __future__ import annotations

from datetime import timedelta

from bot.blocks.message import Message
from bot.blocks.rounds import (
    FIRST_SESSION_ALREADY,
    approved_message,
    break_answer,
    continue_answer,
    discarded_message,
    first_session_recorded,
    refusal_message,
)
from bot.i18n import _
from bot.services.enrollment import lifecycle
from bot.services.enrollment.queries import Status, get_profile
from bot.services.rounds.approve import approve_round
from bot.services.rounds.cycles import mark_first_session
from bot.services.rounds.propose import discard_round
from handlers.kit import Click


async def approve(click: Click) -> None:
    round_id = await click.admin_number(refusal_message(_("Unknown round.")))
    if round_id is None:
        return
    deps = click.deps
    # The loser of a double click (or of two admins at once) is told by the kit; nothing changed.
    async with click.saving() as session:
        approval = await approve_round(
            session,
            click.team_id,
            round_id,
            approver=click.user_id,
            now=deps.clock.now(),
            defaults=deps.program_defaults,
            zone=deps.settings.zone,
        )
    await click.replace(approved_message(approval, click.user_id))


async def discard(click: Click) -> None:
    round_id = await click.admin_number(refusal_message(_("Unknown round.")))
    if round_id is None:
        return
    async with click.saving() as session:
        await discard_round(
            session, click.team_id, round_id, actor_id=click.user_id, now=click.deps.clock.now()
        )
    await click.replace(discarded_message(click.user_id))


async def first_session(click: Click) -> None:
    pair_id = click.number
    if pair_id is None:
        await click.say(refusal_message(_("Unknown pair.")))
        return
    async with click.saving() as session:
        first = await mark_first_session(
            session, click.team_id, pair_id, click.user_id, now=click.deps.clock.now()
        )
    if not first:
        await click.say(_(FIRST_SESSION_ALREADY))
        return
    await click.respond(
        replace_original=True,
        text=str(click.message.get("text") or _("Your pair's introduction")),
        blocks=first_session_recorded(click.message.get("blocks") or [], click.user_id),
    )


def _not_in_program(click: Click) -> Message:
    return refusal_message(
        _("You're not in the program at the moment: type `{command} join` to come back.").format(
            command=click.command
        )
    )


async def cycle_continue(click: Click) -> None:
    """The "Yes, pair me again" button: a paused person is resumed (a round leaves them out)."""
    now = click.deps.clock.now()
    async with click.saving() as session:
        profile = await get_profile(session, click.team_id, click.user_id, now=now)
        if profile is not None and profile.status is Status.PAUSED:
            await lifecycle.resume(
                session, click.team_id, click.user_id, now=now, via="button:cycle_continue"
            )
    if profile is None or not profile.in_program:
        await click.say(_not_in_program(click))
        return
    await click.replace(continue_answer(click.user_id))


async def cycle_break(click: Click) -> None:
    deps, now = click.deps, click.deps.clock.now()
    async with click.saving() as session:
        config = await deps.program_config(session, click.team_id)
        today = await lifecycle.local_today(session, click.team_id, click.user_id, now)
        profile = await lifecycle.pause(
            session,
            click.team_id,
            click.user_id,
            until=today + timedelta(weeks=lifecycle.cycle_break_weeks(config.cycle_weeks)),
            now=now,
            via="button:cycle_break",
        )
    await click.replace(break_answer(profile.resume_on or now.date()))
