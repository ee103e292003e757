"""`/rotnem join | profile | pause | resume | leave | status`: one's own participation.

`pause` reads its argument here, at the edge (`2w`, `10d`, `until 2027-01-15` or a bare date),
into the date the pause ends; the service checks that date against the rules.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.enrollment import (
    invalid_pause_message,
    leave_confirm_message,
    not_participant_message,
    paused_message,
    programs_status_message,
    resumed_message,
    status_message,
)
from bot.blocks.errors import error_message
from bot.i18n import N_, _
from bot.install.keys import workspace_of
from bot.services.enrollment import lifecycle
from bot.services.enrollment.queries import get_profile
from bot.services.errors import InvalidPause, NotAParticipant, RotnemError
from bot.services.home import Home, ProgramHome, read_home
from bot.services.program.programs import open_programs, programs_of_person
from handlers.commands.router import CommandCall, Reach, Subcommand
from handlers.people import open_profile_modal, refresh_identity_if_stale

_DURATION = re.compile(r"(\d{1,5})\s*(d|days?|w|wks?|weeks?)")
_UNTIL = re.compile(r"(?:until|till|til|to)\s+(.+)")


def parse_pause(text: str, today: date) -> date:
    """The date a pause ends on, from `2w`, `10d`, `until 2027-01-15` (or a bare date);
    `InvalidPause` says what could not be read."""
    words = " ".join(text.lower().split())
    if not words:
        raise InvalidPause(
            _(
                "For how long would you like to pause? Give a number of days or weeks, "
                "or the date you'd like to be back."
            )
        )
    match = _DURATION.fullmatch(words)
    if match:
        days = int(match.group(1)) * (7 if match.group(2).startswith("w") else 1)
        if days < 1:
            raise InvalidPause(_("A pause has to last at least one day."))
        return today + timedelta(days=days)
    until = _UNTIL.fullmatch(words)
    try:
        return date.fromisoformat(until.group(1) if until else words)
    except ValueError:
        raise InvalidPause(
            _(
                "I couldn't read “{typed}”. Give a number of days or weeks, or a date "
                "written as YYYY-MM-DD."
            ).format(typed=text.strip()[:40])
        ) from None


async def join(call: CommandCall) -> None:
    """Open the profile modal (prefilled when already a participant)."""
    await call.ack()
    problem = await open_profile_modal(call, call.trigger_id, "command", call.respond.response_url)
    if problem is not None:
        await call.reply(problem)


async def pause(call: CommandCall) -> None:
    await call.ack()
    now = call.deps.clock.now()
    today = now.date()
    try:
        async with call.saving() as session:
            today = await lifecycle.local_today(session, call.team_id, call.user_id, now)
            profile = await lifecycle.pause(
                session,
                call.team_id,
                call.user_id,
                until=parse_pause(call.args, today),
                now=now,
                via="command:pause",
            )
    except InvalidPause as exc:
        example = f"pause until {(today + timedelta(weeks=2)).isoformat()}"
        await call.reply(invalid_pause_message(call.command, exc.message, example))
        return
    except NotAParticipant:
        await call.reply(not_participant_message(call.command))
        return
    await call.reply(paused_message(call.command, profile))
    await _after_change(call)


async def resume(call: CommandCall) -> None:
    await call.ack()
    try:
        async with call.saving() as session:
            await lifecycle.resume(
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
    """Ask first: the confirm button does the leaving (handlers/actions/enrollment.py)."""
    await call.ack()
    async with call.deps.sessionmaker() as session:
        profile = await get_profile(session, call.team_id, call.user_id, now=call.deps.clock.now())
    if profile is None or not profile.in_program:
        await call.reply(not_participant_message(call.command))
        return
    await call.reply(leave_confirm_message())


async def status(call: CommandCall) -> None:
    """The person's participation: in the program, or with several open, in each one they take
    part in (`call.team_id` is any key of the workspace: a program chosen or none)."""
    await call.ack()
    deps, now = call.deps, call.deps.clock.now()
    workspace = workspace_of(call.team_id)
    async with deps.sessionmaker() as session:
        if len(await open_programs(session, workspace)) == 1:
            home = await _status_in(call, session, call.team_id, now)
            message = status_message(call.command, home)
        else:
            homes = [
                ProgramHome(program, await _status_in(call, session, program.key, now))
                for program in await programs_of_person(session, workspace, call.user_id)
            ]
            message = programs_status_message(call.command, homes)
    await call.reply(message)
    await refresh_identity_if_stale(call.client, deps, call.team_id, call.user_id)


async def _status_in(call: CommandCall, session: AsyncSession, key: str, now: datetime) -> Home:
    config = await call.deps.program_config(session, key)
    return await read_home(session, key, call.user_id, config, now=now, history=False)


async def _after_change(call: CommandCall) -> None:
    await call.publish_home()
    await refresh_identity_if_stale(call.client, call.deps, call.team_id, call.user_id)


# Summaries are translated when the help is built (bot/blocks/help.py); usages are commands.
ENROLLMENT_SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "join",
        "join",
        N_("join the program: tell us what you teach or want to learn"),
        join,
        Reach.JOIN,
    ),
    Subcommand("profile", "profile", N_("edit your profile"), join),
    Subcommand(
        "pause",
        "pause 2w | pause 10d | pause until 2027-01-15",
        N_("no pairing, nudges or check-ins until then"),
        pause,
    ),
    Subcommand("resume", "resume", N_("end your pause now"), resume),
    Subcommand("leave", "leave", N_("leave the program (asks to confirm)"), leave),
    Subcommand(
        "status", "status", N_("your role, state, partner and tools"), status, Reach.WORKSPACE
    ),
)
