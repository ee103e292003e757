"""The dispatcher against the fake Slack: exactly once through 429s, 5xx and dropped connections,
permanent errors recorded without blocking the queue, leases, and the crash-window check."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.delivery.leases import Leased
from bot.delivery.outbox import METADATA_EVENT_TYPE
from models import OutboxMessage
from tests.factories import (
    BOTH_BACKENDS,
    BrokenHook,
    IntroForTest,
    Outbox,
    answer_of,
    deliveries,
    make_config,
    posted_to,
    seen,
)


@BOTH_BACKENDS
async def test_every_message_once_through_429s_500s_and_dropped_connections(outbox: Outbox) -> None:
    for n in range(30):
        await outbox.add(f"note:{n}", channel=f"C{n:04d}")
    slack = outbox.slack
    slack.fail("chat.postMessage", status=429, retry_after=3, times=4)
    slack.fail("chat.postMessage", status=500, times=3)
    slack.fail("chat.postMessage", status=503, times=2)
    slack.drop("chat.postMessage", times=3)

    await outbox.deliver_all()

    rows = await outbox.rows()
    assert {row.status for row in rows} == {"sent"}
    assert deliveries(outbox.slack) == Counter({row.id: 1 for row in rows})
    assert slack.ratelimited_count("chat.postMessage") == 4
    # Each accepted post carries the row's id, and its answer is stored on the row.
    by_ts = {answer_of(call)["ts"]: call for call in slack.calls("chat.postMessage") if call.ok}
    for row in rows:
        call = by_ts[row.slack_ts]
        assert call.args["metadata"] == {
            "event_type": METADATA_EVENT_TYPE,
            "event_payload": {"outbox_id": row.id},
        }
        assert row.slack_channel == call.args["channel"] and row.sent_at is not None
    # A 429 is not an attempt; a failure whose outcome is unknown is.
    assert max(row.attempts for row in rows) <= 3


@BOTH_BACKENDS
async def test_429_waits_retry_after_for_that_row_and_that_method(outbox: Outbox) -> None:
    await outbox.add("a", channel="C1")
    start = outbox.clock.now()
    outbox.slack.fail("chat.postMessage", status=429, retry_after=30)
    assert await outbox.dispatcher.run_once() == 1
    [row] = await outbox.rows()
    assert row.status == "pending" and row.attempts == 0
    assert row.next_attempt_at == start + timedelta(seconds=30)
    assert "retry after 30s" in (row.last_error or "")
    assert await outbox.dispatcher.run_once() == 0, "not due before Retry-After"
    assert outbox.dispatcher.pacer.delay(row.team_id, "chat.postMessage") == pytest.approx(30)
    await outbox.deliver_all()
    posts = outbox.slack.calls("chat.postMessage")
    assert [call.status for call in posts] == [429, 200]
    assert posts[1].at >= posts[0].at
    assert outbox.clock.now() >= start + timedelta(seconds=30)


@BOTH_BACKENDS
async def test_permanent_errors_are_recorded_and_the_rest_drains(outbox: Outbox) -> None:
    gone = {"C_ARCHIVED": "is_archived", "C_KICKED": "not_in_channel", "UGONE": "user_not_found"}
    await outbox.add("bad:archived", channel="C_ARCHIVED")
    await outbox.add("bad:blocks", channel="C1", text="x")
    await outbox.add("bad:user", channel="UGONE")
    await outbox.add("bad:kicked", channel="C_KICKED")
    for n in range(10):
        await outbox.add(f"good:{n}", channel=f"C{n + 10}")
    for channel, error in gone.items():
        outbox.slack.fail("chat.postMessage", error=error, when=posted_to(channel))
    outbox.slack.fail("chat.postMessage", error="invalid_blocks", when=lambda a: a["text"] == "x")
    outbox.slack.fail("conversations.open", error="user_not_found")

    await outbox.deliver_all()

    rows = {row.dedupe_key: row for row in await outbox.rows()}
    assert {key: row.status for key, row in rows.items() if key.startswith("bad")} == {
        "bad:archived": "failed",
        "bad:blocks": "failed",
        "bad:user": "failed",
        "bad:kicked": "failed",
    }
    assert rows["bad:archived"].last_error == "is_archived (chat.postMessage)"
    assert rows["bad:blocks"].last_error == "invalid_blocks (chat.postMessage)"
    assert all(rows[f"good:{n}"].status == "sent" for n in range(10))
    assert all(row.attempts == 1 for row in rows.values()), "permanent errors are not retried"


async def test_transient_failures_back_off_then_give_up_with_the_reason(outbox: Outbox) -> None:
    outbox.dispatcher.config = make_config(max_attempts=3, backoff_base_seconds=10)
    await outbox.add("a", channel="C1")
    outbox.slack.fail("chat.postMessage", status=500, times=10)
    start = outbox.clock.now()
    await outbox.dispatcher.run_once()
    [row] = await outbox.rows()
    assert row.status == "pending" and row.attempts == 1
    assert timedelta(seconds=8) <= row.next_attempt_at - start <= timedelta(seconds=12)
    await outbox.deliver_all()
    [row] = await outbox.rows()
    assert row.status == "failed" and row.attempts == 3
    assert row.last_error == "gave up after 3 attempts: fatal_error: HTTP 500 (chat.postMessage)"


@BOTH_BACKENDS
async def test_group_dm_is_opened_first_and_after_send_stores_its_channel(outbox: Outbox) -> None:
    seen.clear()
    for user in ("UMENTOR", "UMENTEE"):
        outbox.slack.add_user(user, real_name=user.title())
    await outbox.add(
        "intro:1",
        notice=IntroForTest(pair_id=1, text="message intro:1"),
        open_users=["UMENTOR", "UMENTEE"],
    )
    outbox.slack.fail("chat.postMessage", status=429, retry_after=1)

    await outbox.deliver_all()

    [row] = await outbox.rows()
    [opened] = outbox.slack.calls("conversations.open")
    assert opened.args["users"] == "UMENTEE,UMENTOR"
    assert opened.ok, "opened once; the retry after the 429 reused the stored channel"
    group = answer_of(opened)["channel"]["id"]
    assert row.status == "sent" and row.slack_channel == group
    assert seen == [(1, group, row.slack_ts, "sent")]
    assert [m["text"] for m in outbox.slack.messages(group)] == ["message intro:1"]


async def test_a_failing_hook_still_records_the_message_as_sent(outbox: Outbox) -> None:
    await outbox.add("x", notice=BrokenHook(text="x"), channel="C1")
    await outbox.deliver_all()
    [row] = await outbox.rows()
    assert row.status == "sent"
    assert row.last_error == "after_send failed: LookupError: pair 1 vanished"
    assert len(outbox.posted()) == 1


@BOTH_BACKENDS
async def test_a_failing_hook_costs_only_its_own_row_the_hooks_changes(outbox: Outbox) -> None:
    # The three are sent together and recorded in one batch.
    seen.clear()
    await outbox.add("intro:1", notice=IntroForTest(pair_id=1, text="one"), channel="C1")
    await outbox.add("x", notice=BrokenHook(text="x"), channel="C2")
    await outbox.add("intro:2", notice=IntroForTest(pair_id=2, text="two"), channel="C3")
    await outbox.dispatcher.run_once()

    rows = {row.dedupe_key: row for row in await outbox.rows()}
    assert {row.status for row in rows.values()} == {"sent"}
    assert rows["x"].last_error == "after_send failed: LookupError: pair 1 vanished"
    assert rows["intro:1"].last_error is None and rows["intro:2"].last_error is None
    assert {(pair_id, ts) for pair_id, _, ts, _ in seen} == {
        (1, rows["intro:1"].slack_ts),
        (2, rows["intro:2"].slack_ts),
    }
    assert deliveries(outbox.slack) == Counter({row.id: 1 for row in rows.values()})


async def claim_and_die(outbox: Outbox, *, post: bool) -> Leased:
    """A dispatcher claims one row, maybe posts it, and dies before recording anything."""
    dead = outbox.another_dispatcher(owner="dead-host:1:abc")
    [claim] = await dead._claim(1)
    if post:
        client = await outbox.dispatcher.tokens.client(claim.row.team_id)
        await client.chat_postMessage(
            channel=claim.row.channel or "",
            text=claim.row.notice["text"],
            metadata={
                "event_type": METADATA_EVENT_TYPE,
                "event_payload": {"outbox_id": claim.row.id},
            },
        )
    return claim.row


@BOTH_BACKENDS
async def test_a_row_of_a_dead_process_is_taken_over_after_its_lease(outbox: Outbox) -> None:
    await outbox.add("a", channel="C1")
    await outbox.add("b", channel="C2")
    dead_row = await claim_and_die(outbox, post=False)
    await outbox.dispatcher.drain()
    assert [r.status for r in await outbox.rows()] == ["sending", "sent"], "leased row untouched"

    outbox.clock.advance(timedelta(seconds=outbox.dispatcher.config.lease_seconds + 1))
    await outbox.dispatcher.drain()
    rows = await outbox.rows()
    assert [r.status for r in rows] == ["sent", "sent"]
    assert rows[0].id == dead_row.id and rows[0].attempts == 2
    assert deliveries(outbox.slack) == Counter({rows[0].id: 1, rows[1].id: 1})
    assert outbox.slack.count("conversations.history") == 1, "looked before re-posting"


@BOTH_BACKENDS
async def test_a_message_posted_just_before_a_crash_is_found_not_posted_again(
    outbox: Outbox,
) -> None:
    await outbox.add("a", channel="C1")
    dead_row = await claim_and_die(outbox, post=True)
    outbox.clock.advance(timedelta(seconds=outbox.dispatcher.config.lease_seconds + 1))
    await outbox.dispatcher.drain()
    [row] = await outbox.rows()
    assert row.status == "sent" and row.last_error == "found in Slack after an interruption"
    [history] = outbox.slack.calls("conversations.history")
    assert history.args["include_all_metadata"] in (True, "true", "1")
    assert deliveries(outbox.slack) == Counter({dead_row.id: 1})
    assert row.slack_ts == outbox.slack.messages("C1")[0]["ts"]


async def test_without_history_scope_the_crash_window_can_duplicate_but_never_lose(
    outbox: Outbox,
) -> None:
    await outbox.add("a", channel="C1")
    dead_row = await claim_and_die(outbox, post=True)
    outbox.slack.fail("conversations.history", error="missing_scope")
    outbox.clock.advance(timedelta(seconds=outbox.dispatcher.config.lease_seconds + 1))
    await outbox.dispatcher.drain()
    [row] = await outbox.rows()
    assert row.status == "sent"
    assert deliveries(outbox.slack) == Counter({dead_row.id: 2}), "the documented window"


async def test_a_dropped_post_is_looked_for_before_it_is_sent_again(outbox: Outbox) -> None:
    await outbox.add("a", channel="C1")
    outbox.slack.drop("chat.postMessage")
    await outbox.deliver_all()
    methods = [call.method for call in outbox.slack.calls()]
    assert methods == ["chat.postMessage", "conversations.history", "chat.postMessage"]
    [row] = await outbox.rows()
    assert row.status == "sent" and row.lease_owner is None


async def test_oldest_first(outbox: Outbox) -> None:
    for n in range(6):
        await outbox.add(f"n{n}", channel=f"C{n}")
        outbox.clock.advance(timedelta(seconds=1))
    outbox.dispatcher.config = make_config(concurrency=1)
    await outbox.deliver_all()
    assert [args["text"] for args in outbox.posted()] == [f"message n{n}" for n in range(6)]


async def test_shutdown_releases_rows_it_could_not_finish(outbox: Outbox) -> None:
    await outbox.add("a", channel="C1")
    dispatcher = outbox.dispatcher
    [claim] = await dispatcher._claim(1)
    await dispatcher._wind_down({})
    [row] = await outbox.rows()
    assert row.status == "pending" and row.attempts == 0
    assert row.lease_owner == dispatcher.owner, "the next claim looks in Slack first"
    await outbox.dispatcher.drain()
    assert [c.method for c in outbox.slack.calls()] == ["conversations.history", "chat.postMessage"]


@BOTH_BACKENDS
async def test_a_row_claimed_by_one_dispatcher_is_skipped_by_another(outbox: Outbox) -> None:
    for n in range(6):
        await outbox.add(f"n{n}", channel=f"C{n}")
    first, second = outbox.dispatcher, outbox.another_dispatcher()
    a = await first._claim(4)
    b = await second._claim(4)
    assert len(a) == 4 and len(b) == 2
    assert not {c.row.id for c in a} & {c.row.id for c in b}
    async with outbox.sessionmaker.begin() as session:
        await session.execute(update(OutboxMessage).values(status="pending", lease_owner=None))


@BOTH_BACKENDS
async def test_a_stalled_dispatcher_gives_up_a_row_another_took_over(
    outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    await outbox.add("a", channel="C1")
    stalled, other = outbox.dispatcher, outbox.another_dispatcher()
    [claim] = await stalled._claim(1)
    # The first one freezes past its lease (no heartbeat); the other takes the row over.
    outbox.clock.advance(timedelta(seconds=stalled.config.lease_seconds + 1))
    assert await other.drain() == 1
    await stalled._deliver(claim)
    [row] = await outbox.rows()
    assert row.status == "sent" and row.lease_owner is None
    assert deliveries(outbox.slack) == Counter({row.id: 1}), "sent once, by the other"
    assert "taken over by another process while this one stalled" in caplog.text


@BOTH_BACKENDS
async def test_a_dispatcher_never_claims_a_row_it_holds_and_keeps_it_if_nobody_took_it(
    outbox: Outbox,
) -> None:
    await outbox.add("a", channel="C1")
    dispatcher = outbox.dispatcher
    [claim] = await dispatcher._claim(1)
    outbox.clock.advance(timedelta(seconds=dispatcher.config.lease_seconds + 1))
    assert await dispatcher._claim(4) == [], "its own row, however late its renewal"
    await dispatcher._deliver(claim)
    await dispatcher.completions.flush()
    [row] = await outbox.rows()
    assert row.status == "sent" and row.attempts == 1
    assert deliveries(outbox.slack) == Counter({row.id: 1})
    assert outbox.slack.count("conversations.history") == 0, "it never left this dispatcher"


async def test_leases_are_short_and_renewed_three_times_per_lease(outbox: Outbox) -> None:
    await outbox.add("a", channel="C1")
    dispatcher = outbox.dispatcher
    [claim] = await dispatcher._claim(1)
    start = outbox.clock.now()
    assert dispatcher.config.lease_seconds == 3
    assert claim.row.lease_until == start + timedelta(seconds=3)
    assert dispatcher.leases.renew_every == 1
    outbox.clock.advance(timedelta(seconds=2))
    assert await dispatcher.leases.renew([claim.row]) == {claim.row.id}
    [row] = await outbox.rows()
    assert row.lease_until == row.next_attempt_at == start + timedelta(seconds=5)
    assert await outbox.another_dispatcher()._claim(1) == [], "a renewed row is not due"
