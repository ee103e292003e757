"""Before a command touches the database: reach it, and find the schema the command needs.

A database that cannot be reached or opened is two lines naming DATABASE_URL and what failed
(exit code 2), never the driver's traceback. What each command needs of the schema:

- `UPGRADE`: `serve`, `migrate`, and the commands that change data (`pair`, `nudge`, `checkin`,
  `outbox retry`). Like `serve`, they bring the schema up to date first: on a fresh folder they
  find an empty program and say that there is nothing to do.
- `CURRENT`: `worker`, `serve --no-migrate`, and the commands that only read (`outbox`,
  `export`). Workers and web processes must not race the release step's `rotnem migrate`, and a
  read never changes the schema (it may run on a copy, or with read-only credentials); they say
  in one line to run `rotnem migrate`, and a read leaves no empty SQLite file behind.
"""

from __future__ import annotations

import asyncio
import socket
from enum import Enum

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.config import Settings, sqlite_file
from bot.db import create_engine

# How long a connection attempt may take before the host counts as not answering.
CONNECT_TIMEOUT = 10.0


class Schema(Enum):
    UPGRADE = "upgrade"
    CURRENT = "current"


class DatabaseProblem(Exception):
    """The database cannot serve the command; the message is for the operator (exit code 2)."""


def prepare_database(settings: Settings, schema: Schema) -> None:
    """Reach the database and bring or find its schema as `schema` says; else DatabaseProblem."""
    from bot import migrate  # Alembic only for commands that use the database

    url = settings.database_url
    file = sqlite_file(url)
    if file is not None:
        # Checked here rather than from the driver's error, which is vaguer.
        if not file.parent.is_dir():
            raise _unreachable(url, f"the folder {file.parent} does not exist")
        if file.is_dir():
            raise _unreachable(url, f"{file} is a folder, not a database file")
        if schema is Schema.CURRENT and not file.exists():
            raise DatabaseProblem(
                f"There is no database at {file} yet: run `rotnem migrate` first."
            )
    revision = _revision(url)
    if revision is not None and revision not in migrate.known_revisions():
        raise DatabaseProblem(
            f"The database in DATABASE_URL is at schema revision {revision}, which this version "
            "of Rotnem does not know (a newer one made it): run the newer Rotnem."
        )
    if schema is Schema.UPGRADE:
        try:
            migrate.upgrade(url)
        except (SQLAlchemyError, OSError) as exc:
            raise _unreachable(url, _explain(exc, url), doing="upgrade the schema of") from None
    elif revision is None:
        raise DatabaseProblem(
            f"The database in DATABASE_URL ({_shown(url)}) has no Rotnem schema yet: run "
            "`rotnem migrate` first."
        )
    elif revision != migrate.head_revision():
        raise DatabaseProblem(
            "The database's schema is older than this version of Rotnem: run `rotnem migrate` "
            "first."
        )


def _revision(url: str) -> str | None:
    """The schema revision the database is at (None: no schema yet), or DatabaseProblem."""

    def read(connection: Connection) -> str | None:
        # Alembic's own reader would log its set-up at INFO before every command's output.
        if not inspect(connection).has_table("alembic_version"):
            return None
        version = connection.scalar(text("SELECT version_num FROM alembic_version"))
        return None if version is None else str(version)

    async def connect() -> str | None:
        engine = create_engine(url)
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT), engine.connect() as connection:
                return await connection.run_sync(read)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(connect())
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        raise _unreachable(url, _explain(exc, url)) from None


def _unreachable(url: str, why: str, doing: str = "use") -> DatabaseProblem:
    return DatabaseProblem(
        f"Cannot {doing} the database in DATABASE_URL ({_shown(url)}): {why}.\n"
        'Check DATABASE_URL and the database (see "Configuration" in the README).'
    )


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _explain(exc: BaseException, url: str) -> str:
    """What failed, in a few words an operator can act on."""
    parsed = make_url(url)
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    if isinstance(exc, ConnectionRefusedError):
        return f"nothing accepts connections at {where} (connection refused)"
    if isinstance(exc, socket.gaierror):
        return f"the host {parsed.host!r} is not known"
    if isinstance(exc, TimeoutError):
        return f"no answer from {where} within {CONNECT_TIMEOUT:g} s"
    detail = str(exc.orig if isinstance(exc, DBAPIError) else exc).strip()
    detail = detail.splitlines()[0] if detail else type(exc).__name__
    file = sqlite_file(url)
    if file is not None:
        return f"{file} is not a SQLite database" if "not a database" in detail else detail
    return detail
