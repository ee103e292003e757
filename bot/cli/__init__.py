"""The `rotnem` command line: the parser and `main` here, each command in its own module.

Commands import what they need when they run, so `rotnem version` or a refused `serve` starts
in a blink. Every command that changes something goes through the same services as Slack.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from bot import __version__
from bot.cli.common import EXIT_USAGE
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rotnem", description="Reverse-mentoring programs in Slack."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve", help="run the bot's HTTP server (and Socket Mode if set), scheduler and outbox"
    )
    serve.add_argument("--no-migrate", action="store_true", help="do not upgrade the schema first")
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="HTTP only: leave scheduled jobs and outbox delivery to `rotnem worker`",
    )
    commands.add_parser("worker", help="run the scheduler and outbox dispatcher (no HTTP)")

    outbox = commands.add_parser("outbox", help="show the outbox: counts by status, last errors")
    outbox_commands = outbox.add_subparsers(dest="outbox_command", metavar="ACTION")
    retry = outbox_commands.add_parser("retry", help="re-queue failed messages")
    retry.add_argument(
        "--failed", action="store_true", required=True, help="every failed message (required)"
    )
    retry.add_argument("--kind", help="only messages of this kind (e.g. intro)")

    pair = commands.add_parser("pair", help="propose a pairing round (see --dry-run, --yes)")
    mode = pair.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="print the proposal, change nothing")
    mode.add_argument("--yes", action="store_true", help="approve and introduce at once")
    pair.add_argument("--team", help="the workspace's team ID, when the bot serves several")

    nudge = commands.add_parser("nudge", help="enqueue this week's prompts now (see --now)")
    nudge.add_argument(
        "--now", action="store_true", required=True, help="for every pair without one (required)"
    )
    checkin = commands.add_parser("checkin", help="enqueue this week's check-ins now (see --now)")
    checkin.add_argument(
        "--now", action="store_true", required=True, help="for every pair asked about (required)"
    )
    export = commands.add_parser(
        "export",
        help="CSV for HR: sessions, pairs, participants, (learning) outcomes, or the changes to "
        "settings and wording",
    )
    export.add_argument(
        "what", choices=("sessions", "pairs", "participants", "outcomes", "changes")
    )
    export.add_argument("--format", choices=("csv",), default="csv", help="csv (the default)")
    export.add_argument("--output", help="write to this file instead of standard output")
    export.add_argument("--team", help="the workspace's team ID, when the bot serves several")

    report = commands.add_parser(
        "report", help="HR's program report with charts, as one self-contained HTML page"
    )
    report.add_argument("--html", required=True, metavar="FILE", help="the page to write")
    report.add_argument("--team", help="the workspace's team ID, when the bot serves several")

    demo = commands.add_parser(
        "demo",
        help="try Rotnem without Slack: a simulated cohort through the real app, in a minute",
    )
    from bot.demo.options import add_arguments as add_demo_arguments

    add_demo_arguments(demo)

    from bot.cli.workspace import add_arguments as add_workspace_arguments

    add_workspace_arguments(commands)

    commands.add_parser("migrate", help="upgrade the database schema to the latest version")
    commands.add_parser("version", help="print Rotnem's version")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "version":
        print(f"rotnem {__version__}")
        return 0
    if args.command == "demo":
        # Settings are built in code: the demo never reads tokens from the environment.
        from bot.demo.run import main as demo_main

        return demo_main(args)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"{exc}\nSee the configuration table in the README.", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings.log_level)
    from bot.cli import jobs, outbox, program, report, rounds, serve, workspace
    from bot.cli.database import DatabaseProblem

    command: Callable[[Settings, argparse.Namespace], int] = {
        "serve": serve.serve,
        "worker": serve.worker,
        "migrate": serve.migrate,
        "outbox": outbox.outbox,
        "pair": rounds.pair,
        "nudge": jobs.run_now,
        "checkin": jobs.run_now,
        "export": program.export,
        "report": report.report,
        "workspace": workspace.workspace,
    }[args.command]
    try:
        return command(settings, args)
    except DatabaseProblem as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
