"""Throwaway databases for the tests: a SQLite file or a PostgreSQL database, migrated to head.

Migrating once per session into a template and copying it per test keeps the suite fast while
every test still gets a fresh, real database.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import asyncpg
import pytest

from bot import migrate

T = TypeVar("T")

POSTGRES_ADMIN_DSN = os.environ.get(
    "ROTNEM_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def in_thread(function: Callable[[], T]) -> T:
    """Run blocking code that starts its own event loop (Alembic, asyncpg admin) off this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def run_sync(factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine from synchronous fixture code, outside the test's event loop."""
    return in_thread(lambda: asyncio.run(factory()))  # type: ignore[arg-type]


def upgrade(url: str) -> None:
    in_thread(lambda: migrate.upgrade(url))


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        run_sync(lambda: _admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def require_postgres() -> None:
    """Skip locally without PostgreSQL; fail under CI=true, where it must run."""
    problem = postgres_available()
    if problem is None:
        return
    message = f"PostgreSQL is not reachable at {POSTGRES_ADMIN_DSN} ({problem})"
    if in_ci():
        pytest.fail(f"{message}; CI=true requires the PostgreSQL tests to run", pytrace=False)
    pytest.skip(message)


def postgres_url(name: str) -> str:
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


def create_postgres_database(template: str | None = None) -> str:
    # Random, and named after the pytest-xdist worker (if any) that made it.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"rotnem_test_{worker}_{secrets.token_hex(5)}"
    suffix = f' TEMPLATE "{template}"' if template else ""
    run_sync(lambda: _admin(f'CREATE DATABASE "{name}"{suffix}'))
    return name


def drop_postgres_database(name: str) -> None:
    run_sync(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def cut_off_postgres_database(name: str, *, cut: bool) -> None:
    """Refuse new connections to `name` and end the open ones (`cut`), or let them in again."""
    allow = "false" if cut else "true"
    run_sync(lambda: _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {allow}'))
    if cut:
        run_sync(
            lambda: _admin(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            )
        )


class Templates:
    """Migrated template databases, built lazily once per test session (once per worker when the
    suite runs in parallel), and the PostgreSQL copies made from them.

    Creating a PostgreSQL database takes a few tenths of a second and dropping one forces a
    checkpoint (seconds on a busy disk), so neither happens on a test's path: the next copy is
    made while the current test runs, and used copies are dropped in the background, several at
    once so that they share checkpoints. Every test still gets a fresh database of its own.
    """

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._sqlite: Path | None = None
        self._postgres: str | None = None
        self._background = ThreadPoolExecutor(max_workers=4, thread_name_prefix="test-databases")
        self._next_copy: Future[str] | None = None
        self._drops: list[Future[None]] = []

    def sqlite_copy(self, target: Path) -> str:
        if self._sqlite is None:
            self._sqlite = self._directory / "template.db"
            upgrade(f"sqlite+aiosqlite:///{self._sqlite}")
        shutil.copy(self._sqlite, target)
        return f"sqlite+aiosqlite:///{target}"

    def postgres_copy(self) -> str:
        """The name of a fresh PostgreSQL database migrated to head; `release` it after use."""
        if self._postgres is None:
            self._postgres = create_postgres_database()
            upgrade(postgres_url(self._postgres))
        if self._next_copy is None:
            self._next_copy = self._submit_copy()
        name = self._next_copy.result()
        self._next_copy = self._submit_copy()
        return name

    def release(self, name: str) -> None:
        """Drop a copy in the background; `close` waits for it."""
        self._drops.append(self._background.submit(drop_postgres_database, name))

    def close(self) -> None:
        if self._next_copy is not None:
            self.release(self._next_copy.result())
        for drop in self._drops:
            drop.result()
        self._background.shutdown()
        if self._postgres is not None:
            drop_postgres_database(self._postgres)

    def _submit_copy(self) -> Future[str]:
        template = self._postgres
        return self._background.submit(create_postgres_database, template)


class Unpluggable:
    """A test database that a test can take away and give back: a SQLite file whose folder is
    renamed (connections then fail to open it), or a PostgreSQL database that refuses and ends
    connections. Engines on it need `poolclass=NullPool`, so that every use opens the database."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self._name = database_url.rsplit("/", 1)[1]
        self._folder = folder / "data"
        self.url = database_url
        if database_url.startswith("sqlite"):
            self._folder.mkdir()
            file = Path(database_url.split("///", 1)[1])
            shutil.copy(file, self._folder / file.name)
            self.url = f"sqlite+aiosqlite:///{self._folder / file.name}"

    def unplug(self) -> None:
        if self.url.startswith("sqlite"):
            self._folder.rename(self._folder.with_name("data-away"))
        else:
            cut_off_postgres_database(self._name, cut=True)

    def plug(self) -> None:
        if self.url.startswith("sqlite"):
            self._folder.with_name("data-away").rename(self._folder)
        else:
            cut_off_postgres_database(self._name, cut=False)
