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

`--notices localized` sends, instead of plain-text `Rendered` notices, the kinds people get most,
in their language: a third weekly prompts (`PromptNotice`, built-in catalogue prompts, posted in
the pair's group DM, already opened at the introduction: the readers are the kind's partners) and
two thirds check-ins (`CheckinNotice`, a DM to a user ID; one in nine a reminder). Every message is
to its own pair of participants, inserted first with Slack locales spread over en-US, fr-FR, es-ES
and de-DE (one pair in five mixes two languages: the program's language, English), so each
message's language is a database read in the worker, as in a weekly fan-out where each person gets
one message; HR rewrote the prompts' frame and the check-in in English and French (`HR_WORDING`),
read by the worker with each claim. The after-send hooks update weekly prompt, pair and check-in
rows by id; there are none, so those UPDATEs match no row. The default (`Rendered`) mode runs too,
interleaved (rendered, localized, rendered, ...), and the worker's CPU per message of each is
compared. Then, in this process, over the same notices: rendering time per message (language of the
readers through a warm `Languages` cache, `speaking`, render, `to_dict`), against the same notices
rendered in their language with HR's wording, and in English with no language lookup nor wording
(what the worker did before languages); the language lookup alone with a cold cache (one SELECT),
and the wording's read per claim.

    python -m benchmarks.fanout                       # SQLite
    python -m benchmarks.fanout --history 100000
    python -m benchmarks.fanout --database postgresql --history 100000
    python -m benchmarks.fanout --workspaces 10 --ceiling 5 [--database postgresql]
    python -m benchmarks.fanout --notices localized [--messages 1500]
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
from bot.blocks.wording import in_wording
from bot.db import create_engine, create_sessionmaker
from bot.delivery.dispatcher import _SQLITE_DUE
from bot.delivery.outbox import METADATA_EVENT_TYPE, enqueue
from bot.i18n import DEFAULT_LANGUAGE, speaking
from bot.languages import Languages
from bot.notice_kinds import notice_kinds
from bot.sandbox import FakeSlack, installing
from bot.sandbox.fake_slack.calls import Call
from bot.services.checkins import CheckinNotice
from bot.services.notices import Notice, Rendered, Sent
from bot.services.prompts.builtin import MIRROR_PROMPTS, TOOL_PROMPTS
from bot.services.prompts.tick import PromptNotice
from bot.services.wording import wording_of
from models import OutboxMessage, Participant, WordingText
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


# Slack locales of the localized mode's participants: the four languages Rotnem speaks.
LOCALES = ("en-US", "fr-FR", "es-ES", "de-DE")


@dataclass(frozen=True)
class Outgoing:
    """One message of the queue: its notice, where it goes, and (localized mode) the pair of
    participants it concerns, (user ID, Slack locale) each."""

    team: str
    notice: Notice
    channel: str
    people: tuple[tuple[str, str], ...] = ()


def rendered_queue(count: int, teams: Sequence[str]) -> list[Outgoing]:
    """The default mode: plain text to a channel each, message n in workspace n mod len(teams)."""
    return [
        Outgoing(teams[n % len(teams)], Rendered(text=f"Hello number {n}"), f"C{n:07d}")
        for n in range(count)
    ]


def localized_queue(count: int, teams: Sequence[str]) -> list[Outgoing]:
    """The localized mode (see the module): message n about its own pair, in workspace n mod
    len(teams); a weekly prompt when n mod 3 is 0, else a check-in to the guide or the learner."""
    queue = []
    for n in range(count):
        guide, learner = f"UG{n:07d}", f"UL{n:07d}"
        guide_locale = LOCALES[n % len(LOCALES)]
        learner_locale = LOCALES[(n + 1) % len(LOCALES)] if n % 5 == 4 else guide_locale
        people = ((guide, guide_locale), (learner, learner_locale))
        notice: Notice
        if n % 3 == 0:
            teach = (n // 3) % 2 == 0
            if teach:
                tool, text, exercise = TOOL_PROMPTS[(n // 6) % len(TOOL_PROMPTS)]
            else:
                tool, text, exercise = None, MIRROR_PROMPTS[(n // 6) % len(MIRROR_PROMPTS)], None
            notice = PromptNotice(
                weekly_prompt_id=n + 1,
                pair_id=n + 1,
                direction="teach" if teach else "mirror",
                guide=guide,
                learner=learner,
                text=text,
                exercise=exercise,
                tool=tool,
                checkin_days=3,
                builtin=True,
            )
            # The pair's group DM, opened at the introduction: the kind names its readers.
            channel = f"G{n:07d}"
        else:
            to_guide = n % 3 == 1
            notice = CheckinNotice(
                checkin_id=n + 1,
                attempt=2 if n % 9 == 8 else 1,
                partner=learner if to_guide else guide,
            )
            channel = guide if to_guide else learner
        queue.append(Outgoing(teams[n % len(teams)], notice, channel, people))
    return queue


def queue_of(mode: str, count: int, teams: Sequence[str]) -> list[Outgoing]:
    return localized_queue(count, teams) if mode == LOCALIZED else rendered_queue(count, teams)


async def add_participants(url: str, queue: Sequence[Outgoing]) -> None:
    """The people the queue's notices concern, with their Slack locales, inserted in bulk."""
    engine = create_engine(url)
    now = datetime.now(UTC)
    rows = [
        {
            "team_id": outgoing.team,
            "user_id": user_id,
            "role": "guide" if user_id.startswith("UG") else "learner",
            "department": "Benchmarks",
            "capacity": 1,
            "display_name": user_id,
            "locale": locale,
            "state": "active",
            "joined_at": now,
            "updated_at": now,
        }
        for outgoing in queue
        for user_id, locale in outgoing.people
    ]
    async with create_sessionmaker(engine).begin() as session:
        for first in range(0, len(rows), 5000):
            await session.execute(insert(Participant), rows[first : first + 5000])
    await engine.dispose()


# HR's wording in the localized mode: the weekly prompts' frame and the check-in rewritten in
# English and French (Spanish and German readers get our translation).
HR_WORDING = {
    ("prompt_teach", "en"): "Your turn, {guide}: show {learner} *{tool}*.",
    ("prompt_teach", "fr"): "À vous, {guide} : montrez *{tool}* à {learner}.",
    ("prompt_mirror", "en"): "{learner}, tell {guide} how things really work here.",
    ("prompt_footer", "fr"): "20 minutes cette semaine ; je vous écris dans {days} jours.",
    ("checkin", "en"): "Quick one: did you & {partner} get together this week?",
    ("checkin", "fr"): "Alors, {partner} et vous, vous vous êtes vus cette semaine ?",
    ("checkin_reminder", "en"): "Asking again: did you and {partner} meet?",
}


async def add_wording(url: str, teams: Sequence[str]) -> None:
    """HR's wording (`HR_WORDING`) in every workspace of the queue."""
    engine = create_engine(url)
    now = datetime.now(UTC)
    rows = [
        {"team_id": team, "template": key, "language": lang, "text": text, "updated_at": now}
        for team in dict.fromkeys(teams)
        for (key, lang), text in HR_WORDING.items()
    ]
    async with create_sessionmaker(engine).begin() as session:
        await session.execute(insert(WordingText), rows)
    await engine.dispose()


async def enqueue_all(url: str, queue: Sequence[Outgoing]) -> float:
    """The queue, through the public `enqueue` (500 per transaction); returns seconds taken."""
    started = time.perf_counter()
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    now = datetime.now(UTC)
    for first in range(0, len(queue), 500):
        async with sessionmaker.begin() as session:
            for n in range(first, min(len(queue), first + 500)):
                await enqueue(
                    session,
                    team_id=queue[n].team,
                    dedupe_key=f"fanout:{n}",
                    notice=queue[n].notice,
                    channel=queue[n].channel,
                    now=now,
                )
    await engine.dispose()
    return time.perf_counter() - started


def readers_of(outgoing: Outgoing) -> Sequence[str]:
    """Whose language a message is rendered in, as the dispatcher decides it."""
    return KINDS[outgoing.notice.kind].read_by(outgoing.notice, None, outgoing.channel)


@dataclass
class Rendering:
    """In-process milliseconds per message, wall and CPU, medians over passes."""

    english: tuple[float, float]
    localized: tuple[float, float]
    worded: tuple[float, float]
    cold_lookup: tuple[float, float]
    # Reading HR's wording as the dispatcher does with each claim (one SELECT), per claim.
    wording_read: tuple[float, float]
    # Not rendering: what else the worker does for these kinds and not for `Rendered`.
    hooks: tuple[float, float]
    languages: Counter[str]


async def rendering(count: int, passes: int) -> Rendering:
    """Rendering the localized queue in this process (see the module), on a fresh SQLite
    database holding its participants."""
    workdir = Path(tempfile.mkdtemp(prefix="rotnem-fanout-render-"))
    url = f"sqlite+aiosqlite:///{workdir / 'render.db'}"
    await asyncio.to_thread(migrate.upgrade, url)
    queue = localized_queue(count, [TEAM])
    await add_participants(url, queue)
    await add_wording(url, [TEAM])
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    work = [(o, KINDS[o.notice.kind], readers_of(o)) for o in queue]

    async def lookups(languages: Languages) -> list[str]:
        return [
            await languages.of_readers(sessionmaker, o.team, readers, default=DEFAULT_LANGUAGE)
            for o, _, readers in work
        ]

    def english() -> None:
        for o, kind, _ in work:
            kind.render(o.notice).to_dict()

    warm = Languages()
    spoken = Counter(await lookups(warm))

    async def localized() -> None:
        for o, kind, readers in work:
            language = await warm.of_readers(
                sessionmaker, o.team, readers, default=DEFAULT_LANGUAGE
            )
            with speaking(language):
                kind.render(o.notice).to_dict()

    async with engine.connect() as connection:
        wording = (await wording_of(connection, [TEAM]))[TEAM]

    async def worded() -> None:
        for o, kind, readers in work:
            language = await warm.of_readers(
                sessionmaker, o.team, readers, default=DEFAULT_LANGUAGE
            )
            with speaking(language), in_wording(wording):
                kind.render(o.notice).to_dict()

    async def wording_reads() -> None:
        # One per claim of four rows (the dispatcher's batch at its default concurrency).
        async with engine.connect() as connection:
            for _ in range(0, count, 4):
                await wording_of(connection, [TEAM])

    async def cold() -> None:
        await lookups(Languages())

    async def english_pass() -> None:
        english()

    async def hooks() -> None:
        # As the dispatcher's completions run them: in one transaction per batch.
        async with sessionmaker.begin() as session:
            for o, kind, _ in work:
                if kind.after_send is not None:
                    await kind.after_send(session, o.notice, Sent(o.channel, "1700000000.000100"))

    timings: dict[str, list[tuple[float, float]]] = defaultdict(list)
    # One untimed pass each first (catalogs, Babel, caches), then interleaved timed passes.
    english()
    await localized()
    for _ in range(passes):
        for name, one in (
            ("english", english_pass),
            ("localized", localized),
            ("worded", worded),
            ("cold", cold),
            ("wording", wording_reads),
            ("hooks", hooks),
        ):
            wall, cpu = time.perf_counter(), time.process_time()
            await one()
            timings[name].append(
                (
                    (time.perf_counter() - wall) * 1000 / count,
                    (time.process_time() - cpu) * 1000 / count,
                )
            )
    await engine.dispose()

    def med(name: str) -> tuple[float, float]:
        runs = timings[name]
        return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)

    def per_claim(per_message: tuple[float, float]) -> tuple[float, float]:
        return per_message[0] * 4, per_message[1] * 4

    return Rendering(
        med("english"),
        med("localized"),
        med("worded"),
        med("cold"),
        per_claim(med("wording")),
        med("hooks"),
        spoken,
    )


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
RENDERED, LOCALIZED = "rendered", "localized"
KINDS = notice_kinds()


def profiled(path: str | None) -> list[str]:
    """Interpreter options that run the worker under cProfile, writing to `path`."""
    return ["-m", "cProfile", "-o", str(Path(path).resolve())] if path else []


async def run_once(args: argparse.Namespace, mode: str = RENDERED) -> Outcome:
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
            queue = queue_of(mode, args.messages, teams)
            if mode == LOCALIZED:
                await add_participants(url, queue)
                await add_wording(url, teams)
                for outgoing in queue:
                    for user_id, locale in outgoing.people:
                        slack.add_user(
                            user_id, real_name=user_id, locale=locale, team_id=outgoing.team
                        )
            enqueue_s = await enqueue_all(url, queue)
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


def report(args: argparse.Namespace, outcomes: list[Outcome], title: str | None = None) -> None:
    median = statistics.median
    teams = max(1, args.workspaces)
    ceiling = args.ceiling * teams
    last = outcomes[-1]
    if title:
        print(f"\n== {title}")
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
    if args.notices == RENDERED:
        report(args, [await run_once(args) for _ in range(args.repeats)])
        return
    # Interleaved, so that both modes see the same machine (load moves on a shared one).
    outcomes: dict[str, list[Outcome]] = {RENDERED: [], LOCALIZED: []}
    for _ in range(args.repeats):
        for mode in (RENDERED, LOCALIZED):
            outcomes[mode].append(await run_once(args, mode))
    report(args, outcomes[RENDERED], "Rendered plain-text notices to channels (the default mode)")
    report(
        args,
        outcomes[LOCALIZED],
        "weekly prompts and check-ins in their readers' languages (en/fr/es/de)",
    )
    plain, localized = (
        statistics.median(o.worker.cpu_ms_per_message for o in outcomes[mode])
        for mode in (RENDERED, LOCALIZED)
    )
    print("\n== localized against the default mode (worker process, same runs as above)")
    print(f"load average         {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"worker CPU/message   localized {localized:.2f} ms, Rendered {plain:.2f} ms: "
        f"{localized - plain:+.2f} ms ({localized / plain:.2f}x); runs, interleaved: "
        + ", ".join(
            f"{r.worker.cpu_ms_per_message:.2f}/{loc.worker.cpu_ms_per_message:.2f}"
            for r, loc in zip(outcomes[RENDERED], outcomes[LOCALIZED], strict=True)
        )
        + " (Rendered/localized)"
    )
    result = await rendering(args.messages, args.render_passes)
    spoken = ", ".join(f"{lang} {n}" for lang, n in sorted(result.languages.items()))
    print(
        f"\n== rendering in this process, {args.messages:,} notices ({spoken}); "
        f"ms per message, median of {args.render_passes} passes, wall (CPU)"
    )
    print(f"load average         {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for label, (wall, cpu) in (
        ("with HR's wording", result.worded),
        ("in their language", result.localized),
        ("English, no lookup", result.english),
        ("lookup, cold cache", result.cold_lookup),
        ("wording, per claim", result.wording_read),
        ("after-send hooks", result.hooks),
    ):
        print(f"{label:<20} {wall:.3f} ms ({cpu:.3f} ms CPU)")
    print(
        f"rendering in the recipient's language with the program's wording: "
        f"{result.worded[0]:.3f} ms per message (target <= 1 ms); "
        f"{result.worded[0] - result.english[0]:+.3f} ms over English without languages or "
        "wording. In their language: warm Languages cache + speaking + render + to_dict; with "
        "HR's wording: the same inside in_wording, HR's texts for the prompts' frame and the "
        "check-in in en/fr; wording per claim: the SELECT the dispatcher runs with each claim "
        "(ms per claim of 4 rows); cold: Languages.of_readers with nothing cached (one SELECT). "
        "After-send hooks (not rendering; Rendered has none): the kinds' 1-2 UPDATEs by id, "
        "matching no row."
    )


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
        "--notices",
        choices=[RENDERED, LOCALIZED],
        default=RENDERED,
        help="localized: weekly prompts and check-ins in their readers' languages, interleaved "
        "with runs of the default (Rendered) mode, plus rendering timed in this process",
    )
    parser.add_argument(
        "--render-passes", type=int, default=5, help="in-process rendering passes (localized)"
    )
    parser.add_argument(
        "--workspaces",
        type=int,
        default=0,
        help="install by OAuth in this many workspaces and spread the messages over them",
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
