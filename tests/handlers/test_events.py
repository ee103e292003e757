"""Events API deliveries: acknowledged without waiting for the database, processed once
whichever process a retry reaches, repeated Home tab opens coalesced."""

from __future__ import annotations

import asyncio
import sqlite3

from sqlalchemy import select

from bot.clock import ManualClock
from bot.sandbox import FakeSlack
from models import ProcessedEvent
from tests.factories import BOTH_BACKENDS, HOME_OPENED, NEWCOMER, RunningBot, start_bot

OTHER = "U0BEN0002"


def publishes_for(slack: FakeSlack, user_id: str) -> int:
    return sum(1 for call in slack.calls("views.publish") if call.args.get("user_id") == user_id)


async def processed(bot: RunningBot, event_id: str) -> bool:
    async with bot.deps.sessionmaker() as session:
        found = await session.scalar(
            select(ProcessedEvent.event_id).where(ProcessedEvent.event_id == event_id)
        )
    return found is not None


@BOTH_BACKENDS
async def test_a_retry_reaching_another_process_is_processed_once(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    async with (
        start_bot(database_url=database_url, slack=fake_slack, clock=clock) as one,
        start_bot(database_url=database_url, slack=fake_slack, clock=clock) as two,
    ):
        # Each process has written a claim: from now on they acknowledge before writing.
        await one.requester.event({**HOME_OPENED, "user": OTHER}, event_id="Ev0WARM0001")
        await two.requester.event({**HOME_OPENED, "user": OTHER}, event_id="Ev0WARM0002")
        await fake_slack.wait_for("views.publish", count=2)

        # Slack gave up waiting on the first delivery and retried it elsewhere, at once.
        first, retry = await asyncio.gather(
            one.requester.event(HOME_OPENED, event_id="Ev0TWICE01", event_time=1700000000),
            two.requester.event(
                HOME_OPENED, event_id="Ev0TWICE01", event_time=1700000000, retry_num=1
            ),
        )
        assert (first.status_code, retry.status_code) == (200, 200)
        # And once more, to each of them.
        for bot in (one, two):
            again = await bot.requester.event(
                HOME_OPENED, event_id="Ev0TWICE01", event_time=1700000000, retry_num=2
            )
            assert again.status_code == 200

        # A later event is processed by both, so the wait below proves the retries were not.
        await one.requester.event({**HOME_OPENED, "user": OTHER}, event_id="Ev0AFTER001")
        await two.requester.event({**HOME_OPENED, "user": OTHER}, event_id="Ev0AFTER002")
        await fake_slack.wait_for("views.publish", count=5)
        assert publishes_for(fake_slack, NEWCOMER) == 1
        assert publishes_for(fake_slack, OTHER) == 4


async def test_an_event_is_acknowledged_while_the_database_is_locked_and_processed_after(
    bot: RunningBot,
) -> None:
    await bot.requester.event({**HOME_OPENED, "user": OTHER}, event_id="Ev0WARM0001")
    await bot.slack.wait_for("views.publish")
    path = str(bot.deps.settings.database_url).removeprefix("sqlite+aiosqlite:///")
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        # Acknowledged while the lock is held, not a 503 once a busy timeout runs out.
        response = await bot.requester.event(HOME_OPENED, event_id="Ev0LOCKED01")
        assert response.status_code == 200
        assert publishes_for(bot.slack, NEWCOMER) == 0, "processed only once recorded"
    finally:
        other.execute("ROLLBACK")
        other.close()
    await bot.slack.wait_for("views.publish", count=2)
    assert publishes_for(bot.slack, NEWCOMER) == 1
    assert await processed(bot, "Ev0LOCKED01")


async def test_opening_the_home_tab_again_while_it_is_published_publishes_it_once_more(
    bot: RunningBot,
) -> None:
    bot.slack.delay("views.publish", 2.0)  # the first publish is slow: the rest arrive meanwhile
    for n in range(5):
        response = await bot.requester.event(HOME_OPENED, event_id=f"Ev0OPEN000{n}")
        assert response.status_code == 200
    await bot.slack.wait_for("views.publish", count=2)
    # Someone else's Home tab, published after the coalesced one: nothing more was pending.
    await bot.requester.event({**HOME_OPENED, "user": OTHER}, event_id="Ev0OTHER001")
    await bot.slack.wait_for("views.publish", count=3)
    assert publishes_for(bot.slack, NEWCOMER) == 2
    for n in range(5):
        assert await processed(bot, f"Ev0OPEN000{n}")
