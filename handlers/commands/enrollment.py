"""`/rotnem join | profile | pause | resume | leave | status`: one's own participation."""

from __future__ import annotations

from bot.blocks.checkins import with_progress
from bot.blocks.enrollment import (
    error_message,
    invalid_pause_message,
    leave_confirm_message,
    not_participant_message,
    paused_message,
    resumed_message,
    status_message,
)
from bot.services import enrollment
from bot.services.errors import InvalidPause, NotAParticipant, RotnemError
from handlers.commands.router import CommandCall, Subcommand
from handlers.participation import (
    current_partner,
    open_profile_modal,
    pair_progress,
    publish_home_quietly,
    refresh_identity_if_stale,
)


async def join(call: CommandCall) -> None:
    """Open the profile modal (prefilled when already a participant)."""
    await call.ack()
    problem = await open_profile_modal(
        call.client,
        call.deps,
        team_id=call.team_id,
        user_id=call.user_id,
        trigger_id=call.trigger_id,
        origin="command",
        response_url=call.respond.response_url,
    )
    if problem is not None:
        await call.reply(problem)


async def pause(call: CommandCall) -> None:
    await call.ack()
    try:
        async with call.deps.sessionmaker.begin() as session:
            profile = await enrollment.pause(
                session,
                call.team_id,
                call.user_id,
                text=call.args,
                now=call.deps.clock.now(),
                via="command:pause",
            )
    except InvalidPause as exc:
        await call.reply(invalid_pause_message(call.command, exc.message, exc.example))
        return
    except NotAParticipant:
        await call.reply(not_participant_message(call.command))
        return
    await call.reply(paused_message(call.command, profile))
    await _after_change(call)


async def resume(call: CommandCall) -> None:
    await call.ack()
    try:
        async with call.deps.sessionmaker.begin() as session:
            await enrollment.resume(
                session, call.team_id, call.user_id, now=call.deps.clock.now(), via="command:resume"
            )
    except NotAParticipant:
        await call.reply(not_participant_message(call.command))
        return
    except RotnemError as exc:
        await call.reply(error_message(exc.message))
        return
    await call.reply(resumed_message())
    await _after_change(call)


async def leave(call: CommandCall) -> None:
    """Ask first: the confirm button does the leaving (handlers/actions/leave.py)."""
    await call.ack()
    now = call.deps.clock.now()
    async with call.deps.sessionmaker() as session:
        profile = await enrollment.get_profile(session, call.team_id, call.user_id, now=now)
    if profile is None or not profile.in_program:
        await call.reply(not_participant_message(call.command))
        return
    await call.reply(leave_confirm_message())


async def status(call: CommandCall) -> None:
    await call.ack()
    now = call.deps.clock.now()
    async with call.deps.sessionmaker() as session:
        profile = await enrollment.get_profile(session, call.team_id, call.user_id, now=now)
        partner = await current_partner(session, call.team_id, call.user_id) if profile else None
        progress = (
            await pair_progress(session, call.deps, call.team_id, call.user_id) if partner else None
        )
    await call.reply(with_progress(status_message(call.command, profile, partner), progress))
    await refresh_identity_if_stale(call.client, call.deps, call.team_id, call.user_id)


async def _after_change(call: CommandCall) -> None:
    await publish_home_quietly(call.client, call.deps, call.team_id, call.user_id)
    await refresh_identity_if_stale(call.client, call.deps, call.team_id, call.user_id)


ENROLLMENT_SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("join", "join", "join the program: tell us what you teach or want to learn", join),
    Subcommand("profile", "profile", "edit your profile", join),
    Subcommand(
        "pause",
        "pause 2w | pause 10d | pause until 2027-01-15",
        "no pairing, nudges or check-ins until then",
        pause,
    ),
    Subcommand("resume", "resume", "end your pause now", resume),
    Subcommand("leave", "leave", "leave the program (asks to confirm)", leave),
    Subcommand("status", "status", "your role, state, partner and tools", status),
)
