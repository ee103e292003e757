"""Fan-out benchmark: N messages to N channels through a real `rotnem worker` process.

The fake Slack enforces a workspace-wide ceiling on chat.postMessage (a token bucket: one
second's worth of burst, then `--ceiling` calls per second; 429 + Retry-After past it) and the
worker is configured with that ceiling through ROTNEM_POST_RATE_PER_MINUTE, as an operator would.
Optionally the table first holds `--history` rows already sent, to show the claim query does not
slow down as history grows.

With `--workspaces N` the worker installs by OAuth instead (SLACK_CLIENT_ID/SECRET, no
SLACK_BOT_TOKEN): `rotnem serve` is first installed in N workspaces through /slack/install and
/slack/oauth_redirect against the same database, then the same number of messages is spread
evenly over them. The fake Slack's ceiling and the worker's ROTNEM_POST_RATE_PER_MINUTE then
hold in each workspace (Slack limits per workspace), so the aggregate can reach N times the
ceiling; each post must carry its own workspace's token.

The floor, measured after the worker on the same fake Slack: a bare slack_sdk `AsyncWebClient`
poster (`benchmarks/_bare_poster.py`) sending the same messages at the same ceiling and
concurrency, with no database. For both, CPU per message is the process's CPU time from its
first ok post to its last, divided by the posts (start-up and imports are not counted).

Prints: the load average, achieved rate as a fraction of the ceiling (per workspace too with
`--workspaces`), 429s received, duplicates, lost messages, posts sent with another workspace's
token, CPU per message of the worker and of the bare poster and their ratio, peak RSS, and the
claim query's latency and plan; medians of `--repeats` runs (3), each with fresh processes
and a fresh database. `--profile FILE` runs the worker under cProfile. Figures, not asserts.

    python -m benchmarks.fanout                       # SQLite
    python -m benchmarks.fanout --history 100000
    python -m benchmarks.fanout --database postgresql --history 100000
    python -m benchmarks.fanout --workspaces 10 --ceiling 5 [--database postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import psutil
from sqlalchemy import func, insert, select, text

from benchmarks._server import install_workspaces, rotnem_serve
from bot import migrate
from bot.db import create_engine, create_sessionmaker
from bot.delivery.dispatcher import _SQLITE_DUE
from bot.delivery.outbox import METADATA_EVENT_TYPE, enqueue
from bot.sandbox import FakeSlack, installing
from bot.sandbox.fake_slack.calls import Call
from bot.services.notices import Rendered
from models import OutboxMessage
from models.outbox import CLAIMABLE_SQL

ROOT = Path(__file__).resolve().parents[1]
TEAM = "T123ABC456"
WORKSPACE_PREFIX = "T0FAN"
ADMIN_DSN = os.environ.get("ROTNEM_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


async def admin(sql: str) -> None:
    connection = await asyncpg.connect(ADMIN_DSN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def throwaway_database(database: str, workdir: Path, name: str) -> tuple[str, str | None]:
    """A fresh, empty database for one run: a SQLite file in `workdir`, or a PostgreSQL
    database whose name is returned too, for the caller to drop."""
    if database == "sqlite":
        return f"sqlite+aiosqlite:///{workdir / f'{name}.db'}", None
    pg_name = f"rotnem_{name}_{secrets.token_hex(4)}"
    await admin(f'CREATE DATABASE "{pg_name}"')
    url = f"{ADMIN_DSN.rsplit('/', 1)[0]}/{pg_name}"
    return url.replace("postgresql://", "postgresql+asyncpg://"), pg_name


async def add_history(url: str, count: int) -> float:
    """`count` rows already sent, inserted in bulk; returns seconds taken."""
    started = time.perf_counter()
    engine = create_engine(url)
    sent_at = datetime.now(UTC) - timedelta(days=30)
    async with create_sessionmaker(engine).begin() as session:
        for first in range(0, count, 5000):
            rows = [
                {
                    "team_id": TEAM,
                    "dedupe_key": f"history:{n}",
                    "kind": "rendered",
                    "status": "sent",
                    "notice": {"text": f"old message {n}"},
                    "channel": f"H{n:07d}",
                    "attempts": 1,
                    "next_attempt_at": sent_at,
                    "slack_channel": f"H{n:07d}",
                    "slack_ts": f"{1700000000 + n}.000100",
                    "created_at": sent_at,
                    "updated_at": sent_at,
                    "sent_at": sent_at,
                }
                for n in range(first, min(count, first + 5000))
            ]
            await session.execute(insert(OutboxMessage), rows)
    await engine.dispose()
    return time.perf_counter() - started


async def enqueue_all(url: str, count: int, teams: Sequence[str]) -> float:
    """The queue, through the public `enqueue` (500 per transaction), message n in workspace
    n mod len(teams); returns seconds taken."""
    started = time.perf_counter()
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    now = datetime.now(UTC)
    for first in range(0, count, 500):
        async with sessionmaker.begin() as session:
            for n in range(first, min(count, first + 500)):
                await enqueue(
                    session,
                    team_id=teams[n % len(teams)],
                    dedupe_key=f"fanout:{n}",
                    notice=Rendered(text=f"Hello number {n}"),
                    channel=f"C{n:07d}",
                    now=now,
                )
    await engine.dispose()
    return time.perf_counter() - started


async def claim_query(url: str, repeats: int = 50) -> tuple[float, str]:
    """Median latency (ms) of the claim SELECT on the full queue, and its plan."""
    engine = create_engine(url)
    now = datetime.now(UTC) + timedelta(minutes=5)
    statement = (
        select(OutboxMessage.id, OutboxMessage.lease_owner)
        .where(text(CLAIMABLE_SQL), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(8)
        .with_for_update(skip_locked=True)
    )
    if url.startswith("sqlite"):
        # What the dispatcher runs on SQLite (see bot/delivery/dispatcher.py).
        statement = _SQLITE_DUE.bindparams(now=now, limit=8)  # type: ignore[assignment]
    timings = []
    async with engine.connect() as connection:
        for _ in range(repeats):
            started = time.perf_counter()
            (await connection.execute(statement)).all()
            timings.append((time.perf_counter() - started) * 1000)
            await connection.rollback()
        compiled = statement.compile(
            dialect=connection.dialect, compile_kwargs={"literal_binds": True}
        )
        prefix = "EXPLAIN QUERY PLAN " if connection.dialect.name == "sqlite" else "EXPLAIN "
        plan_rows = (await connection.execute(text(prefix + str(compiled)))).all()
        plan = " | ".join(str(row[-1]) for row in plan_rows)
        await connection.rollback()
    await engine.dispose()
    return statistics.median(timings), plan


async def team_of_rows(url: str) -> dict[int, str]:
    """Each queued message's workspace, by outbox id."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = await session.execute(
                select(OutboxMessage.id, OutboxMessage.team_id).where(
                    OutboxMessage.dedupe_key.like("fanout:%")
                )
            )
            return {int(row_id): str(team) for row_id, team in rows.all()}
    finally:
        await engine.dispose()


def rate_of(posts: Sequence[Call]) -> tuple[float, float]:
    """(first->last seconds, calls/s) of answered calls, oldest first."""
    span = posts[-1].at - posts[0].at if len(posts) > 1 else float("nan")
    return span, (len(posts) - 1) / span if span else float("nan")


def outbox_id(call: Call) -> int:
    return int(call.args["metadata"]["event_payload"]["outbox_id"])


def bearer(call: Call) -> str:
    return call.headers.get("authorization", "").removeprefix("Bearer ")


async def wait_drained(url: str, timeout: float) -> dict[str, int]:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    deadline = time.monotonic() + timeout
    try:
        while True:
            async with sessionmaker() as session:
                counts = {
                    str(status): int(n)
                    for status, n in (
                        await session.execute(
                            select(OutboxMessage.status, func.count())
                            .where(OutboxMessage.dedupe_key.like("fanout:%"))
                            .group_by(OutboxMessage.status)
                        )
                    ).all()
                }
            if not counts.get("pending") and not counts.get("sending"):
                return counts
            if time.monotonic() > deadline:
                return counts
            await asyncio.sleep(0.5)
    finally:
        await engine.dispose()


@dataclass
class Contender:
    """What one sending process did: ok posts while it was watched, and its CPU time then."""

    posts: int = 0
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0
    # Its ok posts per second, first to last.
    rate: float = float("nan")

    @property
    def cpu_ms_per_message(self) -> float:
        return self.cpu_s * 1000 / self.posts if self.posts else float("nan")


def cpu_seconds(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return float(times.user + times.system)


async def watch(
    proc: psutil.Process, slack: FakeSlack, since: int, expected: int, drained: asyncio.Task[Any]
) -> Contender:
    """The process's CPU time per message from the first ok post it makes to the last (its start
    and imports are not counted), and its peak RSS. Returns when `drained` is done."""
    seen = Contender()
    first: tuple[int, float] | None = None
    last: tuple[int, float] = (0, 0.0)
    ok: list[Call] = []
    while not drained.done():
        try:
            cpu = cpu_seconds(proc)
            seen.peak_rss_mb = max(seen.peak_rss_mb, proc.memory_info().rss / 2**20)
        except psutil.NoSuchProcess:
            break
        # Only the calls since the last look: the fake Slack runs in this process.
        new = slack.calls_since(since)
        since += len(new)
        ok.extend(call for call in new if call.method == POST and call.ok)
        posted = len(ok)
        if first is None and posted:
            first = (posted, cpu)
        if posted < expected or last[0] < expected:
            last = (posted, cpu)
        await asyncio.sleep(0.02)
    if first is not None:
        seen.posts = last[0] - first[0]
        seen.cpu_s = last[1] - first[1]
    ok.extend(call for call in slack.calls_since(since) if call.method == POST and call.ok)
    seen.rate = rate_of(ok)[1]
    return seen


@dataclass
class Outcome:
    """One run: the worker and, on the same fake Slack afterwards, the bare poster."""

    worker: Contender
    bare: Contender
    counts: dict[str, int]
    span: float
    rate: float
    rate_limited: int
    calls: int
    duplicates: int
    lost: int
    per_team: list[tuple[str, int, float, float, int]]
    wrong_token: int
    enqueue_s: float
    history_s: float
    claim_ms: float
    plan: str
    worker_output: str


POST = "chat.postMessage"


def profiled(path: str | None) -> list[str]:
    """Interpreter options that run the worker under cProfile, writing to `path`."""
    return ["-m", "cProfile", "-o", str(Path(path).resolve())] if path else []


async def run_once(args: argparse.Namespace) -> Outcome:
    workdir = Path(tempfile.mkdtemp(prefix="rotnem-fanout-"))
    url, pg_name = await throwaway_database(args.database, workdir, "fanout")
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        with FakeSlack() as slack:
            teams = [TEAM]
            if args.workspaces:
                with rotnem_serve(slack, url, oauth=True) as (base, _):
                    teams = await install_workspaces(base, slack, args.workspaces, WORKSPACE_PREFIX)
            history_s = await add_history(url, args.history) if args.history else 0.0
            enqueue_s = await enqueue_all(url, args.messages, teams)
            claim_ms, plan = await claim_query(url)

            # Per workspace (the token's team), as Slack does.
            slack.limit(POST, per_minute=args.ceiling * 60, burst=args.ceiling)
            env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
            credentials = (
                installing.OAUTH_ENVIRONMENT
                if args.workspaces
                else {"SLACK_BOT_TOKEN": "xoxb-test-token"}
            )
            env.update(
                credentials,
                PYTHONPATH=str(ROOT),
                DATABASE_URL=url,
                SLACK_API_URL=slack.api_url,
                LOG_LEVEL="WARNING",
                ROTNEM_POST_RATE_PER_MINUTE=str(args.ceiling * 60),
                ROTNEM_OUTBOX_CONCURRENCY=str(args.concurrency),
            )
            since = len(slack.calls())
            worker = subprocess.Popen(
                [sys.executable, *profiled(args.profile), "-m", "bot", "worker"],
                env=env,
                cwd=workdir,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            drained = asyncio.create_task(wait_drained(url, timeout=args.messages / 5 + 120))
            worker_seen = await watch(
                psutil.Process(worker.pid), slack, since, args.messages, drained
            )
            counts = await drained
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=30)

            posts = slack.calls(POST)
            ok = [call for call in posts if call.ok]
            delivered = Counter(
                int(m["metadata"]["event_payload"]["outbox_id"])
                for m in slack.messages()
                if m.get("metadata", {}).get("event_type") == METADATA_EVENT_TYPE
            )
            team_of = await team_of_rows(url)
            token_team = {bearer(call): slack.grant_of(bearer(call)) for call in posts}
            # The token each workspace's posts went out with, for the bare poster.
            token_of = {team_of[outbox_id(call)]: bearer(call) for call in ok}

            since = len(slack.calls())
            shares = [
                f"{i}:{args.messages // len(teams)}:{token_of[t]}" for i, t in enumerate(teams)
            ]
            bare = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "benchmarks._bare_poster",
                    slack.api_url,
                    str(args.ceiling),
                    str(args.concurrency),
                    *shares,
                ],
                env={**env, "PYTHONPATH": str(ROOT)},
                cwd=ROOT,
            )
            finished = asyncio.create_task(asyncio.to_thread(bare.wait))
            bare_seen = await watch(psutil.Process(bare.pid), slack, since, args.messages, finished)
    finally:
        if pg_name is not None:
            await admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')

    span, rate = rate_of(ok)
    per_team = []
    wrong_token = 0
    if args.workspaces:
        # A post counts for the workspace of the row it carries; its token must be that one's.
        sent: dict[str, list[Call]] = defaultdict(list)
        limited: Counter[str] = Counter()
        for call in posts:
            grant = token_team[bearer(call)]
            if call.ok:
                sent[team_of[outbox_id(call)]].append(call)
            elif call.status == 429 and grant is not None:
                limited[str(grant.team_id)] += 1
        wrong_token = sum(
            1
            for call in ok
            if (grant := token_team[bearer(call)]) is None
            or grant.team_id != team_of[outbox_id(call)]
        )
        for team in teams:
            team_span, team_rate = rate_of(sent[team])
            per_team.append((team, len(sent[team]), team_span, team_rate, limited[team]))
    return Outcome(
        worker=worker_seen,
        bare=bare_seen,
        counts=counts,
        span=span,
        rate=rate,
        rate_limited=sum(1 for call in posts if call.status == 429),
        calls=len(posts),
        duplicates=sum(n - 1 for n in delivered.values() if n > 1),
        lost=args.messages - len(delivered),
        per_team=per_team,
        wrong_token=wrong_token,
        enqueue_s=enqueue_s,
        history_s=history_s,
        claim_ms=claim_ms,
        plan=plan,
        worker_output=output,
    )


def report(args: argparse.Namespace, outcomes: list[Outcome]) -> None:
    median = statistics.median
    teams = max(1, args.workspaces)
    ceiling = args.ceiling * teams
    last = outcomes[-1]
    print(f"load average         {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"database             {args.database} (history rows already sent: {args.history:,})")
    print(
        f"messages             {args.messages:,} to {args.messages:,} channels, "
        f"{len(outcomes)} run(s) with fresh processes; medians"
    )
    where = "fake Slack, burst 1 s"
    if args.workspaces:
        print(
            f"workspaces           {teams} installed by OAuth, "
            f"{args.messages // teams:,} messages each"
        )
        where = "in each workspace, " + where
    print(f"ceiling              {args.ceiling}/s chat.postMessage ({where})")
    print(
        f"history insert       {last.history_s:.1f}s;  "
        f"enqueue {median(o.enqueue_s for o in outcomes):.1f}s"
    )
    print(
        f"claim query          {median(o.claim_ms for o in outcomes):.2f} ms median over 50;  "
        f"plan: {last.plan}"
    )
    print(f"outbox after run     {[o.counts for o in outcomes]}")
    print(f"first->last post     {median(o.span for o in outcomes):.1f}s")
    if args.workspaces:
        print(
            f"{'workspace':<20} {'sent':>6} {'first->last':>12} {'rate':>9} {'of ceiling':>11} 429s"
        )
        for team, sent, team_span, team_rate, limited in last.per_team:
            print(
                f"{team:<20} {sent:>6} {team_span:>11.1f}s {team_rate:>7.2f}/s "
                f"{team_rate / args.ceiling:>11.1%} {limited:>4}"
            )
        rate = median(o.rate for o in outcomes)
        print(
            f"aggregate rate       {rate:.2f}/s = {rate / ceiling:.1%} of "
            f"{teams} x {args.ceiling}/s"
        )
        print(
            f"wrong token          {sum(o.wrong_token for o in outcomes)} posts sent with another "
            "workspace's token"
        )
    else:
        rate = median(o.rate for o in outcomes)
        print(f"achieved rate        {rate:.2f}/s = {rate / ceiling:.1%} of the ceiling")
    limited = sum(o.rate_limited for o in outcomes)
    calls = sum(o.calls for o in outcomes)
    print(
        f"429s received        {limited} of {calls} calls ({limited / max(1, calls):.2%}), all runs"
    )
    bare_rate = median(o.bare.rate for o in outcomes)
    print(
        f"bare poster rate     {bare_rate:.2f}/s = {bare_rate / ceiling:.1%} of the ceiling "
        "(the floor, same pacing and concurrency)"
    )
    print(f"duplicates           {sum(o.duplicates for o in outcomes)}, all runs")
    print(f"lost                 {sum(o.lost for o in outcomes)}, all runs")
    worker_ms = median(o.worker.cpu_ms_per_message for o in outcomes)
    bare_ms = median(o.bare.cpu_ms_per_message for o in outcomes)
    print(
        f"CPU per message      worker {worker_ms:.2f} ms, bare AsyncWebClient poster "
        f"{bare_ms:.2f} ms: {worker_ms / bare_ms:.1f}x  (process CPU from first to last post "
        "/ posts; runs: "
        + ", ".join(
            f"{o.worker.cpu_ms_per_message:.2f}/{o.bare.cpu_ms_per_message:.2f}" for o in outcomes
        )
        + ")"
    )
    print(
        f"peak RSS (sampled)   worker {median(o.worker.peak_rss_mb for o in outcomes):.0f} MiB, "
        f"bare poster {median(o.bare.peak_rss_mb for o in outcomes):.0f} MiB"
    )
    for outcome in outcomes:
        if "Traceback" in outcome.worker_output:
            print("worker output:\n" + outcome.worker_output[-3000:])


async def run(args: argparse.Namespace) -> None:
    report(args, [await run_once(args) for _ in range(args.repeats)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--ceiling", type=int, default=50, help="chat.postMessage calls/s")
    parser.add_argument("--history", type=int, default=0, help="rows already sent")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--concurrency", type=int, default=8, help="ROTNEM_OUTBOX_CONCURRENCY")
    parser.add_argument("--profile", help="run the worker under cProfile, stats to this file")
    parser.add_argument("--repeats", type=int, default=3, help="runs, each with fresh processes")
    parser.add_argument(
        "--workspaces",
        type=int,
        default=0,
        help="install by OAuth in this many workspaces and spread the messages over them",
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
