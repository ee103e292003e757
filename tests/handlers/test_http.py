"""The foundation as Slack sees it: signed requests over real HTTP to the served app (the
router's help, signatures, malformed bodies, event retries, /healthz)."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from datetime import timedelta

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.deps import build_deps
from bot.runtime import build_server_app
from bot.sandbox import FakeSlack
from bot.sandbox.serving import serve_locally
from bot.sandbox.signing import sign, url_verification_body
from models import ProcessedEvent, Workspace
from tests.databases import POSTGRES_ADMIN_DSN
from tests.factories import (
    ADMIN_ID,
    HOME_OPENED,
    NEWCOMER,
    RunningBot,
    bot_settings,
    command,
    count,
    enqueue_text,
    eventually_async,
    reply,
    start_bot,
)
from tests.factories import rotnem as typed

USER = NEWCOMER


async def rotnem(bot: RunningBot, text: str, user: str = USER) -> httpx.Response:
    return await command(bot, user, text)


async def raw_post(url: str, body: str, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(url, content=body, headers=headers)


async def get(url: str, timeout: float = 10) -> httpx.Response:
    async with httpx.AsyncClient(timeout=timeout) as client:
        return await client.get(url)


async def workspaces(bot: RunningBot) -> int:
    return await count(bot.deps.sessionmaker, Workspace)


async def test_help_lists_every_subcommand_ephemerally(bot: RunningBot) -> None:
    for text in ("", "help", "  HELP  "):
        response = await rotnem(bot, text)
        assert response.status_code == 200
        answer = response.json()
        assert answer["response_type"] == "ephemeral"
        assert "/rotnem help" in answer["text"]
        assert answer["blocks"], "the help is Block Kit with a text fallback"
        assert "For HR admins" not in answer["text"]


async def test_unknown_subcommand_says_so_and_shows_the_help(bot: RunningBot) -> None:
    response = await rotnem(bot, "xyz with words")
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("I don't know `xyz`")
    assert "/rotnem help" in answer["text"]


async def test_admin_subcommands_are_refused_to_everyone_else(bot: RunningBot) -> None:
    # "admin" without admin subcommands is simply unknown; it never reveals anything.
    answer = (await rotnem(bot, "admin stats")).json()
    assert answer["response_type"] == "ephemeral"
    assert "admin" in answer["text"]
    assert ADMIN_ID not in answer["text"]


async def test_a_bad_signature_is_refused_and_nothing_is_written(bot: RunningBot) -> None:
    body = "token=x&team_id=T1&user_id=U1&command=%2Frotnem&text=help"
    headers = sign("not-the-secret", body, int(time.time()))
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    response = await raw_post(bot.events_url, body, headers)
    assert response.status_code == 401
    assert await workspaces(bot) == 0
    assert bot.slack.calls() == []


async def test_a_stale_timestamp_is_refused(bot: RunningBot) -> None:
    bot.requester.now = lambda: time.time() - 301
    response = await rotnem(bot, "help")
    assert response.status_code == 401
    assert await workspaces(bot) == 0


async def test_url_verification_echoes_the_challenge(bot: RunningBot) -> None:
    body = url_verification_body("3eZbrw1aBm2rZgRNFdxV2")
    response = await bot.requester.post(body, "application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2"}


async def test_malformed_bodies_get_a_4xx_and_the_server_keeps_serving(bot: RunningBot) -> None:
    broken_json = '{"type": "event_callback", "event": '
    assert (await bot.requester.post(broken_json, "application/json")).status_code == 400

    not_json_payload = "payload=%7Bnot-json"
    response = await bot.requester.post(not_json_payload, "application/x-www-form-urlencoded")
    assert response.status_code == 400

    no_user = "team_id=T1&command=%2Frotnem&text=help&trigger_id=1.2.3"
    response = await bot.requester.post(no_user, "application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "user_id" in response.text

    no_actions = {"type": "block_actions", "user": {"id": USER}}
    action_without_actions = "payload=" + json.dumps(no_actions)
    response = await bot.requester.post(action_without_actions, "application/x-www-form-urlencoded")
    assert response.status_code == 400

    # An unsigned broken body is still a 401, not a parse error.
    response = await raw_post(bot.events_url, broken_json, {"Content-Type": "application/json"})
    assert response.status_code == 401

    assert (await rotnem(bot, "help")).status_code == 200


async def test_home_tab_is_published_when_opened(bot: RunningBot) -> None:
    response = await bot.requester.event(HOME_OPENED)
    assert response.status_code == 200
    await bot.slack.wait_for("views.publish")
    home = bot.slack.home_view(USER)
    assert home is not None
    assert home["type"] == "home"
    assert "/rotnem join" in json.dumps(home["blocks"])


async def test_an_event_retry_is_acknowledged_but_processed_once_even_after_a_restart(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    async with start_bot(database_url=database_url, slack=fake_slack, clock=clock) as bot:
        first = await bot.requester.event(HOME_OPENED, event_id="Ev0RETRY01", event_time=1700000000)
        await fake_slack.wait_for("views.publish")
        retry = await bot.requester.event(
            HOME_OPENED, event_id="Ev0RETRY01", event_time=1700000000, retry_num=1
        )
        assert (first.status_code, retry.status_code) == (200, 200)

    async with start_bot(database_url=database_url, slack=fake_slack, clock=clock) as bot:
        late_retry = await bot.requester.event(
            HOME_OPENED, event_id="Ev0RETRY01", event_time=1700000000, retry_num=3
        )
        assert late_retry.status_code == 200
        # A different event is still processed, so the wait below proves the retry was not.
        await bot.requester.event(HOME_OPENED, event_id="Ev0FRESH01")
        await fake_slack.wait_for("views.publish", count=2)
        assert fake_slack.count("views.publish") == 2
        async with bot.deps.sessionmaker() as session:
            stored = await session.scalar(select(func.count()).select_from(ProcessedEvent))
        assert stored == 2


async def test_healthz_reports_the_database(bot: RunningBot) -> None:
    response = await get(f"{bot.url}/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


async def test_healthz_and_commands_when_the_database_is_down(
    fake_slack: FakeSlack, clock: ManualClock
) -> None:
    # Nothing listens on port 1: the database is unreachable from the first request on.
    unreachable = "postgresql+asyncpg://postgres@127.0.0.1:1/rotnem"
    async with start_bot(database_url=unreachable, slack=fake_slack, clock=clock) as bot:
        response = await get(f"{bot.url}/healthz", timeout=1)
        assert response.status_code == 503
        assert response.json()["database"] == "unavailable"

        # The help needs no database; a command that does says, in time, that it could not.
        assert (await rotnem(bot, "help")).json()["text"].startswith("Rotnem commands")
        answer = await typed(bot, USER, "pause 2w")
        # Said in the acknowledgement, or after it: wherever the database was first needed.
        content = answer.response.content
        text = (answer.response.json() if content else await reply(bot, answer))["text"]
        assert text.startswith("I couldn't save that just now, so nothing changed")
        assert "Traceback" not in text and "Error" not in text

        event = await bot.requester.event(HOME_OPENED)
        assert event.status_code == 503, "Slack should deliver the event again later"


async def test_healthz_reports_the_outbox_backlog(bot: RunningBot) -> None:
    async with bot.deps.sessionmaker.begin() as session:
        await enqueue_text(session, "k", "x", channel="C1", now=bot.clock.now())
    bot.clock.advance(timedelta(minutes=2))
    response = await get(f"{bot.url}/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "outbox": {"pending": 1, "oldest_pending_age_s": 120.0},
    }


def sqlite_path(database_url: str) -> str:
    return database_url.removeprefix("sqlite+aiosqlite:///")


async def test_healthz_fails_within_a_second_while_another_process_holds_the_write_lock(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    other = sqlite3.connect(sqlite_path(str(bot.deps.settings.database_url)), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        for _ in range(2):
            response = await get(f"{bot.url}/healthz", timeout=1)
            assert response.status_code == 503
            assert response.json() == {"status": "unavailable", "database": "unavailable"}
        other.execute("ROLLBACK")
        assert (await get(f"{bot.url}/healthz", timeout=1)).status_code == 200
    finally:
        other.close()
    # One line when it fails and one when it recovers, not one per probe.
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.app"]
    assert lines == [
        "/healthz: the database cannot be written: OperationalError: database is locked",
        "/healthz: the database cannot be written: recovered",
    ]


async def test_healthz_fails_on_a_read_only_database_file(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    read_only = f"sqlite+aiosqlite:///file:{sqlite_path(database_url)}?mode=ro&uri=true"
    async with start_bot(database_url=read_only, slack=fake_slack, clock=clock) as bot:
        response = await get(f"{bot.url}/healthz", timeout=1)
    assert response.status_code == 503


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_healthz_fails_when_postgresql_only_allows_reading(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    name = database_url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    finally:
        await admin.close()
    async with start_bot(database_url=database_url, slack=fake_slack, clock=clock) as bot:
        response = await get(f"{bot.url}/healthz", timeout=1)
    assert response.status_code == 503


async def test_healthz_fails_when_this_processs_dispatcher_has_stopped(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    deps = build_deps(bot_settings(database_url=database_url, slack=fake_slack), clock=clock)
    app = build_server_app(deps, background=True)
    async with serve_locally(app) as url:
        running = await get(f"{url}/healthz", timeout=1)
        assert (running.status_code, running.json()["background"]) == (200, "running")
        app.state.background.dispatcher.stop()

        async def unhealthy() -> httpx.Response | None:
            response = await get(f"{url}/healthz", timeout=1)
            return response if response.status_code == 503 else None

        stopped = await eventually_async(unhealthy)
    assert stopped.json() == {
        "status": "unavailable",
        "database": "ok",
        "background": "stopped",
        "outbox": {"pending": 0, "oldest_pending_age_s": 0.0},
    }
