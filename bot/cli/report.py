"""`rotnem report --html FILE [--team T…]`: HR's program report as one self-contained page."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli.common import EXIT_USAGE, Outcome, UsageError, choose_team
from bot.cli.database import Schema, prepare_database
from bot.config import Settings
from bot.deps import one_off_deps


async def write_report(settings: Settings, *, html: str, team: str | None) -> Outcome:
    # The report's modules load matplotlib when they draw: only this command pays for it.
    from bot.report.page import report_page
    from bot.services.report import read_report

    async with one_off_deps(settings) as deps, deps.sessionmaker() as session:
        try:
            team_id = await choose_team(session, team)
        except UsageError as exc:
            return Outcome(str(exc), EXIT_USAGE)
        config = await deps.program_config(session, team_id)
        report = await read_report(session, team_id, config, now=deps.clock.now())
    page = await asyncio.to_thread(report_page, report)
    try:
        Path(html).write_text(page, encoding="utf-8")
    except OSError as exc:
        return Outcome(f"Cannot write --html {html}: {exc.strerror or exc}.", EXIT_USAGE)
    return Outcome(f"Wrote the program report to {html}.")


def report(settings: Settings, args: argparse.Namespace) -> int:
    prepare_database(settings, Schema.CURRENT)
    return asyncio.run(write_report(settings, html=args.html, team=args.team)).print()
