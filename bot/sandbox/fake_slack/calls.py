"""Every request the fake received, kept so that tests can read what the bot sent."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.fake_slack.wire import JSON


@dataclass(frozen=True)
class Call:
    """One request the fake received, as it was answered.

    ``headers`` has lower-cased names. ``args`` merges query string and body, with JSON strings in
    form bodies (``blocks``, ``view``, ``metadata``, ...) decoded. ``status`` is the HTTP status, or
    0 when the connection was dropped (then ``response`` is None). ``at`` is ``time.time()``.
    """

    method: str
    http_method: str
    headers: dict[str, str] = field(hash=False)
    args: dict[str, Any] = field(hash=False)
    status: int
    response: JSON | None = field(hash=False)
    at: float

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response and self.response.get("ok"))


class CallLog:
    """The recorded calls, and waiting for the ones a test expects."""

    def __init__(self) -> None:
        self._calls_lock = threading.Lock()
        self._calls: list[Call] = []

    def record(
        self,
        method: str,
        http_method: str,
        headers: dict[str, str],
        args: dict[str, Any],
        status: int,
        response: JSON | None,
    ) -> None:
        call = Call(method, http_method, headers, args, status, response, time.time())
        with self._calls_lock:
            self._calls.append(call)

    def calls(self, method: str | None = None) -> list[Call]:
        with self._calls_lock:
            return [c for c in self._calls if method is None or c.method == method]

    def calls_since(self, start: int) -> list[Call]:
        """The calls recorded after the first ``start`` ones, so a poller reads only what is new
        (a driver that follows thousands of calls stays linear)."""
        with self._calls_lock:
            return self._calls[start:]

    def count(self, method: str) -> int:
        with self._calls_lock:
            return sum(1 for c in self._calls if c.method == method)

    def ratelimited_count(self, method: str | None = None) -> int:
        """How many 429 answers were given (injected or from a rate limit)."""
        return sum(1 for c in self.calls(method) if c.status == 429)

    def reset(self) -> None:
        """Forget recorded calls (state such as users, messages and views is kept)."""
        with self._calls_lock:
            self._calls.clear()

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until ``method`` was called at least ``count`` times; return those calls."""
        deadline = time.monotonic() + timeout
        while (found := self._arrived(method, count, timeout, deadline)) is None:
            await asyncio.sleep(0.01)
        return found

    def wait_for_sync(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Blocking twin of :meth:`wait_for`."""
        deadline = time.monotonic() + timeout
        while (found := self._arrived(method, count, timeout, deadline)) is None:
            time.sleep(0.01)
        return found

    def _arrived(
        self, method: str, count: int, timeout: float, deadline: float
    ) -> list[Call] | None:
        """The calls once there are ``count``; None to keep waiting; AssertionError when late."""
        found = self.calls(method)
        if len(found) >= count:
            return found
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"expected {count} {method} call(s) within {timeout}s, got {len(found)}; "
                f"received: {self._summary()}"
            )
        return None

    def _summary(self) -> str:
        calls = self.calls()
        if not calls:
            return "no calls at all"
        parts = []
        for c in calls[-30:]:
            outcome = "dropped" if c.response is None else c.response.get("error", "ok")
            parts.append(f"{c.method}({c.status} {outcome})")
        return ", ".join(parts)
