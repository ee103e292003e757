"""Shared fixtures: real databases (SQLite and PostgreSQL), the fake Slack, a running bot, a
program run by HR, and an outbox with its dispatcher. What the fixtures hand out, and every step
a test takes with it, lives in `tests.factories`."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from bot.clock import ManualClock
from bot.db import create_engine
from bot.delivery.config import DispatchConfig
from bot.sandbox import FakeSlack
from tests.databases import Templates, create_postgres_database, postgres_url, require_postgres
from tests.factories import (
    ADMIN_ID,
    ANNOUNCE,
    START,
    Outbox,
    Program,
    RunningBot,
    add_people,
    make_config,
    outbox_on,
    start_bot,
)

# On CI the property tests draw the same examples every run, so a run that passes is repeatable
# (a fresh clone has no example database to replay a failure from); elsewhere they explore.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


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
    templates.release(name)


@pytest.fixture
def empty_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, templates: Templates
) -> Iterator[str]:
    """A database with no schema at all (for migration tests)."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    require_postgres()
    name = create_postgres_database()
    yield postgres_url(name)
    templates.release(name)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        yield slack


@pytest.fixture
def people(fake_slack: FakeSlack) -> FakeSlack:
    """The fake Slack with the workspace's cast (see `add_people`)."""
    add_people(fake_slack)
    return fake_slack


@pytest.fixture
async def bot(
    database_url: str, people: FakeSlack, clock: ManualClock
) -> AsyncIterator[RunningBot]:
    """The real app served over HTTP on 127.0.0.1, talking to the fake Slack and its cast."""
    async with start_bot(database_url=database_url, slack=people, clock=clock) as running:
        yield running


@pytest.fixture
async def program(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> AsyncIterator[Program]:
    """A running bot with an announcement channel and its HR admin; people join through the
    services (`Program.join`, `Program.pair`)."""
    fake_slack.add_user(ADMIN_ID, real_name="Hana HR")
    fake_slack.add_channel(ANNOUNCE, name="reverse-mentoring")
    async with start_bot(
        database_url=database_url, slack=fake_slack, clock=clock, rotnem_announce_channel=ANNOUNCE
    ) as running:
        yield Program(running)


@pytest.fixture
def dispatch_config() -> DispatchConfig:
    return make_config()


@pytest.fixture
async def outbox(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock, dispatch_config: DispatchConfig
) -> AsyncIterator[Outbox]:
    """An outbox and a dispatcher in virtual time (with two test notice kinds), no app."""
    engine = create_engine(database_url)
    async with outbox_on(engine, slack=fake_slack, clock=clock, config=dispatch_config) as outbox:
        yield outbox
    await engine.dispose()
