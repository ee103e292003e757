"""What the command-line commands share: their outcome, choosing the workspace, plain tables."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.wording import program_label
from bot.cli.database import Schema, prepare_database
from bot.config import Settings
from bot.deps import Deps, one_off_deps
from bot.install.keys import workspace_of
from bot.services.errors import NotFound
from bot.services.events import known_teams
from bot.services.program.programs import program_of, programs_of

# Exit codes: a usage or configuration problem the operator can fix, a refusal by the program.
EXIT_USAGE = 2
EXIT_REFUSED = 1


class UsageError(Exception):
    """Bad usage: the message says what to type instead (exit code 2)."""


@dataclass(frozen=True)
class Outcome:
    """What a command prints, and its exit code; failures and summaries go to standard error."""

    text: str
    code: int = 0
    to_stderr: bool = False

    def print(self) -> int:
        print(self.text, file=sys.stderr if self.code or self.to_stderr else sys.stdout)
        return self.code


def run_once(
    settings: Settings, work: Callable[[Deps], Awaitable[Outcome]], *, schema: Schema
) -> int:
    """Run a one-off command against the database (ready as `schema` says; see
    `bot.cli.database`) and print its outcome; the exit code."""
    prepare_database(settings, schema)

    async def run() -> Outcome:
        async with one_off_deps(settings) as deps:
            return await work(deps)

    return asyncio.run(run()).print()


async def choose_team(session: AsyncSession, team: str | None) -> str:
    """The program a command acts on: `--team` (a workspace's key for its first program, or a
    further program's `T…~2`), or the only one there is."""
    if team:
        if team != workspace_of(team):
            try:
                await program_of(session, team)
            except NotFound:
                raise UsageError(
                    f"No program {team}: `--team` takes one of the keys listed when it is left out."
                ) from None
        return team
    teams = await known_teams(session)
    if not teams:
        raise UsageError("No workspace has used the bot yet, so there is nothing to do.")
    if len(teams) > 1:
        raise UsageError(
            f"Several workspaces use this bot: add --team (one of {', '.join(teams)})."
        )
    programs = await programs_of(session, teams[0])
    if len(programs) == 1:
        return teams[0]
    listed = ", ".join(
        f"{p.key} ({program_label(p.name, p.template)}{', closed' if p.closed else ''})"
        for p in programs
    )
    raise UsageError(f"Several programs run in this workspace: add --team (one of {listed}).")


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """A plain-text table with columns padded to their widest cell."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(header)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(str(c).ljust(widths[i]) for i, c in enumerate(row)).rstrip() for row in rows
    ]
    return "\n".join(lines)
