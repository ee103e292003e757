"""Staying inside Slack's rate limits before Slack has to say so.

Slack limits each Web API method per workspace ("per API method per workspace/team per app") by
tier, and chat.postMessage additionally to about one message per second per channel. The pacer
keeps one bucket per (team, method) and, for chat.postMessage, one per (team, channel).

Hand-written rather than taken from a library (aiolimiter is the usual choice) because the
dispatcher needs three things those do not offer together: *holding* a method until the moment a
429's Retry-After names, *asking* how long a slot is away without waiting for it (a row whose wait
is long is released back to the queue instead of sleeping inside its lease), and an injectable
time source so tests move a clock instead of sleeping.

Each bucket is a GCRA ("virtual scheduling") token bucket: `burst` calls may go at once, then one
every `60 / per_minute` seconds. The budget is per workspace and per process: N installed
workspaces may together receive N times ROTNEM_POST_RATE_PER_MINUTE, and with several dispatcher
processes the operator divides each workspace's ceiling between them (see the README); a 429
still makes every process that meets it back off for exactly Retry-After.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from bot.install.keys import workspace_of

POST_MESSAGE = "chat.postMessage"
USERS_INFO = "users.info"
OPEN = "conversations.open"
HISTORY = "conversations.history"

# Slack's published per-minute floors by tier (docs.slack.dev/apis/web-api/rate-limits).
TIER_PER_MINUTE: Mapping[int, float] = {1: 1, 2: 20, 3: 50, 4: 100}
# Tiers of the methods a dispatcher calls (Slack's per-method JSON, java-slack-sdk's table).
METHOD_TIERS: Mapping[str, int] = {
    "conversations.open": 3,
    "conversations.history": 3,
    "conversations.info": 3,
    "chat.update": 3,
    "reactions.add": 3,
    "users.info": 4,
    "views.publish": 4,
    "chat.postEphemeral": 4,
    "users.list": 2,
}
# Plan on 80 % of a tier's floor: Slack promises the floor, not more, and shares it with the
# bot's interactive traffic.
TIER_SAFETY = 0.8
# Waits shorter than this are rounding noise (clocks with microsecond resolution), not waits.
_EPSILON = 1e-6
# Slack: "generally allows posting one message per second per channel".
CHANNEL_PER_MINUTE = 60.0


@dataclass
class _Bucket:
    """A token bucket: how many calls may start now, refilled at the tier's rate."""

    interval: float
    burst: int
    # Theoretical arrival time: when the bucket is next "empty enough" for one more call.
    tat: float = -math.inf
    last_used: float = field(default=-math.inf)

    @property
    def tolerance(self) -> float:
        return (self.burst - 1) * self.interval

    def delay(self, now: float) -> float:
        return max(0.0, self.tat - self.tolerance - now)

    def take(self, now: float) -> None:
        self.tat = max(self.tat, now) + self.interval
        self.last_used = now

    def hold_until(self, moment: float) -> None:
        # Nothing before `moment`, then one call at a time (no burst right after a 429).
        self.tat = max(self.tat, moment + self.tolerance)


def tier_rate(method: str) -> float:
    """The per-minute budget the pacer plans on for a Tier 1-4 method."""
    tier = METHOD_TIERS.get(method, 3)
    return TIER_PER_MINUTE[tier] * TIER_SAFETY


class Pacer:
    """Token buckets per (team, method) and per (team, channel) for chat.postMessage."""

    def __init__(
        self,
        rates_per_minute: Mapping[str, float] | None = None,
        *,
        channel_per_minute: float = CHANNEL_PER_MINUTE,
        burst_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._rates = dict(rates_per_minute or {})
        self._channel_per_minute = channel_per_minute
        self._burst_seconds = burst_seconds
        self._clock = clock
        self._sleep = sleep
        self._methods: dict[tuple[str, str], _Bucket] = {}
        self._channels: dict[tuple[str, str], _Bucket] = {}
        self._last_sweep = -math.inf
        # Counts `hold` calls: a caller that reserved a slot looks again if a 429 came meanwhile.
        self._holds = 0

    def rate(self, method: str) -> float:
        """Calls per minute planned for `method`."""
        return self._rates.get(method) or tier_rate(method)

    def _method_bucket(self, team_id: str, method: str) -> _Bucket:
        # Slack counts per workspace: a workspace's programs share its buckets.
        key = (workspace_of(team_id), method)
        bucket = self._methods.get(key)
        if bucket is None:
            per_minute = self.rate(method)
            burst = max(1, math.floor(per_minute / 60.0 * self._burst_seconds))
            bucket = self._methods[key] = _Bucket(interval=60.0 / per_minute, burst=burst)
        return bucket

    def _buckets(self, team_id: str, method: str, channel: str | None) -> list[_Bucket]:
        buckets = [self._method_bucket(team_id, method)]
        if method == POST_MESSAGE and channel:
            key = (workspace_of(team_id), channel)
            bucket = self._channels.get(key)
            if bucket is None:
                self._sweep()
                bucket = self._channels[key] = _Bucket(60.0 / self._channel_per_minute, burst=1)
            buckets.append(bucket)
        return buckets

    def _sweep(self) -> None:
        # A fan-out touches thousands of channels once each; forget buckets that are idle again.
        now = self._clock()
        if now - self._last_sweep < 60.0:
            return
        self._last_sweep = now
        idle = [key for key, bucket in self._channels.items() if bucket.tat < now]
        for key in idle:
            del self._channels[key]

    def delay(self, team_id: str, method: str, channel: str | None = None) -> float:
        """Seconds until a call would be allowed (0 when it may go now); reserves nothing."""
        now = self._clock()
        return max(bucket.delay(now) for bucket in self._buckets(team_id, method, channel))

    async def acquire(
        self, team_id: str, method: str, channel: str | None = None, *, max_wait: float
    ) -> float | None:
        """Wait for a slot and take it: None when taken, else the seconds still to wait.

        Gives up without waiting (and without taking anything) when the slot is further away
        than `max_wait` seconds in total, so the caller can put its work back in the queue.
        """
        deadline = self._clock() + max_wait
        while True:
            now = self._clock()
            buckets = self._buckets(team_id, method, channel)
            wait = max(bucket.delay(now) for bucket in buckets)
            if wait >= _EPSILON and now + wait > deadline:
                return wait
            # The slot is taken now, even one `wait` ahead: callers queue behind each other
            # instead of all waking for the same slot.
            for bucket in buckets:
                bucket.take(now + wait)
            if wait < _EPSILON:
                return None
            holds = self._holds
            await self._sleep(wait)
            if self._holds == holds:
                return None
            # A 429 held some method meanwhile; if it was this one, the next slot is later.

    def hold(self, team_id: str, method: str, seconds: float) -> None:
        """Slack answered 429 for `method`: send nothing more of it for `seconds`."""
        self._holds += 1
        self._method_bucket(team_id, method).hold_until(self._clock() + seconds)
