"""`rotnem export sessions|pairs|participants|outcomes [--output FILE] [--team T…]`: HR's CSV
files."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.common import EXIT_USAGE, Outcome, UsageError, choose_team
from bot.cli.database import Schema, prepare_database
from bot.config import Settings
from bot.deps import one_off_deps
from bot.services.program import exports


async def export_csv(
    settings: Settings, kind: exports.ExportKind, *, output: str | None, team: str | None
) -> Outcome:
    """Write one export to `output` (standard output when None)."""
    async with one_off_deps(settings) as deps, deps.sessionmaker() as session:
        try:
            team_id = await choose_team(session, team)
        except UsageError as exc:
            return Outcome(str(exc), EXIT_USAGE)
        header, rows = await exports.export_rows(session, team_id, kind, now=deps.clock.now())
    if output is None:
        count = exports.write_csv(sys.stdout, header, rows, exports.NOTES.get(kind))
        sys.stdout.flush()
        # Standard output carries the CSV alone: the summary goes to standard error.
        return Outcome(f"{count} row(s).", to_stderr=True)
    try:
        # utf-8-sig: a byte order mark, without which Excel misreads UTF-8 ("ZoÃ«").
        with Path(output).open("w", encoding="utf-8-sig", newline="") as out:
            count = exports.write_csv(out, header, rows, exports.NOTES.get(kind))
    except OSError as exc:
        return Outcome(f"Cannot write --output {output}: {exc.strerror or exc}.", EXIT_USAGE)
    return Outcome(f"Wrote {count} row(s) to {output}.")


def export(settings: Settings, args: argparse.Namespace) -> int:
    prepare_database(settings, Schema.CURRENT)
    outcome = asyncio.run(export_csv(settings, args.what, output=args.output, team=args.team))
    return outcome.print()
