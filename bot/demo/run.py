"""``rotnem demo``: a simulated cohort through the real app, against a local Slack, in a minute.

One process holds everything (:mod:`bot.demo.setup`): :class:`~bot.sandbox.FakeSlack` (Slack's
Web API, in a thread), the real app served by uvicorn on 127.0.0.1 (real handlers, real
database), the bot's jobs and the outbox dispatcher stepped by a simulated clock
(:mod:`bot.demo.clockwork`), and a :class:`~bot.sandbox.driver.SlackDriver` through which
synthetic people type commands, fill modals and click buttons by what they say. What they do,
all drawn from ``--seed``, is :mod:`bot.demo.scenario`; what the run leaves behind (transcript,
summary, CSV exports, HTML page) is :mod:`bot.demo.output`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

import uvloop

from bot.cli.common import EXIT_USAGE
from bot.demo.database import Database, DemoRefused, fresh_database
from bot.demo.options import DemoOptions, options_from
from bot.demo.output import DemoResult, collect, print_report, progress_bar, write_files
from bot.demo.scenario import Cohort, late_joiners
from bot.demo.setup import DemoError, staged
from bot.sandbox.people import make_workspace, with_pair_reading


def main(args: argparse.Namespace) -> int:
    """`rotnem demo`: 0 when the program ran through, 1 with one line when it did not, 2 when
    it would not touch the database it was given."""
    options = options_from(args, progress=sys.stderr.isatty())
    try:
        result = run(options)
    except DemoRefused as exc:
        print(f"rotnem demo refused: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DemoError as exc:
        print(f"rotnem demo failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a clear line, not a traceback, whatever broke
        print(f"rotnem demo failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print_report(result, options.transcript, sys.stdout)
    return 0


def run(options: DemoOptions) -> DemoResult:
    """Everything `rotnem demo` does except printing: fresh database, simulation, files."""
    database = fresh_database(options.database)
    # uvloop, as `rotnem serve` runs: the bot, its people and thousands of requests share it.
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(_run(options, database))


async def _run(options: DemoOptions, database: Database) -> DemoResult:
    result = await simulate(options, database)
    result.files = await write_files(result, options.html)
    return result


async def simulate(options: DemoOptions, database: Database) -> DemoResult:
    """Run the whole story; raises `DemoError` with one line when the bot fails."""
    started = time.perf_counter()
    workspace = make_workspace(options.people, options.seed)
    late = [p.user_id for p in late_joiners(workspace)]
    workspace = with_pair_reading(workspace, options.locale, avoid=late)
    async with staged(workspace, database.url, options.weeks) as stage:
        cohort = Cohort(stage, options)
        with progress_bar(options.progress, cohort.start, options.weeks) as on_progress:
            await cohort.run(on_progress)
        return await collect(stage, cohort, database, started)


__all__ = ["main", "run", "simulate"]
