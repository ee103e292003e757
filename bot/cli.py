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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rotnem", description="Reverse-mentoring programs in Slack."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the bot's HTTP server (and Socket Mode if set)")
    serve.add_argument("--no-migrate", action="store_true", help="do not upgrade the schema first")

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
    runtime.serve(runtime.build_deps(settings))
    return 0


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
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"{exc}\nSee the configuration table in the README.", file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings.log_level)
    handler = {"serve": _serve, "migrate": _migrate}[args.command]
    return handler(settings, args)


if __name__ == "__main__":
    raise SystemExit(main())
