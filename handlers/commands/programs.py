"""`/rotnem admin programs`: the workspace's programs a person administers, each with its state,
people and pairs, and its buttons (`handlers/actions/programs.py`); ROTNEM_ADMINS also create
and close programs there.

The router lets in whoever administers a program of the workspace; which programs they see is
decided here, program by program, and every button checks again on the server.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.errors import admins_only_message
from bot.blocks.message import Message
from bot.blocks.programs import programs_message
from bot.i18n import N_
from bot.install.keys import workspace_of
from bot.services.program.programs import Program, programs_of
from bot.services.program.stats import program_summary
from handlers.commands.router import CommandCall, Reach, Subcommand
from handlers.kit import Request


def is_rotnem_admin(request: Request) -> bool:
    """Whether the person is one of ROTNEM_ADMINS, who alone create and close programs (a
    program's managers run that program only)."""
    return request.user_id in request.deps.settings.rotnem_admins


async def administered(request: Request) -> list[Program]:
    """The programs of the request's workspace the person administers, first one first."""
    deps = request.deps
    async with deps.sessionmaker() as session:
        programs = await programs_of(session, workspace_of(request.team_id))
    return [p for p in programs if await deps.is_admin(p.key, request.user_id)]


async def programs_list(
    request: Request, programs: Sequence[Program], closed: tuple[str, int] | None = None
) -> Message:
    """The list of `programs` (those the person administers) as they are now; `closed` is the
    program just closed and how many pairs ended."""
    deps = request.deps
    now = deps.clock.now()
    async with deps.sessionmaker() as session:
        summaries = [
            await program_summary(
                session,
                program,
                await deps.program_config(session, program.key),
                now=now,
                zone=deps.settings.zone,
            )
            for program in programs
        ]
    just_closed = None
    if closed is not None:
        key, ended = closed
        just_closed = next(((p, ended) for p in programs if p.key == key), None)
    return programs_message(summaries, rotnem_admin=is_rotnem_admin(request), closed=just_closed)


async def admin_programs(call: CommandCall) -> None:
    programs = await administered(call)
    if not programs:
        await call.refuse(admins_only_message())
        return
    await call.ack()
    await call.reply(await programs_list(call, programs))


PROGRAMS_ADMIN_SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "programs",
        "admin programs",
        N_("list, create and close programs"),
        admin_programs,
        Reach.WORKSPACE,
    ),
)
