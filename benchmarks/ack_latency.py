"""How fast `rotnem serve` acknowledges slash commands (Slack allows 3 s).

Starts the real server as a subprocess against the fake Slack and fires signed `/rotnem help`:
closed loop with 100 requests in flight for 10 s (requests/s), then open loop at a fixed
200 requests/s for 10 s (latency percentiles), and reports the server's peak RSS.

    python benchmarks/ack_latency.py [--seconds 10] [--concurrency 100] [--rate 200]
                                     [--workspaces 100]

With `--workspaces N`, the same open loop is then run against `rotnem serve` installed by OAuth
in N workspaces (each installed through /slack/install and /slack/oauth_redirect first), the
commands spread over them, and the difference from the single-token run is the cost of finding
each request's token in its installation.

Targets (2-core machine, one process): ≥ 300 req/s closed loop; p99 < 100 ms at 200 req/s;
RSS < 150 MB; the token lookup adds ≤ 2 ms at p99. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks._server import SIGNING_SECRET, install_workspaces, memory_mb, rotnem_serve
from bot.sandbox import FakeSlack
from bot.sandbox.signing import sign, slash_command_body

TEAM_ID = "T0BENCH"


def _request(slack: FakeSlack, n: int, teams: Sequence[str]) -> tuple[str, dict[str, str]]:
    body = slash_command_body(
        command="/rotnem",
        text="help",
        user_id=f"U{n % 500:08d}",
        team_id=teams[n % len(teams)],
        channel_id="C0BENCH01",
        trigger_id=f"{n}.1.bench",
        response_url=f"{slack.base}/response/bench",
    )
    headers = sign(SIGNING_SECRET, body, int(time.time()))
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return body, headers


async def _post(
    session: aiohttp.ClientSession,
    url: str,
    slack: FakeSlack,
    n: int,
    teams: Sequence[str] = (TEAM_ID,),
) -> float:
    body, headers = _request(slack, n, teams)
    started = time.perf_counter()
    async with session.post(url, data=body, headers=headers) as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
    return time.perf_counter() - started


async def closed_loop(
    url: str, slack: FakeSlack, seconds: float, concurrency: int, teams: Sequence[str] = (TEAM_ID,)
) -> float:
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(session: aiohttp.ClientSession, offset: int) -> None:
        nonlocal done
        n = offset
        while time.perf_counter() < deadline:
            await _post(session, url, slack, n, teams)
            done += 1
            n += concurrency

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session, i) for i in range(concurrency)))
        return done / (time.perf_counter() - started)


async def on_schedule(
    seconds: float,
    rate: float,
    one: Callable[[aiohttp.ClientSession, int], Coroutine[Any, Any, None]],
) -> None:
    """Start `one(session, n)` `rate` times a second for `seconds`, then wait for them all."""
    tasks: list[asyncio.Task[None]] = []
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        total = int(seconds * rate)
        for n in range(total):
            # Fire on schedule, whatever the server's pace: that is what an open loop measures.
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(session, n)))
        await asyncio.gather(*tasks)


async def open_loop(
    url: str, slack: FakeSlack, seconds: float, rate: float, teams: Sequence[str] = (TEAM_ID,)
) -> list[float]:
    latencies: list[float] = []

    async def one(session: aiohttp.ClientSession, n: int) -> None:
        latencies.append(await _post(session, url, slack, n, teams))

    await on_schedule(seconds, rate, one)
    return latencies


async def one_from_each(url: str, slack: FakeSlack, teams: Sequence[str]) -> None:
    """One command from each workspace, one after the other."""
    async with aiohttp.ClientSession() as session:
        for n in range(len(teams)):
            await _post(session, url, slack, n, teams)


def percentiles(latencies: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(latencies)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument(
        "--workspaces",
        type=int,
        default=0,
        help="then measure OAuth mode with this many installed workspaces (e.g. 100)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack:
        database_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        with rotnem_serve(slack, database_url) as (base, process):
            url = f"{base}/slack/events"
            asyncio.run(closed_loop(url, slack, 1, 10))  # warm-up
            rps = asyncio.run(closed_loop(url, slack, args.seconds, args.concurrency))
            latencies = sorted(asyncio.run(open_loop(url, slack, args.seconds, args.rate)))
            rss = memory_mb(process.pid)
        installed: list[float] = []
        if args.workspaces:
            oauth_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench-oauth.db'}"
            with rotnem_serve(slack, oauth_url, oauth=True) as (base, process):
                teams = asyncio.run(install_workspaces(base, slack, args.workspaces, "T0BENCH"))
                url = f"{base}/slack/events"
                # Warm-up: every workspace's token looked up once (and its auth.test cached), as
                # in a server that has been answering them; then the usual second of load.
                asyncio.run(one_from_each(url, slack, teams))
                asyncio.run(closed_loop(url, slack, 1, 10, teams))
                installed = asyncio.run(open_loop(url, slack, args.seconds, args.rate, teams))

    p50, p99 = percentiles(latencies)
    print(f"closed loop, {args.concurrency} in flight, {args.seconds:g} s: {rps:.0f} requests/s")
    print(
        f"open loop, {args.rate:g} requests/s, {args.seconds:g} s: "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {latencies[-1] * 1000:.1f} ms "
        f"({len(latencies)} requests)"
    )
    print(f"server peak RSS: {rss:.0f} MB")
    if installed:
        oauth_p50, oauth_p99 = percentiles(installed)
        print(
            f"installed by OAuth in {args.workspaces} workspaces, open loop, {args.rate:g} "
            f"requests/s, {args.seconds:g} s: p50 {oauth_p50:.1f} ms, p99 {oauth_p99:.1f} ms "
            f"({len(installed)} requests)"
        )
        print(
            f"token lookup per request: p50 {oauth_p50 - p50:+.1f} ms, "
            f"p99 {oauth_p99 - p99:+.1f} ms (target: ≤ 2 ms at p99)"
        )


if __name__ == "__main__":
    main()
