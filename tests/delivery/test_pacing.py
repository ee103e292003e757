"""The pacer's arithmetic, without a network."""

from __future__ import annotations

import asyncio

import pytest

from bot.delivery.pacing import Pacer, tier_rate


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def pacer(time: FakeTime, **rates: float) -> Pacer:
    return Pacer(
        {name.replace("_", "."): rate for name, rate in rates.items()}, clock=time, sleep=time.sleep
    )


async def test_a_method_is_spaced_at_its_rate_after_a_one_second_burst() -> None:
    time = FakeTime()
    p = pacer(time, chat_postMessage=180)  # 3/s: a burst of 3, then one every 1/3 s
    for _ in range(9):
        assert await p.acquire("T1", "chat.postMessage", max_wait=10) is None
    # 9 calls at 3/s with a burst of 3 need 2 s of waiting, not more.
    assert time.now - 1000.0 == pytest.approx(2.0)


async def test_each_workspace_and_method_has_its_own_budget() -> None:
    time = FakeTime()
    p = pacer(time, chat_postMessage=60)
    assert await p.acquire("T1", "chat.postMessage", max_wait=0) is None
    assert await p.acquire("T2", "chat.postMessage", max_wait=0) is None
    assert await p.acquire("T1", "conversations.open", max_wait=0) is None
    assert p.delay("T1", "chat.postMessage") == pytest.approx(1.0)


async def test_tier_three_is_planned_at_eighty_percent_of_its_floor() -> None:
    assert tier_rate("conversations.open") == pytest.approx(40)
    assert tier_rate("users.info") == pytest.approx(80)


async def test_one_message_per_second_per_channel() -> None:
    time = FakeTime()
    p = pacer(time, chat_postMessage=6000)
    assert await p.acquire("T1", "chat.postMessage", "C1", max_wait=5) is None
    assert await p.acquire("T1", "chat.postMessage", "C2", max_wait=5) is None
    assert time.now == 1000.0, "different channels do not wait for each other"
    assert await p.acquire("T1", "chat.postMessage", "C1", max_wait=5) is None
    assert time.now == pytest.approx(1001.0)


async def test_a_wait_longer_than_allowed_is_reported_not_slept() -> None:
    time = FakeTime()
    p = pacer(time, conversations_open=6)  # one every 10 s
    assert await p.acquire("T1", "conversations.open", max_wait=1) is None
    assert await p.acquire("T1", "conversations.open", max_wait=1) == pytest.approx(10.0)
    assert time.slept == [], "nothing was slept and nothing taken"
    assert await p.acquire("T1", "conversations.open", max_wait=11) is None
    assert time.slept == [pytest.approx(10.0)]


async def test_hold_stops_a_method_until_retry_after_then_allows_no_burst() -> None:
    time = FakeTime()
    p = pacer(time, chat_postMessage=600)  # 10/s, burst 10
    p.hold("T1", "chat.postMessage", 3)
    assert p.delay("T1", "chat.postMessage") == pytest.approx(3.0)
    assert p.delay("T2", "chat.postMessage") == 0.0, "another workspace is not held"
    assert await p.acquire("T1", "chat.postMessage", max_wait=5) is None
    assert time.now == pytest.approx(1003.0)
    assert p.delay("T1", "chat.postMessage") == pytest.approx(0.1)
