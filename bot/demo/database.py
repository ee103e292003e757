"""The demo's database: made fresh on every run, and only ever one the demo made itself.

`rotnem demo --database` starts by deleting what is in its database, so it marks the databases
it makes (a `rotnem_demo` table) and deletes only those: a SQLite file it made is deleted, a
PostgreSQL database it made has the demo's tables dropped, one that does not exist yet is
created, an empty one is used (and marked). Anything else (a file or database with other
contents, say the bot's own `rotnem.db`) is refused in one line, exit code 2, and left alone.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from sqlalchemy import Column, MetaData, String, Table, insert, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError

from bot import migrate
from bot.config import normalize_database_url, sqlite_file
from bot.db import create_engine
from bot.demo.setup import DemoError
from models import Base

_MARKS = MetaData()
MARKER = Table("rotnem_demo", _MARKS, Column("note", String(200), nullable=False))
_NOTE = "Made by rotnem demo, which deletes this database when it runs on it again."


class DemoRefused(DemoError):
    """The demo will not touch the database it was given (exit code 2)."""


@dataclass(frozen=True)
class Database:
    """The run's database, created afresh; the files the demo writes go next to it."""

    url: str
    file: Path | None  # None for PostgreSQL
    notice: str  # what was done to it, in a sentence

    def beside(self, name: str) -> Path:
        """``demo-<name>`` next to ``demo.db`` (in the current folder for PostgreSQL)."""
        if self.file is None:
            return Path.cwd() / f"demo-{name}"
        return self.file.parent / f"{self.file.stem}-{name}"


class _Contents(Enum):
    MISSING = "missing"
    EMPTY = "empty"
    DEMO = "demo"
    OTHER = "other"


def fresh_database(given: str) -> Database:
    """The database ``--database`` names, emptied (if the demo made it), migrated and marked."""
    try:
        url = normalize_database_url(given)
    except ValueError as exc:
        raise DemoError(f"--database {given}: {exc}") from None
    file = sqlite_file(url)
    if url.startswith("sqlite") and file is None:
        raise DemoError("the demo needs a database file (the CSV exports go next to it)")
    notice = _fresh_file(file, url) if file is not None else asyncio.run(_fresh_postgres(url))
    migrate.upgrade(url)
    asyncio.run(_mark(url))
    return Database(url, file, notice)


def _refuse(shown: object) -> DemoRefused:
    return DemoRefused(
        f"--database {shown} holds data rotnem demo did not create, and the demo starts by "
        "deleting what is in its database: give it a new name (the demo creates it) instead."
    )


def _fresh_file(file: Path, url: str) -> str:
    if file.is_dir():
        raise DemoRefused(f"--database {file} is a folder, not a database file")
    if not file.exists() or file.stat().st_size == 0:
        file.parent.mkdir(parents=True, exist_ok=True)
        return f"Creating {file}."
    if asyncio.run(_contents(url)) is _Contents.OTHER:
        raise _refuse(file)
    for extra in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            Path(f"{file}{extra}").unlink()
    return f"Starting from a fresh {file} (the previous demo database was deleted)."


async def _fresh_postgres(url: str) -> str:
    name = make_url(url).database
    contents = await _contents(url)
    if contents is _Contents.OTHER:
        raise _refuse(make_url(url).render_as_string(hide_password=True))
    if contents is _Contents.MISSING:
        await _create_database(url)
        return f"Creating the database {name}."
    if contents is _Contents.EMPTY:
        return f"Using the empty database {name}."
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_drop_ours)
    finally:
        await engine.dispose()
    return f"Starting from a fresh {name} (the previous demo's tables were dropped)."


def _drop_ours(connection: Connection) -> None:
    """Drop the tables the demo made: the bot's schema, Alembic's version table and the marker
    (their sequences go with them), and nothing someone added to the database since."""
    ours = {*Base.metadata.tables, "alembic_version", MARKER.name}
    tables = MetaData()
    tables.reflect(connection, only=lambda name, _metadata: name in ours)
    tables.drop_all(connection)


async def _contents(url: str) -> _Contents:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    except DBAPIError as exc:
        state = getattr(exc.orig, "sqlstate", None)
        if state == "3D000":  # invalid_catalog_name: no such database
            return _Contents.MISSING
        if "not a database" in str(exc.orig):  # SQLite, about a file of something else
            return _Contents.OTHER
        raise
    finally:
        await engine.dispose()
    if MARKER.name in names:
        return _Contents.DEMO
    return _Contents.OTHER if names else _Contents.EMPTY


async def _create_database(url: str) -> None:
    """CREATE DATABASE through the server's maintenance database, as the same user."""
    target = make_url(url)
    engine = create_engine(
        target.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        async with engine.connect() as connection:
            quoted = connection.dialect.identifier_preparer.quote(str(target.database))
            await connection.execute(text(f"CREATE DATABASE {quoted}"))
    except DBAPIError as exc:
        raise DemoError(
            f"the database {target.database} does not exist and could not be created "
            f"({exc.orig}); create it empty, or give another --database"
        ) from None
    finally:
        await engine.dispose()


async def _mark(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_MARKS.create_all)
            await connection.execute(insert(MARKER).values(note=_NOTE))
    finally:
        await engine.dispose()
