"""Which open program of a workspace a channel is the program channel of: whoever joins it is
invited to that program, and two programs may not share one."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.services.program.programs import Program


async def program_channels(
    deps: Deps, session: AsyncSession, programs: Sequence[Program]
) -> list[tuple[Program, str | None]]:
    """Each of `programs` with its program channel as its settings say (None: it has none).
    Only the workspace's first program may take ROTNEM_PROGRAM_CHANNEL
    (`bot.services.program.settings.program_config`)."""
    return [
        (program, (await deps.program_config(session, program.key)).program_channel)
        for program in programs
    ]


async def program_in_channel(
    deps: Deps, session: AsyncSession, programs: Sequence[Program], channel: str | None
) -> Program | None:
    """The one of `programs` whose program channel `channel` is, if any."""
    if not channel:
        return None
    found = await program_channels(deps, session, programs)
    return next((program for program, its in found if its == channel), None)
