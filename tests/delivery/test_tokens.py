"""Each workspace's own token: rotated before it expires, and nothing sent where Rotnem was
uninstalled until it is installed again."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import update

from bot.clock import ManualClock
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.outbox import UNINSTALLED, UNINSTALLED_WAIT, enqueue
from bot.install.keys import program_key
from bot.install.tokens import InstalledTokens
from bot.notice_kinds import notice_kinds
from bot.sandbox import FakeSlack, SlackRequester, installing
from bot.services.notices import Rendered
from models import OutboxMessage, SlackBots, SlackInstallations, Workspace
from tests.factories import (
    BOT_TOKEN,
    BOTH_BACKENDS,
    CHANNEL,
    SIGNING_SECRET,
    RunningBot,
    deliveries,
    eventually_async,
    install_workspace,
    make_config,
    make_dispatcher,
    rows,
    start_bot,
    virtual_pacer,
)

ACME = "T0ACME001"
BETA = "T0BETA001"


async def settle(dispatcher: Dispatcher, clock: ManualClock) -> None:
    """Dispatch until nothing is due within the hour (rows that wait for a reinstall stay)."""
    for _ in range(500):
        if await dispatcher.run_once():
            continue
        due = await dispatcher.next_due()
        if due is None or due - clock.now() > timedelta(hours=1):
            return
        clock.set(max(due, clock.now()))
    raise AssertionError("the outbox did not settle")


@dataclass
class Installs:
    """The bot with OAuth credentials, and a dispatcher that sends with each workspace's token."""

    bot: RunningBot
    http: aiohttp.ClientSession
    dispatcher: Dispatcher

    @property
    def slack(self) -> FakeSlack:
        return self.bot.slack

    async def install(self, team_id: str) -> str:
        """Install Rotnem in `team_id`; its bot token."""
        installation = await install_workspace(self.bot.deps, self.slack, self.http, team_id)
        assert installation.bot_token is not None
        return installation.bot_token

    async def add(self, team_id: str, *keys: str) -> None:
        async with self.bot.deps.sessionmaker.begin() as session:
            for key in keys:
                await enqueue(
                    session,
                    team_id=team_id,
                    dedupe_key=key,
                    notice=Rendered(text=f"message {key}"),
                    channel=f"C{key.upper()}",
                    now=self.bot.clock.now(),
                )

    async def deliver_all(self) -> None:
        await settle(self.dispatcher, self.bot.clock)

    async def event(self, team_id: str, event: dict[str, Any]) -> None:
        requester = SlackRequester(self.bot.url, SIGNING_SECRET, slack=self.slack, team_id=team_id)
        assert (await requester.event(event)).status_code == 200

    def posted_with(self, token: str) -> list[str]:
        """Channels chat.postMessage was called for with `token`."""
        return [
            str(call.args["channel"])
            for call in self.slack.calls("chat.postMessage")
            if call.headers.get("authorization") == f"Bearer {token}"
        ]

    async def outbox(self, team_id: str) -> list[OutboxMessage]:
        return await rows(self.bot.deps.sessionmaker, OutboxMessage, team_id=team_id)


@pytest.fixture
async def installs(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> AsyncIterator[Installs]:
    installing.accept_app(fake_slack)
    async with (
        start_bot(database_url=database_url, slack=fake_slack, clock=clock, oauth=True) as bot,
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http,
    ):
        assert bot.deps.installations is not None
        config = make_config()
        tokens = InstalledTokens(
            store=bot.deps.installations,
            settings=bot.deps.settings,
            sessionmaker=bot.deps.sessionmaker,
            clock=clock,
            http=http,
        )
        dispatcher = Dispatcher(
            sessionmaker=bot.deps.sessionmaker,
            clock=clock,
            tokens=tokens,
            kinds=notice_kinds(),
            config=config,
            pacer=virtual_pacer(clock, config),
        )
        yield Installs(bot, http, dispatcher)


async def expire_at(installs: Installs, token: str, moment: float) -> None:
    """Time passes: the stored token and Slack's agree that `token` expires at `moment`."""
    naive = datetime.fromtimestamp(moment, UTC).replace(tzinfo=None)
    async with installs.bot.deps.engine.begin() as connection:
        for table in (SlackBots, SlackInstallations):
            await connection.execute(
                update(table).where(table.c.bot_token == token).values(bot_token_expires_at=naive)
            )
    installs.slack.expire_token(token, at=moment)
    # Hours pass: the process's cache of tokens has long been read again.
    assert installs.bot.deps.installations is not None
    installs.bot.deps.installations.forget()


@BOTH_BACKENDS
async def test_a_token_that_expires_mid_queue_is_refreshed_before_anything_is_sent_with_it(
    installs: Installs,
) -> None:
    old = await installs.install(ACME)
    await installs.add(ACME, *(f"m{n}" for n in range(6)))
    assert await installs.dispatcher.run_once(limit=3) == 3

    # Half the queue is out when the token reaches its end.
    await expire_at(installs, old, time.time())
    await installs.deliver_all()

    assert [row.status for row in await installs.outbox(ACME)] == ["sent"] * 6
    assert set(deliveries(installs.slack).values()) == {1}
    answers = [call.response or {} for call in installs.slack.calls()]
    assert not [a for a in answers if a.get("error") == "token_expired"]
    assert len(installs.posted_with(old)) == 3
    bot = await installs.bot.deps.installations.async_find_bot(  # type: ignore[union-attr]
        enterprise_id=None, team_id=ACME
    )
    assert bot is not None and bot.bot_token not in (None, old)
    assert len(installs.posted_with(bot.bot_token)) == 3

    # Later messages go with the stored token, refreshed once.
    await installs.add(ACME, "later")
    await installs.deliver_all()
    assert installs.posted_with(bot.bot_token)[-1] == "CLATER"
    assert installs.slack.count("oauth.v2.access") == 2  # the install and one refresh


@BOTH_BACKENDS
async def test_a_token_slack_calls_expired_early_is_refreshed_and_the_row_sent_at_no_cost(
    installs: Installs,
) -> None:
    old = await installs.install(ACME)
    installs.slack.expire_token(old)  # Slack's clock is ahead of the stored expiry
    await installs.add(ACME, "m0")
    await installs.deliver_all()

    [row] = await installs.outbox(ACME)
    assert (row.status, row.attempts) == ("sent", 1)
    assert set(deliveries(installs.slack).values()) == {1}


@BOTH_BACKENDS
async def test_a_workspace_slack_holds_back_does_not_hold_back_the_others(
    installs: Installs,
) -> None:
    # Slack rate-limits each workspace on its own: a 429 in one says nothing about the others.
    acme, beta = await installs.install(ACME), await installs.install(BETA)
    start = installs.bot.clock.now()
    installs.slack.fail("chat.postMessage", status=429, retry_after=30)
    await installs.add(ACME, "a1")
    assert await installs.dispatcher.run_once() == 1
    await installs.add(ACME, "a2")
    await installs.add(BETA, "b1")
    await installs.dispatcher.run_once()

    [b1] = await installs.outbox(BETA)
    assert (b1.status, b1.sent_at) == ("sent", start)
    assert [row.status for row in await installs.outbox(ACME)] == ["pending", "pending"]

    await installs.deliver_all()
    waited = await installs.outbox(ACME)
    assert all(row.status == "sent" and row.sent_at is not None for row in waited)
    assert min(row.sent_at for row in waited if row.sent_at) >= start + timedelta(seconds=30)
    assert sorted(installs.posted_with(acme)) == ["CA1", "CA1", "CA2"]  # the 429, then both
    assert installs.posted_with(beta) == ["CB1"]


async def handled_uninstall(bot: RunningBot, team_id: str) -> None:
    """Wait for the listener (it runs after Slack's acknowledgement): the workspace recorded as
    uninstalled, and its tokens gone."""

    async def done() -> bool:
        # The workspace's row itself is written after the acknowledgement too.
        workspaces = await rows(bot.deps.sessionmaker, Workspace, team_id=team_id)
        if not workspaces or workspaces[0].uninstalled_at is None:
            return False
        if bot.deps.installations is None:
            return True
        found = await bot.deps.installations.async_find_bot(enterprise_id=None, team_id=team_id)
        return found is None

    await eventually_async(done)


async def uninstalled_rows(installs: Installs, team_id: str) -> list[tuple[str, int, str | None]]:
    return [(row.status, row.attempts, row.last_error) for row in await installs.outbox(team_id)]


@BOTH_BACKENDS
@pytest.mark.parametrize(
    "removal",
    [
        [{"type": "app_uninstalled"}],
        [{"type": "tokens_revoked", "tokens": {"bot": ["BOT"]}}],
        # Slack sends both on an uninstall, in either order.
        [{"type": "tokens_revoked", "tokens": {"bot": ["BOT"]}}, {"type": "app_uninstalled"}],
        [{"type": "app_uninstalled"}, {"type": "tokens_revoked", "tokens": {"bot": ["BOT"]}}],
    ],
    ids=["uninstalled", "revoked", "revoked-then-uninstalled", "uninstalled-then-revoked"],
)
async def test_an_uninstalled_workspace_waits_and_a_reinstall_resumes_it(
    installs: Installs, removal: list[dict[str, Any]]
) -> None:
    acme_token = await installs.install(ACME)
    beta_token = await installs.install(BETA)
    acme_bot = installs.slack.grant_of(acme_token)
    assert acme_bot is not None
    for event in removal:
        if event["type"] == "tokens_revoked":
            event = {**event, "tokens": {"bot": [acme_bot.bot_user_id]}}
        await installs.event(ACME, event)
    await handled_uninstall(installs.bot, ACME)
    installs.slack.revoke_token(acme_token)
    await installs.add(ACME, "a1", "a2")
    await installs.add(BETA, "b1")
    await installs.deliver_all()

    assert installs.posted_with(beta_token) == ["CB1"]
    assert installs.posted_with(acme_token) == []
    assert await uninstalled_rows(installs, ACME) == [("pending", 0, UNINSTALLED)] * 2
    [acme] = await rows(installs.bot.deps.sessionmaker, Workspace, team_id=ACME)
    assert acme.uninstalled_at is not None
    assert (
        await installs.bot.deps.installations.async_find_bot(  # type: ignore[union-attr]
            enterprise_id=None, team_id=ACME
        )
        is None
    ), "its tokens are deleted"
    # Waiting is no hot loop: a day later they come up once more, and wait again.
    calls = len(installs.slack.calls())
    assert await installs.dispatcher.run_once() == 0
    installs.bot.clock.advance(UNINSTALLED_WAIT)
    assert await installs.dispatcher.run_once() == 2
    assert len(installs.slack.calls()) == calls
    assert await uninstalled_rows(installs, ACME) == [("pending", 0, UNINSTALLED)] * 2

    new_token = await installs.install(ACME)
    await installs.deliver_all()
    assert sorted(installs.posted_with(new_token)) == ["CA1", "CA2"]
    assert set(deliveries(installs.slack).values()) == {1}
    assert [row.status for row in await installs.outbox(ACME)] == ["sent", "sent"]


@BOTH_BACKENDS
async def test_revoking_only_other_tokens_changes_nothing(installs: Installs) -> None:
    token = await installs.install(ACME)
    await installs.event(ACME, {"type": "tokens_revoked", "tokens": {"oauth": ["U0SOMEONE"]}})
    await installs.event(ACME, {"type": "tokens_revoked", "tokens": {"bot": ["U0OTHERBOT"]}})
    await installs.add(ACME, "a1")
    await installs.deliver_all()
    assert installs.posted_with(token) == ["CA1"]


@BOTH_BACKENDS
async def test_a_revoked_token_makes_rows_wait_instead_of_failing(installs: Installs) -> None:
    # No event came (yet): Slack's answer alone says the workspace is gone.
    token = await installs.install(ACME)
    installs.slack.revoke_token(token)
    await installs.add(ACME, "a1", "a2")
    await installs.deliver_all()

    assert await uninstalled_rows(installs, ACME) == [("pending", 0, UNINSTALLED)] * 2
    # From then on nothing is tried there, not even rows enqueued later.
    posts = installs.slack.count("chat.postMessage")
    await installs.add(ACME, "a3")
    await installs.deliver_all()
    assert installs.slack.count("chat.postMessage") == posts
    new_token = await installs.install(ACME)
    await installs.deliver_all()
    assert sorted(installs.posted_with(new_token)) == ["CA1", "CA2", "CA3"]


@BOTH_BACKENDS
async def test_with_one_bot_token_an_uninstall_waits_until_a_restart_brings_a_working_token(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    team = fake_slack.team_id
    async with (
        start_bot(database_url=database_url, slack=fake_slack, clock=clock) as bot,
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http,
    ):
        assert (await bot.requester.event({"type": "app_uninstalled"})).status_code == 200
        await handled_uninstall(bot, team)
        fake_slack.revoke_token(BOT_TOKEN)  # what Slack does to the token on an uninstall
        async with bot.deps.sessionmaker.begin() as session:
            for key in ("a1", "a2"):
                await enqueue(
                    session,
                    team_id=team,
                    dedupe_key=key,
                    notice=Rendered(text=key),
                    channel=CHANNEL,
                    now=clock.now(),
                )
        await settle(bot.dispatcher, clock)
        outbox = await rows(bot.deps.sessionmaker, OutboxMessage)
        assert [(r.status, r.attempts, r.last_error) for r in outbox] == [
            ("pending", 0, UNINSTALLED)
        ] * 2
        assert fake_slack.count("chat.postMessage") == 0

        # Reinstalled: the operator sets the new token and restarts the worker.
        fake_slack.add_token(BOT_TOKEN)
        restarted = make_dispatcher(
            sessionmaker=bot.deps.sessionmaker,
            clock=clock,
            slack=fake_slack,
            http=http,
            kinds=notice_kinds(),
            config=make_config(),
        )
        await restarted.resume_reinstalled()  # as its run() does first
        await settle(restarted, clock)
    assert set(deliveries(fake_slack).values()) == {1}
    assert len(deliveries(fake_slack)) == 2


@BOTH_BACKENDS
async def test_a_further_programs_messages_wait_with_its_workspace_and_resume_on_reinstall(
    installs: Installs,
) -> None:
    """A program is its workspace's: uninstalled, its rows wait too; reinstalled, they go with
    the workspace's new token."""
    second = program_key(ACME, 2)
    token = await installs.install(ACME)
    await installs.event(ACME, {"type": "app_uninstalled"})
    await handled_uninstall(installs.bot, ACME)
    installs.slack.revoke_token(token)
    await installs.add(second, "p1", "p2")
    await installs.add(ACME, "a1")
    await installs.deliver_all()
    assert await uninstalled_rows(installs, second) == [("pending", 0, UNINSTALLED)] * 2
    assert await uninstalled_rows(installs, ACME) == [("pending", 0, UNINSTALLED)]
    assert installs.slack.count("chat.postMessage") == 0

    new_token = await installs.install(ACME)
    await installs.deliver_all()
    assert sorted(installs.posted_with(new_token)) == ["CA1", "CP1", "CP2"]
    assert [row.status for row in await installs.outbox(second)] == ["sent", "sent"]
