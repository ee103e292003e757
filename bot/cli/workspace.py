"""`rotnem workspace delete T…`: forget a workspace (or Grid org) for good, after a confirmation.

An uninstall keeps every program's data so that a reinstall resumes the program; this is how an
operator removes it: every row of every table keyed by that team or enterprise ID (the tables
are read from the models, so none is forgotten), and its installation's tokens, in one
transaction.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.deps import Deps


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    workspace = commands.add_parser("workspace", help="delete a workspace's data (see delete)")
    actions = workspace.add_subparsers(dest="workspace_command", metavar="ACTION", required=True)
    remove = actions.add_parser(
        "delete", help="delete every row kept for a workspace or Grid org, and its tokens"
    )
    remove.add_argument("team", metavar="ID", help="the team ID (T…) or enterprise ID (E…)")
    remove.add_argument("--yes", action="store_true", help="do not ask to type the ID again")


def workspace(settings: Settings, args: argparse.Namespace) -> int:
    # Imported here: the parser (which `rotnem version` builds too) needs only the arguments.
    from bot.cli.common import EXIT_REFUSED, EXIT_USAGE, Outcome, run_once, table
    from bot.cli.database import Schema
    from bot.services.events import known_teams
    from bot.services.installs import delete_workspace, workspace_rows

    key = args.team.strip()

    async def work(deps: Deps) -> Outcome:
        async with deps.sessionmaker() as session:
            counts = await workspace_rows(session, key)
            known = await known_teams(session)
        if not counts:
            hint = f" Workspaces with data: {', '.join(known)}." if known else ""
            return Outcome(f"No data is kept for {key}: nothing to delete.{hint}", EXIT_USAGE)
        listing = table([(name, str(n)) for name, n in counts.items()], ("table", "rows"))
        print(f"This deletes everything Rotnem keeps for {key}:\n{listing}")
        if not args.yes:
            typed = await asyncio.to_thread(input, f"Type {key} to delete it for good: ")
            if typed.strip() != key:
                return Outcome("Nothing was deleted.", EXIT_REFUSED)
        async with deps.sessionmaker.begin() as session:
            deleted = await delete_workspace(session, key)
        if deps.installations is not None:
            deps.installations.forget()
        return Outcome(f"Deleted {sum(deleted.values())} row(s) kept for {key}.")

    return run_once(settings, work, schema=Schema.CURRENT)
