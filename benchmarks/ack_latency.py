"""How fast `rotnem serve` acknowledges Slack (Slack allows 3 s), beside the floor.

Starts the real server as a subprocess against the fake Slack and fires signed requests from
one aiohttp load generator:

- `--mode commands` (default): `/rotnem help`, closed loop with 100 requests in flight for 10 s
  (requests/s), then open loop at a fixed 200 requests/s for 10 s (latency percentiles);
- `--mode events`: `app_home_opened`, each with its own `event_id` and one of 500 people, closed
  loop (events/s and latency percentiles; any answer but 200 is counted). Rotnem publishes the
  Home tabs after acknowledging; the output shows how many events it recorded (none lost) and
  how many Home tabs it published (opened again while publishing: coalesced).

Each process is first warmed up with one request from each of the 500 people (10 in flight; for
Rotnem, each person's first command reads their language in Slack, users.info, and its
latencies are printed apart); the loads then come from the same people, as in a running
program. Each contender runs in 3 fresh processes (`--runs`), the contenders interleaved;
medians are printed with the load average. `--baseline bare-bolt` adds the floor: a bare
slack-bolt `AsyncApp` on the same uvicorn stack whose listeners only acknowledge
(`benchmarks.bare_bolt`).

    python -m benchmarks.ack_latency [--mode commands|events] [--baseline bare-bolt]
                                     [--seconds 10] [--concurrency 100] [--rate 200] [--runs 3]
                                     [--workspaces 100]

With `--workspaces N`, the commands' open loop is then run against `rotnem serve` installed by
OAuth in N workspaces (each installed through /slack/install and /slack/oauth_redirect first),
the commands spread over them, and the difference from the single-token run is the cost of
finding each request's token in its installation.

Targets (2-core machine, one process): commands closed loop ≥ 0.9× bare Bolt, open loop p99 ≤
3 ms; events closed loop ≥ 0.7× bare Bolt with p99 ≤ 10 ms and never a 503; the token lookup
adds ≤ 2 ms at p99. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks._server import SIGNING_SECRET, install_workspaces, memory_mb, rotnem_serve
from benchmarks.bare_bolt import bare_bolt_serve
from bot.sandbox import FakeSlack
from bot.sandbox.signing import event_body, sign, slash_command_body

TEAM_ID = "T0BENCH"
PEOPLE = 500
ROTNEM = "rotnem"
BARE_BOLT = "bare-bolt"

Server = Callable[[FakeSlack, str], AbstractContextManager[tuple[str, subprocess.Popen[bytes]]]]
# A request's body, its content type, and who sends it.
Body = Callable[[FakeSlack, int, Sequence[str]], tuple[str, str, str]]


def person(n: int) -> str:
    """The user ID of the `n`th request's sender: one of `PEOPLE`, in turn."""
    return f"U{n % PEOPLE:08d}"


def command(slack: FakeSlack, n: int, teams: Sequence[str]) -> tuple[str, str, str]:
    user_id = person(n)
    body = slash_command_body(
        command="/rotnem",
        text="help",
        user_id=user_id,
        team_id=teams[n % len(teams)],
        channel_id="C0BENCH01",
        trigger_id=f"{n}.1.bench",
        response_url=f"{slack.base}/response/bench",
    )
    return body, "application/x-www-form-urlencoded", user_id


# Event IDs are unique across the processes of one benchmark run.
_event_ids = iter(range(10**12))


def home_opened(_slack: FakeSlack, n: int, teams: Sequence[str]) -> tuple[str, str, str]:
    user_id = person(n)
    event = {"type": "app_home_opened", "user": user_id, "tab": "home"}
    event_id = f"Ev{next(_event_ids):010d}"
    body = event_body(event, team_id=teams[0], event_id=event_id, event_time=int(time.time()))
    return body, "application/json", user_id


@dataclass
class Load:
    """What one load generator saw: latencies and HTTP statuses."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0
    # When each person's last acknowledged request was sent (time.time()).
    last_sent: dict[str, float] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentiles(self) -> tuple[float, float, float]:
        """p50, p99 and max in milliseconds."""
        ordered = sorted(self.latencies)
        p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
        return statistics.median(ordered) * 1000, p99 * 1000, ordered[-1] * 1000


async def _post(
    session: aiohttp.ClientSession,
    url: str,
    slack: FakeSlack,
    n: int,
    body_of: Body,
    teams: Sequence[str],
    load: Load,
) -> None:
    body, content_type, user_id = body_of(slack, n, teams)
    headers = sign(SIGNING_SECRET, body, int(time.time()))
    headers["Content-Type"] = content_type
    sent, started = time.time(), time.perf_counter()
    try:
        async with session.post(url, data=body, headers=headers) as response:
            await response.read()
    except aiohttp.ClientConnectionError:
        load.statuses[0] += 1  # no answer: counted as HTTP 0, not a crash of the benchmark
        return
    load.latencies.append(time.perf_counter() - started)
    load.statuses[response.status] += 1
    if response.status == 200:
        load.last_sent[user_id] = sent


async def closed_loop(
    url: str,
    slack: FakeSlack,
    seconds: float,
    concurrency: int,
    body_of: Body = command,
    teams: Sequence[str] = (TEAM_ID,),
    *,
    requests: int | None = None,
) -> Load:
    """`concurrency` requests in flight for `seconds`, or until `requests` were sent."""
    load = Load()
    deadline = time.perf_counter() + seconds

    async def worker(session: aiohttp.ClientSession, offset: int) -> None:
        n = offset
        while time.perf_counter() < deadline and (requests is None or n < requests):
            await _post(session, url, slack, n, body_of, teams, load)
            n += concurrency

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session, i) for i in range(concurrency)))
        load.seconds = time.perf_counter() - started
    return load


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
) -> Load:
    load = Load(seconds=seconds)

    async def one(session: aiohttp.ClientSession, n: int) -> None:
        await _post(session, url, slack, n, command, teams, load)

    await on_schedule(seconds, rate, one)
    return load


async def one_from_each(url: str, slack: FakeSlack, teams: Sequence[str]) -> None:
    """One command from each workspace, one after the other."""
    async with aiohttp.ClientSession() as session:
        for n in range(len(teams)):
            await _post(session, url, slack, n, command, teams, Load())


@dataclass
class Run:
    """One fresh server process's figures."""

    closed: Load
    open: Load | None
    rss_mb: float
    warm_up: Load
    acknowledged: int = 0  # events answered 200, the warm-up's included
    recorded: int | None = None  # events Rotnem recorded as processed
    published: int = 0  # Home tabs published (views.publish calls)
    people: int = 0  # people who opened their Home tab
    up_to_date: int = 0  # of them, those whose tab was published after their last open


def _recorded_events(database: Path, expected: int) -> int:
    """Events recorded as processed, once the count stops growing or reaches `expected`."""
    last, deadline = -1, time.monotonic() + 30
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            (count,) = connection.execute("SELECT count(*) FROM processed_events").fetchone()
        if count >= expected or count == last:
            return int(count)
        last = count
        time.sleep(0.5)
    return int(last)


def _published(slack: FakeSlack) -> int:
    """Home tabs published, once the server has caught up (no new one for 2 s)."""
    count, deadline = -1, time.monotonic() + 120
    while time.monotonic() < deadline and count != (count := slack.count("views.publish")):
        time.sleep(2)
    return count


def measure(contender: str, mode: str, args: argparse.Namespace, tmp: Path, run: int) -> Run:
    """Warm a fresh process up, then load it as `mode` says."""
    database = tmp / f"{contender}-{mode}-{run}.db"
    server: Server = (
        (lambda slack, _url: bare_bolt_serve(slack))
        if contender == BARE_BOLT
        else (lambda slack, url: rotnem_serve(slack, url))
    )
    with FakeSlack() as slack, server(slack, f"sqlite+aiosqlite:///{database}") as (base, proc):
        # The people exist in Slack, as they would: Rotnem reads each one's language there once.
        for n in range(PEOPLE):
            slack.add_user(person(n), real_name=f"Person {n}")
        url = f"{base}/slack/events"
        body_of = home_opened if mode == "events" else command
        # Warm-up: each person's first request (Rotnem reads their language in Slack then), 10
        # in flight; the loads after it come from the same people, as a running program's do.
        warm_up = asyncio.run(closed_loop(url, slack, 120, 10, body_of, requests=PEOPLE))
        closed = asyncio.run(closed_loop(url, slack, args.seconds, args.concurrency, body_of))
        opened = None
        if mode == "commands":
            opened = asyncio.run(open_loop(url, slack, args.seconds, args.rate))
        result = Run(closed, opened, memory_mb(proc.pid), warm_up)
        if mode == "events" and contender == ROTNEM:
            result.acknowledged = warm_up.statuses[200] + closed.statuses[200]
            result.recorded = _recorded_events(database, result.acknowledged)
            acked_last = warm_up.last_sent | closed.last_sent
            result.published = _published(slack)
            last_publish: dict[str, float] = {}
            for call in slack.calls("views.publish"):
                last_publish[call.args["user_id"]] = call.at
            result.people = len(acked_last)
            result.up_to_date = sum(
                1 for user, acked in acked_last.items() if last_publish.get(user, 0.0) >= acked
            )
    return result


def load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _median(runs: Sequence[Run], figure: Callable[[Run], float]) -> float:
    return statistics.median(figure(run) for run in runs)


def report(mode: str, args: argparse.Namespace, results: dict[str, list[Run]]) -> None:
    unit = "events/s" if mode == "events" else "requests/s"
    print(f"\n{mode}: medians of {args.runs} fresh processes per contender ({load_average()})")
    for contender, runs in results.items():
        w50 = _median(runs, lambda r: r.warm_up.percentiles()[0])
        w99 = _median(runs, lambda r: r.warm_up.percentiles()[1])
        print(
            f"  {contender:9} warm-up, each of {PEOPLE} people's first request, 10 in flight: "
            f"p50 {w50:.1f} ms, p99 {w99:.1f} ms, max "
            f"{max(r.warm_up.percentiles()[2] for r in runs):.1f} ms"
        )
        rps = _median(runs, lambda r: r.closed.per_second)
        p50 = _median(runs, lambda r: r.closed.percentiles()[0])
        p99 = _median(runs, lambda r: r.closed.percentiles()[1])
        worst = max(r.closed.percentiles()[2] for r in runs)
        statuses = sum((r.closed.statuses for r in runs), Counter[int]())
        print(
            f"  {contender:9} closed loop, {args.concurrency} in flight, {args.seconds:g} s: "
            f"{rps:,.0f} {unit}; p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {worst:.1f} ms; "
            f"HTTP {json.dumps(dict(sorted(statuses.items())))}"
        )
        opened = [r.open for r in runs if r.open is not None]
        if opened:
            o50 = statistics.median(o.percentiles()[0] for o in opened)
            o99 = statistics.median(o.percentiles()[1] for o in opened)
            omax = max(o.percentiles()[2] for o in opened)
            print(
                f"  {contender:9} open loop, {args.rate:g} requests/s, {args.seconds:g} s: "
                f"p50 {o50:.2f} ms, p99 {o99:.2f} ms, max {omax:.1f} ms"
            )
        print(f"  {contender:9} server peak RSS: {_median(runs, lambda r: r.rss_mb):.0f} MB")
        for run in runs:
            if run.recorded is not None:
                print(
                    f"  {contender:9} events acknowledged {run.acknowledged:,}, recorded "
                    f"{run.recorded:,} (lost {run.acknowledged - run.recorded:,}); Home tabs "
                    f"published {run.published:,} (repeat opens coalesced), up to date after "
                    f"the last open for {run.up_to_date} of {run.people} people"
                )
    if ROTNEM in results and BARE_BOLT in results:
        ratio = _median(results[ROTNEM], lambda r: r.closed.per_second) / _median(
            results[BARE_BOLT], lambda r: r.closed.per_second
        )
        print(f"  ratio Rotnem / bare Bolt, closed loop: {ratio:.2f}")


def interleaved(contenders: Sequence[str], runs: int) -> Iterator[tuple[int, str]]:
    """Run 1 of each contender, then run 2 of each, …: drifts in the machine hit both alike."""
    for run in range(runs):
        for contender in contenders:
            yield run, contender


def oauth_figures(args: argparse.Namespace, tmp: Path, single: list[Run]) -> None:
    """The commands' open loop against `rotnem serve` installed in `args.workspaces`."""
    with FakeSlack() as slack:
        oauth_url = f"sqlite+aiosqlite:///{tmp / 'bench-oauth.db'}"
        with rotnem_serve(slack, oauth_url, oauth=True) as (base, _process):
            teams = asyncio.run(install_workspaces(base, slack, args.workspaces, "T0BENCH"))
            url = f"{base}/slack/events"
            # Warm-up: every workspace's token looked up once (and its auth.test cached), as
            # in a server that has been answering them; then the usual second of load.
            asyncio.run(one_from_each(url, slack, teams))
            asyncio.run(closed_loop(url, slack, 1, 10, command, teams))
            installed = asyncio.run(open_loop(url, slack, args.seconds, args.rate, teams))
    oauth_p50, oauth_p99, _ = installed.percentiles()
    opened = [run.open for run in single if run.open is not None]
    p50 = statistics.median(o.percentiles()[0] for o in opened)
    p99 = statistics.median(o.percentiles()[1] for o in opened)
    print(
        f"\ninstalled by OAuth in {args.workspaces} workspaces, open loop, {args.rate:g} "
        f"requests/s, {args.seconds:g} s: p50 {oauth_p50:.2f} ms, p99 {oauth_p99:.2f} ms "
        f"({len(installed.latencies)} requests, HTTP {dict(installed.statuses)})"
    )
    print(
        f"token lookup per request: p50 {oauth_p50 - p50:+.2f} ms, "
        f"p99 {oauth_p99 - p99:+.2f} ms (target: ≤ 2 ms at p99)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("commands", "events"), default="commands")
    parser.add_argument(
        "--baseline", choices=(BARE_BOLT,), help="measure the floor beside Rotnem, interleaved"
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per contender")
    parser.add_argument(
        "--workspaces",
        type=int,
        default=0,
        help="then measure OAuth mode with this many installed workspaces (e.g. 100)",
    )
    args = parser.parse_args()
    print(f"ack latency, {args.mode} ({load_average()})")

    contenders = [ROTNEM, *([args.baseline] if args.baseline else [])]
    results: dict[str, list[Run]] = {contender: [] for contender in contenders}
    with tempfile.TemporaryDirectory() as tmp:
        for run, contender in interleaved(contenders, args.runs):
            results[contender].append(measure(contender, args.mode, args, Path(tmp), run))
            closed = results[contender][-1].closed
            print(f"  run {run + 1} {contender}: {closed.per_second:,.0f}/s closed loop")
        report(args.mode, args, results)
        if args.workspaces and args.mode == "commands":
            oauth_figures(args, Path(tmp), results[ROTNEM])


if __name__ == "__main__":
    main()
