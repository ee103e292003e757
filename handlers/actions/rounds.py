"""Buttons of a pairing round: Approve and introduce / Discard (HR admins, checked on every
click), "We've scheduled our first session", and the end-of-cycle Yes / Take a break."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond

from bot.blocks.admin import admins_only_message
from bot.blocks.rounds import (
    FIRST_SESSION_ALREADY,
    already_decided_message,
    approved_message,
    break_answer,
    continue_answer,
    discarded_message,
    first_session_recorded,
    refusal_message,
)
from bot.services import enrollment, rounds
from bot.services.errors import RotnemError
from bot.services.program import defaults_from, program_config
from handlers.context import deps_of


def _clicked(body: dict[str, Any], context: AsyncBoltContext) -> tuple[str, str, int | None]:
    """(team ID, user ID, the button's integer value or None when it is not one)."""
    team_id = context.team_id or body.get("team", {}).get("id") or body["user"].get("team_id", "")
    value = str(body["actions"][0].get("value") or "")
    return team_id, body["user"]["id"], int(value) if value.isdigit() else None


async def _admin_round_click(
    body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> tuple[str, str, int] | None:
    """(team, admin, round) of a click on a proposal; None, answered, for anyone else's click
    (the admin check runs on the server for every click) or a button without a round."""
    team_id, user_id, round_id = _clicked(body, context)
    if not deps_of(context).is_admin(user_id):
        await respond(replace_original=False, **admins_only_message().to_dict())
        return None
    if round_id is None:
        await respond(replace_original=False, **refusal_message("Unknown round.").to_dict())
        return None
    return team_id, user_id, round_id


async def approve_callback(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    await ack()
    clicked = await _admin_round_click(body, respond, context)
    if clicked is None:
        return
    team_id, user_id, round_id = clicked
    deps = deps_of(context)
    settings = deps.settings
    try:
        async with deps.sessionmaker.begin() as session:
            approval = await rounds.approve_round(
                session,
                team_id,
                round_id,
                approver=user_id,
                now=deps.clock.now(),
                defaults=defaults_from(settings),
                zone=settings.zone,
            )
    except RotnemError as exc:
        # The loser of a double click (or of two admins at once) is told; nothing changed.
        await respond(replace_original=False, **already_decided_message(exc.message).to_dict())
        return
    await respond(replace_original=True, **approved_message(approval, user_id).to_dict())


async def discard_callback(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    await ack()
    clicked = await _admin_round_click(body, respond, context)
    if clicked is None:
        return
    team_id, user_id, round_id = clicked
    deps = deps_of(context)
    try:
        async with deps.sessionmaker.begin() as session:
            await rounds.discard_round(
                session, team_id, round_id, actor_id=user_id, now=deps.clock.now()
            )
    except RotnemError as exc:
        await respond(replace_original=False, **already_decided_message(exc.message).to_dict())
        return
    await respond(replace_original=True, **discarded_message(user_id).to_dict())


async def first_session_callback(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    await ack()
    deps = deps_of(context)
    team_id, user_id, pair_id = _clicked(body, context)
    if pair_id is None:
        await respond(replace_original=False, **refusal_message("Unknown pair.").to_dict())
        return
    try:
        async with deps.sessionmaker.begin() as session:
            first = await rounds.mark_first_session(
                session, team_id, pair_id, user_id, now=deps.clock.now()
            )
    except RotnemError as exc:
        await respond(replace_original=False, **refusal_message(exc.message).to_dict())
        return
    if not first:
        await respond(replace_original=False, text=FIRST_SESSION_ALREADY)
        return
    message = body.get("message") or {}
    await respond(
        replace_original=True,
        text=str(message.get("text") or "Your pair's introduction"),
        blocks=first_session_recorded(message.get("blocks") or [], user_id),
    )


async def cycle_continue_callback(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    await ack()
    deps = deps_of(context)
    team_id, user_id, _ = _clicked(body, context)
    now = deps.clock.now()
    async with deps.sessionmaker() as session:
        profile = await enrollment.get_profile(session, team_id, user_id, now=now)
    if profile is None or not profile.in_program:
        await respond(
            replace_original=False,
            **refusal_message(
                f"You're not in the program at the moment: type `{deps.settings.rotnem_command} "
                "join` to come back."
            ).to_dict(),
        )
        return
    await respond(replace_original=True, **continue_answer(user_id).to_dict())


async def cycle_break_callback(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    await ack()
    deps = deps_of(context)
    team_id, user_id, _ = _clicked(body, context)
    now = deps.clock.now()
    try:
        async with deps.sessionmaker.begin() as session:
            config = await program_config(session, team_id, defaults_from(deps.settings))
            profile = await enrollment.pause(
                session,
                team_id,
                user_id,
                text=f"{config.cycle_weeks}w",
                now=now,
                via="button:cycle_break",
            )
    except RotnemError as exc:
        await respond(replace_original=False, **refusal_message(exc.message).to_dict())
        return
    resume_on = profile.resume_on or now.date()
    await respond(replace_original=True, **break_answer(resume_on).to_dict())
