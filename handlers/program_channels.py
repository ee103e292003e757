"""Which open program of a workspace a channel is the program channel of: whoever joins it is
invited to that program, and two programs may not share one."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.services.program.programs import Program, open_programs


async def program_channels(
    deps: Deps, session: AsyncSession, workspace: str
) -> list[tuple[Program, str | None]]:
    """Each open program of the workspace, first one first, with its program channel as its
    settings say (None: it has none). Only the first program's may come from
    ROTNEM_PROGRAM_CHANNEL: `Deps.program_config` keeps the others to their own settings."""
    return [
        (program, (await deps.program_config(session, program.key)).program_channel)
        for program in await open_programs(session, workspace)
    ]
