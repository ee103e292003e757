"""Shared fixtures: real databases (SQLite and PostgreSQL), the fake Slack, a running bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.sandbox import FakeSlack
from tests.databases import (
    Templates,
    create_postgres_database,
    drop_postgres_database,
    postgres_url,
    require_postgres,
)
from tests.harness import RunningBot, start_bot

# A Monday morning, so weekly schedules start from a known place.
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    store = Templates(tmp_path_factory.mktemp("templates"))
    yield store
    store.close()


@pytest.fixture
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, templates: Templates
) -> Iterator[str]:
    """A fresh database migrated to head: SQLite unless parametrized with "postgresql"."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield templates.sqlite_copy(tmp_path / "rotnem.db")
        return
    require_postgres()
    name = templates.postgres_copy()
    yield postgres_url(name)
    drop_postgres_database(name)


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all (for migration tests)."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    require_postgres()
    name = create_postgres_database()
    yield postgres_url(name)
    drop_postgres_database(name)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        yield slack


@pytest.fixture
async def bot(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> AsyncIterator[RunningBot]:
    """The real app served over HTTP on 127.0.0.1, talking to the fake Slack."""
    async with start_bot(database_url=database_url, slack=fake_slack, clock=clock) as running:
        yield running
