"""`rotnem serve`, `rotnem worker`, `rotnem migrate`: the long-running processes and the schema."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.cli.common import EXIT_USAGE
from bot.config import Settings
from bot.deps import build_deps, one_off_deps

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
NO_SCHEMA = (
    "The database has no outbox table yet: run `rotnem migrate` (the Procfile's release step "
    "does) before starting workers."
)


def serve(settings: Settings, args: argparse.Namespace) -> int:
    missing = settings.missing_slack_credentials()
    if missing:
        print(MISSING_CREDENTIALS.format(names=" and ".join(missing)), file=sys.stderr)
        return EXIT_USAGE
    from bot import migrate, runtime

    if not args.no_migrate:
        migrate.upgrade(settings.database_url)
    runtime.serve(build_deps(settings), background=not args.no_scheduler)
    return 0


async def _schema_ready(settings: Settings) -> bool:
    """Whether the outbox table exists (the worker never migrates; `rotnem migrate` does)."""
    async with one_off_deps(settings) as deps:
        try:
            async with deps.engine.connect() as connection:
                await connection.execute(text("SELECT 1 FROM outbox_messages WHERE 1 = 0"))
        except (SQLAlchemyError, OSError):
            return False
    return True


def worker(settings: Settings, _args: argparse.Namespace) -> int:
    if "SLACK_BOT_TOKEN" in settings.missing_slack_credentials():
        print(WORKER_MISSING_TOKEN, file=sys.stderr)
        return EXIT_USAGE
    if not asyncio.run(_schema_ready(settings)):
        print(NO_SCHEMA, file=sys.stderr)
        return EXIT_USAGE
    from bot import runtime

    runtime.work(build_deps(settings))
    return 0


def migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from bot import migrate

    migrate.upgrade(settings.database_url)
    print("Database schema is up to date.")
    return 0
