"""Scripted failures and rate limits: how a Web API call is refused before its method runs."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

# Per-minute allowances from Slack's tier table (Tier 3 = 50, Tier 4 = 100) for the methods the
# bot uses; chat.postMessage is "Special": about 1 message per second per channel.
SLACK_TIER_PER_MINUTE: Final[Mapping[str, int]] = {
    "chat.update": 50,
    "conversations.open": 50,
    "conversations.history": 50,
    "conversations.info": 50,
    "users.info": 100,
    "users.profile.get": 100,
    "team.profile.get": 50,
    "views.publish": 100,
    "views.open": 100,
    "views.push": 100,
    "views.update": 100,
}

Predicate = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class Refusal:
    """The answer instead of the method's: ``status`` 0 closes the connection unanswered."""

    status: int
    error: str = ""
    retry_after: int = 0


DROP: Final = Refusal(0)


@dataclass
class _Fault:
    method: str
    refusal: Refusal
    remaining: int
    when: Predicate | None


@dataclass
class _Delay:
    method: str
    seconds: float
    remaining: int


@dataclass
class _Bucket:
    """Token bucket: ``capacity`` calls at once, refilled at ``per_second``."""

    capacity: float
    per_second: float
    tokens: float
    updated: float

    def take(self, now: float) -> int | None:
        """Take a slot; None if granted, else the whole seconds until one frees (at least 1)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return None
        # The epsilon keeps float noise (20.000000001 s) from adding a whole second.
        return max(1, math.ceil((1.0 - self.tokens) / self.per_second - 1e-9))


class Faults:
    """Pending injected failures, then rate limits, checked in that order for every API call."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        # Reentrant: a test's ``when`` predicate may itself script the fake.
        self._faults_lock = threading.RLock()
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []
        # Slack limits each method per workspace: one bucket per (team, method), per channel.
        self._limits: dict[str, tuple[float, float]] = {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._channel_limit: tuple[float, float] | None = None
        self._channel_buckets: dict[tuple[str, str], _Bucket] = {}

    def fail(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int = 1,
        times: int = 1,
        when: Predicate | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (matching ``when(args)``) fail.

        Without ``error``: an HTTP failure, 429 by default (``Retry-After: retry_after`` and
        ``{"ok": false, "error": "ratelimited"}``), or the given status (e.g. 500, 503).
        With ``error``: HTTP 200 (or ``status``) and ``{"ok": false, "error": error}``.
        """
        if error is not None:
            refusal = Refusal(status or 200, error, retry_after)
        else:
            code = status or 429
            # Slack documents no body for 5xx; a JSON error keeps slack_sdk's parser happy.
            refusal = Refusal(code, "ratelimited" if code == 429 else "fatal_error", retry_after)
        with self._faults_lock:
            self._faults.append(_Fault(method, refusal, times, when))

    def drop(self, method: str, *, times: int = 1, when: Predicate | None = None) -> None:
        """Close the connection without any HTTP answer for the next ``times`` calls."""
        with self._faults_lock:
            self._faults.append(_Fault(method, DROP, times, when))

    def delay(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` only after ``seconds`` (a slow Slack);
        other calls are answered meanwhile."""
        with self._faults_lock:
            self._delays.append(_Delay(method, seconds, times))

    def pause(self, method: str) -> float:
        """Seconds this call of ``method`` waits before it is answered (uses up one delay)."""
        with self._faults_lock:
            for delay in self._delays:
                if delay.method == method:
                    delay.remaining -= 1
                    if delay.remaining == 0:
                        self._delays.remove(delay)
                    return delay.seconds
        return 0.0

    def limit(self, method: str, per_minute: float, *, burst: int | None = None) -> None:
        """Rate-limit ``method`` in each workspace: ``burst`` calls at once (default: a minute's
        worth), refilled at ``per_minute``. Over it: 429 with the seconds until a slot frees."""
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        capacity = float(burst if burst is not None else max(1, math.floor(per_minute)))
        with self._faults_lock:
            self._limits[method] = (capacity, per_minute / 60.0)
            self._buckets = {key: b for key, b in self._buckets.items() if key[1] != method}

    def limit_channel(self, per_minute: float = 60.0, *, burst: int = 3) -> None:
        """Rate-limit chat.postMessage per channel (Slack: about 1 per second, short bursts)."""
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        with self._faults_lock:
            self._channel_limit = (per_minute / 60.0, float(burst))
            self._channel_buckets.clear()

    def apply_slack_rate_limits(self) -> None:
        """Apply Slack's published tiers to the methods the bot uses (auth.test stays free)."""
        for method, per_minute in SLACK_TIER_PER_MINUTE.items():
            self.limit(method, per_minute)
        self.limit_channel(60.0, burst=3)

    def clear_faults(self) -> None:
        """Remove pending injected failures, stalls and all rate limits."""
        with self._faults_lock:
            self._faults.clear()
            self._delays.clear()
            self._limits.clear()
            self._buckets.clear()
            self._channel_limit = None
            self._channel_buckets.clear()

    def refusal(self, method: str, args: dict[str, Any], team: str = "") -> Refusal | None:
        """How this call is refused, if it is: uses up one injected fault or one rate-limit slot
        of the workspace (or org) `team` the call's token speaks for."""
        with self._faults_lock:
            fault = self._take_fault(method, args)
            if fault is not None:
                return fault
            wait = self._rate_limit(method, args, team)
            return Refusal(429, "ratelimited", wait) if wait is not None else None

    def _take_fault(self, method: str, args: dict[str, Any]) -> Refusal | None:
        for fault in self._faults:
            if fault.method == method and fault.remaining > 0:
                if fault.when is not None and not fault.when(args):
                    continue
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault.refusal
        return None

    def _rate_limit(self, method: str, args: dict[str, Any], team: str) -> int | None:
        now = self._clock()
        limit = self._limits.get(method)
        if limit is not None:
            capacity, per_second = limit
            bucket = self._buckets.setdefault(
                (team, method), _Bucket(capacity, per_second, capacity, now)
            )
            wait = bucket.take(now)
            if wait is not None:
                return wait
        if method == "chat.postMessage" and self._channel_limit is not None:
            channel = str(args.get("channel") or "")
            per_second, capacity = self._channel_limit
            chan_bucket = self._channel_buckets.setdefault(
                (team, channel), _Bucket(capacity, per_second, capacity, now)
            )
            return chan_bucket.take(now)
        return None
