"""The `rotnem` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot import __version__
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging

EXIT_CONFIG = 2

MISSING_CREDENTIALS = (
    "rotnem serve needs {names} to talk to Slack. Create the Slack app from manifest.yml and copy "
    "the Bot User OAuth Token (SLACK_BOT_TOKEN) and the Signing Secret (SLACK_SIGNING_SECRET) into "
    'the environment or a .env file: see "Create the Slack app" in the README.'
)

WORKER_MISSING_TOKEN = (
    "rotnem worker needs SLACK_BOT_TOKEN to send messages to Slack. Copy the Bot User OAuth "
    'Token of the Slack app into the environment or a .env file: see "Create the Slack app" in '
    "the README."
)


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
    export = commands.add_parser("export", help="CSV for HR: sessions, pairs or participants")
    export.add_argument("what", choices=("sessions", "pairs", "participants"))
    export.add_argument("--format", choices=("csv",), default="csv", help="csv (the default)")
    export.add_argument("--output", help="write to this file instead of standard output")
    export.add_argument("--team", help="the workspace's team ID, when the bot serves several")

    demo = commands.add_parser(
        "demo",
        help="try Rotnem without Slack: a simulated cohort through the real app, in a minute",
    )
    from bot.demo.options import add_arguments as add_demo_arguments

    add_demo_arguments(demo)

    commands.add_parser("migrate", help="upgrade the database schema to the latest version")
    commands.add_parser("version", help="print Rotnem's version")
    return parser


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    missing = settings.missing_slack_credentials()
    if missing:
        print(MISSING_CREDENTIALS.format(names=" and ".join(missing)), file=sys.stderr)
        return EXIT_CONFIG
    from bot import migrate, runtime

    if not args.no_migrate:
        migrate.upgrade(settings.database_url)
    runtime.serve(runtime.build_deps(settings), background=not args.no_scheduler)
    return 0


def _worker(settings: Settings, _args: argparse.Namespace) -> int:
    if settings.missing_slack_credentials().count("SLACK_BOT_TOKEN"):
        print(WORKER_MISSING_TOKEN, file=sys.stderr)
        return EXIT_CONFIG
    import asyncio

    from bot import runtime, worker

    if not asyncio.run(worker.schema_ready(settings.database_url)):
        print(
            "The database has no outbox table yet: run `rotnem migrate` (the Procfile's release "
            "step does) before starting workers.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    runtime.work(runtime.build_deps(settings))
    return 0


def _outbox(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from bot.delivery import report

    if args.outbox_command == "retry":
        count = asyncio.run(report.requeue_failed(settings.database_url, kind=args.kind))
        print(f"Re-queued {count} failed message(s).")
        return 0
    print(asyncio.run(report.outbox_report(settings.database_url)))
    return 0


def _pair(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from bot.pair_cli import run_pair

    outcome = asyncio.run(run_pair(settings, dry_run=args.dry_run, yes=args.yes, team=args.team))
    print(outcome.text, file=sys.stdout if outcome.code == 0 else sys.stderr)
    return outcome.code


def _keepalive(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from bot import keepalive_cli

    if args.command == "nudge":
        outcome = asyncio.run(keepalive_cli.nudge_now(settings))
    elif args.command == "checkin":
        outcome = asyncio.run(keepalive_cli.checkin_now(settings))
    else:
        outcome = asyncio.run(
            keepalive_cli.export(settings, args.what, output=args.output, team=args.team)
        )
    # An export to standard output keeps it clean: the summary goes to standard error.
    to_stderr = outcome.code != 0 or (args.command == "export" and args.output is None)
    print(outcome.text, file=sys.stderr if to_stderr else sys.stdout)
    return outcome.code


def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from bot import migrate

    migrate.upgrade(settings.database_url)
    print("Database schema is up to date.")
    return 0


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
        return EXIT_CONFIG
    configure_logging(settings.log_level)
    handler = {
        "serve": _serve,
        "migrate": _migrate,
        "worker": _worker,
        "outbox": _outbox,
        "pair": _pair,
        "nudge": _keepalive,
        "checkin": _keepalive,
        "export": _keepalive,
    }[args.command]
    return handler(settings, args)


if __name__ == "__main__":
    raise SystemExit(main())
