"""`rotnem serve`, `rotnem worker`, `rotnem migrate`: the long-running processes and the schema."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.cli.common import EXIT_USAGE
from bot.cli.database import Schema, prepare_database
from bot.config import Settings
from bot.deps import build_deps

MISSING_CREDENTIALS = (
    "rotnem serve needs {names} to talk to Slack. Create the Slack app from manifest.yml and copy "
    "the Bot User OAuth Token (SLACK_BOT_TOKEN) and the Signing Secret (SLACK_SIGNING_SECRET) into "
    'the environment or a .env file: see "Create the Slack app" in the README.'
)
MISSING_OAUTH_CREDENTIALS = (
    "rotnem serve needs {names} to install Rotnem by OAuth. Copy the Client ID, Client Secret "
    "and Signing Secret from the Slack app's Basic Information page (SLACK_CLIENT_ID, "
    "SLACK_CLIENT_SECRET, SLACK_SIGNING_SECRET), and set SLACK_STATE_SECRET to a long random "
    'string (openssl rand -hex 32), in the environment or a .env file: see "Install for a '
    'whole company" in the README.'
)
WORKER_MISSING_TOKEN = (
    "rotnem worker needs SLACK_BOT_TOKEN to send messages to Slack. Copy the Bot User OAuth "
    'Token of the Slack app into the environment or a .env file: see "Create the Slack app" in '
    "the README."
)
WORKER_MISSING_CLIENT = (
    "rotnem worker needs {names} to send messages with the installations' tokens (and refresh "
    'them): see "Install for a whole company" in the README.'
)


def _refuse_credentials(settings: Settings, command: str) -> bool:
    """Print why the Slack credentials name two modes at once, if they do."""
    conflict = settings.conflicting_slack_credentials()
    if conflict is not None:
        print(f"rotnem {command}: {conflict}.", file=sys.stderr)
    return conflict is not None


def serve(settings: Settings, args: argparse.Namespace) -> int:
    if _refuse_credentials(settings, "serve"):
        return EXIT_USAGE
    missing = settings.missing_slack_credentials()
    if missing:
        message = MISSING_OAUTH_CREDENTIALS if settings.installs_by_oauth else MISSING_CREDENTIALS
        print(message.format(names=" and ".join(missing)), file=sys.stderr)
        return EXIT_USAGE
    prepare_database(settings, Schema.CURRENT if args.no_migrate else Schema.UPGRADE)
    from bot import runtime

    runtime.serve(build_deps(settings), background=not args.no_scheduler)
    return 0


def worker(settings: Settings, _args: argparse.Namespace) -> int:
    if _refuse_credentials(settings, "worker"):
        return EXIT_USAGE
    missing = settings.missing_slack_credentials()
    if settings.installs_by_oauth:
        # The worker sends with the tokens installs stored; it never sees the install flow.
        client = [name for name in missing if name in {"SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"}]
        if client:
            print(WORKER_MISSING_CLIENT.format(names=" and ".join(client)), file=sys.stderr)
            return EXIT_USAGE
    elif "SLACK_BOT_TOKEN" in missing:
        print(WORKER_MISSING_TOKEN, file=sys.stderr)
        return EXIT_USAGE
    # The release step migrates (see the Procfile); several workers must not race it.
    prepare_database(settings, Schema.CURRENT)
    # Not through bot.runtime: a worker starts faster without the web app's imports, and a
    # restarted worker is what takes over the rows a killed one held.
    from bot.worker import run_worker

    asyncio.run(run_worker(build_deps(settings)))
    return 0


def migrate(settings: Settings, _args: argparse.Namespace) -> int:
    prepare_database(settings, Schema.UPGRADE)
    print("Database schema is up to date.")
    return 0
