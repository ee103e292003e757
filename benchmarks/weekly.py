"""Benchmark of keeping pairs alive (a script, not a test: it prints figures, never asserts).

    python benchmarks/weekly.py                          # SQLite (a temporary file)
    python benchmarks/weekly.py --db postgresql          # a throwaway PostgreSQL database
    python benchmarks/weekly.py --pairs 1000              # a smaller program
    python benchmarks/weekly.py --reuse                  # keep/copy a populated template

Data: 20,000 participants (10,000 guides, 10,000 learners) in 12 time zones (UTC-8 … UTC+9),
10,000 active pairs in the current 12-week cycle, and one year of history: three earlier
cycles of 10,000 (ended) pairs, a weekly prompt per pair and week, a session for ~60 % of them
with both people's reports (~290,000 sessions, ~580,000 reports), and the current cycle's
check-ins. Populated with bulk inserts (then VACUUM ANALYZE on PostgreSQL, ANALYZE on SQLite: the
state autovacuum keeps a running database in), then measured on the real services:

* the tick with a full week's worth due (every one of the 10,000 pairs: Sunday 12:00 UTC, when
  Monday 10:00 has passed in all 12 zones): find due pairs, choose prompts, write
  `weekly_prompts` and the outbox rows; then the same tick again (nothing due: the every-minute
  cost), the check-ins three days later (20,000) and stall detection;
* `/rotnem admin stats` (`program_stats`) and the App Home reads for one person (profile,
  partners, past partners, pair progress), median of several runs.

The database is populated by this process; the measurements run in three fresh child
processes, each on its own copy of the populated database, and the summary gives each figure's
median and the load average (figures on a shared machine move with it). A child's "peak RSS"
(VmHWM: interpreter, SQLAlchemy and the tick's own data) is the tick's, not the population's.
On SQLite the full week and the check-ins have floors measured beside each run: the rows each
tick wrote, written again into an untouched copy by raw sqlite3 (one SELECT of what is due, an
executemany per table, one commit). Each tick prints what it wrote — rows, duplicate keys and a
digest of their content — so a faster tick shows it wrote the same thing. Wall time is
time.perf_counter() around each call; "cpu" is this process's CPU time (time.process_time():
Python and the driver, not the PostgreSQL server), steadier than wall time on a shared machine.

`--reuse` keeps the populated database as a template (SQLite: a file in the temporary folder;
PostgreSQL: a database `rotnem_bench_tpl_<pairs>_v<DATA_VERSION>`) and measures a copy of it,
upgraded to the current migration head, so a run takes seconds instead of minutes of
population. Bump DATA_VERSION when the population changes.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from bot import migrate  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.deps import build_deps  # noqa: E402
from bot.jobs.checkins import enqueue_checkins  # noqa: E402
from bot.jobs.prompts import enqueue_prompts  # noqa: E402
from bot.jobs.stalls import detect_stalls  # noqa: E402
from bot.services.calendar import iso_week  # noqa: E402
from bot.services.home import read_home  # noqa: E402
from bot.services.program.settings import defaults_from, program_config  # noqa: E402
from bot.services.program.stats import program_stats  # noqa: E402
from models import (  # noqa: E402
    CheckIn,
    OutboxMessage,
    Pair,
    PairSession,
    Participant,
    ParticipantTool,
    Prompt,
    Round,
    SessionReport,
    StallAlert,
    Tool,
    WeeklyPrompt,
    Workspace,
)

TEAM = "T0BENCH001"
ZONES = [
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Paris",
    "Europe/Helsinki",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
]
# The current cycle starts Monday 7 Sep 2026; the tick runs on Sunday 29 Nov (week 12).
CYCLE_START = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
TICK_AT = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
WEEKS = 12
# 3: migration 0009 (the figures read sessions, prompts and reports by ISO week).
DATA_VERSION = 3


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def bulk(session: Any, model: Any, rows: list[dict[str, Any]], chunk: int = 5000) -> None:
    """Core executemany (not the ORM's bulk path, which is far slower for this much data)."""
    connection = await session.connection()
    for start in range(0, len(rows), chunk):
        await connection.execute(insert(model.__table__), rows[start : start + chunk])


async def populate(deps: Any, n_pairs: int, rnd: random.Random) -> dict[str, int]:
    counts: dict[str, int] = {}
    async with deps.sessionmaker.begin() as session:
        await bulk(session, Workspace, [{"team_id": TEAM, "first_seen_at": CYCLE_START}])
        tools = list((await session.execute(select(Tool.id, Tool.name))).all())
        prompt_rows = (await session.execute(select(Prompt.id, Prompt.kind))).all()
        teach = [pid for pid, kind in prompt_rows if kind == "teach"]
        mirror = [pid for pid, kind in prompt_rows if kind == "mirror"]
        joined = CYCLE_START - timedelta(weeks=40)
        people = []
        for i in range(2 * n_pairs):
            role = "guide" if i < n_pairs else "learner"
            people.append(
                {
                    "id": i + 1,
                    "team_id": TEAM,
                    "user_id": f"U{i:08d}",
                    "role": role,
                    "department": f"dept{i % 40}",
                    "capacity": 1,
                    "tz": ZONES[i % len(ZONES)],
                    "display_name": f"Person {i}",
                    "state": "paused" if i % 97 == 0 else "active",
                    "paused_until": TICK_AT + timedelta(days=10) if i % 97 == 0 else None,
                    "joined_at": joined,
                    "updated_at": joined,
                }
            )
        await bulk(session, Participant, people)
        person_tools = []
        for i in range(2 * n_pairs):
            for tool_id, _ in rnd.sample(tools, 3):
                person_tools.append(
                    {
                        "participant_id": i + 1,
                        "direction": "teach" if i < n_pairs else "learn",
                        "tool_id": tool_id,
                    }
                )
        await bulk(session, ParticipantTool, person_tools)
        counts["participants"] = len(people)
        rounds_ = []
        for cycle in range(4):
            start = CYCLE_START - timedelta(weeks=WEEKS * (3 - cycle))
            rounds_.append(
                {
                    "id": cycle + 1,
                    "team_id": TEAM,
                    "status": "approved",
                    "source": "matching",
                    "proposal": {},
                    "decided_at": start,
                    "started_on": start.date(),
                    "ends_on": (start + timedelta(weeks=WEEKS)).date(),
                    "ended_at": None if cycle == 3 else start + timedelta(weeks=WEEKS),
                    "created_at": start,
                }
            )
        await bulk(session, Round, rounds_)
        Rows = list[dict[str, Any]]
        pairs: Rows = []
        prompts: Rows = []
        sessions: Rows = []
        reports_: Rows = []
        checkins: Rows = []
        pair_id = session_id = 0
        for cycle in range(4):
            start = CYCLE_START - timedelta(weeks=WEEKS * (3 - cycle))
            shift = rnd.randrange(n_pairs)
            current = cycle == 3
            weeks = 11 if current else WEEKS  # the current week's prompt is the tick's to send
            for g in range(n_pairs):
                pair_id += 1
                learner = n_pairs + (g + shift) % n_pairs + 1
                pair_tools = [name for _, name in rnd.sample(tools, 2)]
                pairs.append(
                    {
                        "id": pair_id,
                        "team_id": TEAM,
                        "round_id": cycle + 1,
                        "guide_id": g + 1,
                        "learner_id": learner,
                        "shared_tools": pair_tools,
                        "explanation": "",
                        "started_at": start,
                        "ended_at": None if current else start + timedelta(weeks=WEEKS),
                        "end_reason": None if current else "cycle_ended",
                        "group_channel_id": f"G{pair_id:09d}",
                    }
                )
                for w in range(weeks):
                    moment = start + timedelta(weeks=w, hours=2)
                    week = iso_week(moment)
                    direction = "teach" if w % 2 == 0 else "mirror"
                    prompt_id = (teach if direction == "teach" else mirror)[
                        (pair_id + w) % (len(teach) if direction == "teach" else len(mirror))
                    ]
                    prompts.append(
                        {
                            "team_id": TEAM,
                            "pair_id": pair_id,
                            "iso_week": week,
                            "prompt_id": prompt_id,
                            "direction": direction,
                            "tool_name": pair_tools[w // 2 % 2] if direction == "teach" else None,
                            "due_at": moment,
                            "created_at": moment,
                            "checkin_due_at": moment + timedelta(days=3),
                            "checkins_enqueued_at": moment + timedelta(days=3),
                        }
                    )
                    # A few current pairs go silent for their last 4 weeks (the at-risk ones).
                    silent = current and g % 50 == 0 and w >= weeks - 4
                    if rnd.random() < 0.6 and not silent:
                        session_id += 1
                        sessions.append(
                            {
                                "id": session_id,
                                "team_id": TEAM,
                                "pair_id": pair_id,
                                "iso_week": week,
                                "created_at": moment + timedelta(days=3),
                            }
                        )
                        for who, role in ((g + 1, "guide"), (learner, "learner")):
                            reports_.append(
                                {
                                    "team_id": TEAM,
                                    "session_id": session_id,
                                    "iso_week": week,
                                    "participant_id": who,
                                    "reporter_role": role,
                                    "tool_name": pair_tools[0] if w % 2 == 0 else None,
                                    "other_text": None if w % 2 == 0 else "How budgets work",
                                    "rating": rnd.randint(2, 5),
                                    "created_at": moment + timedelta(days=3),
                                }
                            )
        await bulk(session, Pair, pairs)
        await bulk(session, WeeklyPrompt, prompts)
        await bulk(session, PairSession, sessions)
        await bulk(session, SessionReport, reports_)
        ids = dict(
            (await session.execute(select(WeeklyPrompt.pair_id, WeeklyPrompt.id))).all()
        )  # any prompt id of each pair is enough for the check-in's foreign key
        for pair in pairs[-n_pairs:]:
            for w in range(10):
                week = iso_week(CYCLE_START + timedelta(weeks=w, hours=2))
                for who in (pair["guide_id"], pair["learner_id"]):
                    checkins.append(
                        {
                            "team_id": TEAM,
                            "pair_id": pair["id"],
                            "weekly_prompt_id": ids[pair["id"]],
                            "participant_id": who,
                            "user_id": f"U{who - 1:08d}",
                            "iso_week": week,
                            "status": "met" if (who + w) % 3 else "skipped",
                            "attempt": 1,
                            "asked_at": CYCLE_START + timedelta(weeks=w, days=3),
                            "answered_at": CYCLE_START + timedelta(weeks=w, days=3, hours=5),
                        }
                    )
        await bulk(session, CheckIn, checkins)
        counts |= {
            "pairs (all)": len(pairs),
            "weekly_prompts": len(prompts),
            "sessions": len(sessions),
            "reports": len(reports_),
            "checkins": len(checkins),
        }
    if deps.engine.dialect.name == "postgresql":
        async with deps.engine.connect() as connection:
            await connection.exec_driver_sql("COMMIT")
            # A year-old database has been autovacuumed: without the visibility map that
            # VACUUM sets, PostgreSQL cannot use the covering indexes for index-only scans.
            await connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        async with deps.engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE")
    return counts


# What the measuring child timed (label -> median wall and cpu seconds), handed to the parent.
FIGURES: dict[str, tuple[float, float]] = {}
RESULT = "RESULT "


async def timed(label: str, func: Any, repeat: int = 1) -> Any:
    times, cpus, result = [], [], None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = await func()
        times.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    shown = ", ".join(f"{t * 1000:.1f}" for t in times)
    extra = f" (median of {repeat}: {statistics.median(times) * 1000:.1f} ms)" if repeat > 1 else ""
    print(f"{label:<48} {shown} ms{extra}; cpu {statistics.median(cpus) * 1000:.0f} ms")
    FIGURES[label] = (statistics.median(times), statistics.median(cpus))
    return result


async def written(deps: Any, kind: str, table: Any) -> str:
    """What a tick wrote, as correctness evidence: the outbox rows of `kind` and the rows of
    `table` written at the tick's instant, their duplicates, and a digest of their content (ids
    and the outbox's own bookkeeping left out) that must not change when the code gets faster."""
    now = deps.clock.now()
    columns = [c for c in table.__table__.c if c.name != "id"]
    created = table.__table__.c.get("created_at", table.__table__.c.get("asked_at"))
    async with deps.engine.connect() as connection:
        notices = (
            await connection.execute(
                select(
                    OutboxMessage.dedupe_key,
                    OutboxMessage.notice,
                    OutboxMessage.channel,
                    OutboxMessage.open_users,
                    OutboxMessage.next_attempt_at,
                )
                .where(OutboxMessage.kind == kind, OutboxMessage.created_at == now)
                .order_by(OutboxMessage.id)
            )
        ).all()
        rows = (
            await connection.execute(
                select(*columns).where(created == now).order_by(table.__table__.c.id)
            )
        ).all()
    digest = hashlib.sha256()
    for key, notice, *rest in notices:
        # Ids of the rows the notice points at differ between backends and runs: left out.
        content = {k: v for k, v in notice.items() if not k.endswith("_id")}
        digest.update(repr((key, json.dumps(content, sort_keys=True), *rest)).encode())
    for row in rows:
        digest.update(repr(tuple(row)).encode())
    duplicates = len(notices) - len({key for key, *_ in notices})
    return (
        f"outbox {kind}: {len(notices)} rows, {duplicates} duplicate keys; "
        f"{table.__tablename__}: {len(rows)} rows; content digest {digest.hexdigest()[:12]}"
    )


async def home_reads(deps: Any, user_id: str) -> Any:
    """What the Home tab reads for one person (handlers.kit.publish_home)."""
    async with deps.sessionmaker() as session:
        config = await program_config(session, TEAM, defaults_from(deps.settings))
        return await read_home(session, TEAM, user_id, config, now=deps.clock.now())


def settings_for(url: str) -> Any:
    return load_settings(_env_file=None, database_url=url, rotnem_admins="UADMIN001")


async def prepare(url: str, n_pairs: int) -> None:
    settings = settings_for(url)
    await asyncio.to_thread(migrate.upgrade, settings.database_url)
    deps = build_deps(settings, clock=ManualClock(CYCLE_START))
    started = time.perf_counter()
    counts = await populate(deps, n_pairs, random.Random(2026))
    print(f"populated in {time.perf_counter() - started:.1f} s: {counts}", flush=True)
    await deps.engine.dispose()


async def run(url: str, n_pairs: int) -> None:
    settings = settings_for(url)
    clock = ManualClock(TICK_AT)
    deps = build_deps(settings, clock=clock)
    rnd = random.Random(7)
    rss_before = peak_rss_mb()
    result = await timed(FULL_WEEK, lambda: enqueue_prompts(deps))
    print(f"  -> {result.sent} prompts enqueued, {result.skipped} pairs skipped (paused)")
    print(f"  -> {await written(deps, 'prompt', WeeklyPrompt)}")
    print(f"  peak RSS {peak_rss_mb():.0f} MB (before the tick {rss_before:.0f} MB)")
    await timed("tick again, nothing due", lambda: enqueue_prompts(deps), repeat=3)
    clock.set(TICK_AT + timedelta(days=3))
    asked = await timed(CHECKINS, lambda: enqueue_checkins(deps))
    print(f"  -> {asked.asked} check-ins enqueued")
    print(f"  -> {await written(deps, 'checkin', CheckIn)}")
    await timed("check-in tick again, nothing due", lambda: enqueue_checkins(deps), repeat=3)
    found = await timed("stall detection (first run)", lambda: detect_stalls(deps))
    print(f"  -> {found} stalled pair(s) reported")
    print(f"  -> {await written(deps, 'stall_alert', StallAlert)}")
    await timed("stall detection (nothing new)", lambda: detect_stalls(deps), repeat=3)

    async def stats() -> Any:
        async with deps.sessionmaker() as session:
            config = await program_config(session, TEAM, defaults_from(deps.settings))
            return await program_stats(session, TEAM, config, now=clock.now(), zone=settings.zone)

    view = await timed("/rotnem admin stats (program_stats)", stats, repeat=7)
    figures = view.figures
    rate = figures.meetings.meet_rate
    print(
        f"  -> {figures.pairs.active} active pairs, {figures.meetings.sessions} sessions this "
        f"cycle, meet rate {rate if rate is None else format(rate, '.0%')}, "
        f"{len(view.at_risk)} at risk"
    )
    users = [f"U{rnd.randrange(2 * n_pairs):08d}" for _ in range(7)]
    queue = iter(users)
    await timed("App Home reads for one person", lambda: home_reads(deps, next(queue)), repeat=7)
    print(f"peak RSS at the end {peak_rss_mb():.0f} MB")
    await deps.engine.dispose()
    print(RESULT + json.dumps(FIGURES), flush=True)


async def _admin(dsn: str, sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


# The due pairs as the tick reads them (pairs, both people, no prompt this week yet).
DUE_SQL = """
SELECT p.id, p.guide_id, p.learner_id, p.shared_tools, p.group_channel_id, p.started_at,
       g.user_id, g.state, g.paused_until, l.user_id, l.state, l.paused_until, l.tz
FROM pairs p JOIN participants g ON g.id = p.guide_id JOIN participants l ON l.id = p.learner_id
WHERE p.team_id = ? AND p.ended_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM weekly_prompts w WHERE w.pair_id = p.id AND w.iso_week = ?)
"""


# The check-ins due as that tick reads them (prompts not yet asked about, their pair and both
# people, whether the week was reported).
CHECKINS_DUE_SQL = """
SELECT w.id, w.pair_id, w.iso_week, p.ended_at,
       EXISTS (SELECT 1 FROM pair_sessions s WHERE s.pair_id = w.pair_id
               AND s.iso_week = w.iso_week),
       p.guide_id, p.learner_id, g.user_id, g.state, g.paused_until,
       l.user_id, l.state, l.paused_until
FROM weekly_prompts w JOIN pairs p ON p.id = w.pair_id
     JOIN participants g ON g.id = p.guide_id JOIN participants l ON l.id = p.learner_id
WHERE w.checkins_enqueued_at IS NULL AND w.prompt_id IS NOT NULL AND w.team_id = ?
  AND w.checkin_due_at <= ?
"""


def _copied(
    source: sqlite3.Connection, table: str, where: str, *args: Any
) -> tuple[str, list[Any]]:
    """An INSERT of `table`'s rows matching `where` in `source` (all columns but the ID, in ID
    order, as the tick wrote them) and those rows. Later steps of the benchmark mark the
    prompts' check-ins enqueued: the prompts are copied as the weekly tick left them."""
    names = [row[1] for row in source.execute(f"PRAGMA table_info({table})")]
    names.remove("id")
    shown = ["NULL" if n == "checkins_enqueued_at" else n for n in names]
    rows = source.execute(
        f"SELECT {', '.join(shown)} FROM {table} WHERE {where} ORDER BY id", args
    ).fetchall()
    marks = ", ".join("?" for _ in names)
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows


def raw_sqlite_floors(measured: Path, untouched: Path) -> dict[str, tuple[float, float]]:
    """The floors (wall and cpu s) of the full-week tick and of the check-ins: the rows each
    wrote into `measured`, written again into `untouched` (the same database before the
    ticks) with raw sqlite3 — one SELECT of what is due, an executemany per table, one commit —
    with no choosing, no ORM, no RETURNING. Prompts and check-ins get the IDs the ticks gave
    them (the same inserts in the same order), so the check-ins' references hold."""
    week = iso_week(TICK_AT)  # the week of every zone at the tick
    with closing(sqlite3.connect(measured)) as source:
        weekly = [
            _copied(source, "weekly_prompts", "iso_week = ?", week),
            _copied(source, "outbox_messages", "kind = 'prompt'"),
        ]
        asking = [
            _copied(source, "checkins", "iso_week = ?", week),
            _copied(source, "outbox_messages", "kind = 'checkin'"),
        ]
        # As stored (SQLAlchemy's text form of a timestamp in SQLite).
        prompted = source.execute(
            "SELECT DISTINCT asked_at, weekly_prompt_id FROM checkins WHERE iso_week = ?", (week,)
        ).fetchall()
    asked_at = prompted[0][0]
    floors: dict[str, tuple[float, float]] = {}
    with closing(sqlite3.connect(untouched)) as target:
        target.execute("PRAGMA foreign_keys=ON")
        started, cpu = time.perf_counter(), time.process_time()
        target.execute(DUE_SQL, (TEAM, week)).fetchall()
        for sql, rows in weekly:
            target.executemany(sql, rows)
        target.commit()
        floors[FLOOR] = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        target.execute(CHECKINS_DUE_SQL, (TEAM, asked_at)).fetchall()
        for sql, rows in asking:
            target.executemany(sql, rows)
        target.executemany(
            "UPDATE weekly_prompts SET checkins_enqueued_at = ? WHERE id = ?", prompted
        )
        target.commit()
        floors[CHECKIN_FLOOR] = time.perf_counter() - started, time.process_time() - cpu
    return floors


@dataclass(frozen=True)
class Bench:
    """A benchmark on the big database: its name (of its templates), its script (run again as
    the measuring child), how it populates a database and what it measures; how many measuring
    processes (each on a fresh copy, the summary gives their medians) and, for SQLite, floors
    measured beside each run (from the measured copy and an untouched one), by label."""

    name: str
    script: str
    prepare: Callable[[str, int], Coroutine[Any, Any, None]]
    run: Callable[[str, int], Coroutine[Any, Any, None]]
    version: int
    runs: int = 1
    floors: Callable[[Path, Path], dict[str, tuple[float, float]]] | None = None


FULL_WEEK = "tick, full week due (prompts + outbox)"
CHECKINS = "check-ins due 3 days later"
FLOOR = "floor: the same rows by raw sqlite3"
CHECKIN_FLOOR = "floor: the same check-ins by raw sqlite3"
WEEKLY = Bench("weekly", __file__, prepare, run, DATA_VERSION, runs=3, floors=raw_sqlite_floors)


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(bench: Bench, url: str, n_pairs: int) -> dict[str, tuple[float, float]]:
    """One measuring process on a copy of a template, brought to the current head (new indexes
    on existing data); its output echoed, its figures returned."""
    migrate.upgrade(url)
    asyncio.run(_analyze(url))
    child = subprocess.run(
        [sys.executable, bench.script, "--measure", url, "--pairs", str(n_pairs)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    figures: dict[str, tuple[float, float]] = {}
    for line in child.stdout.splitlines():
        if line.startswith(RESULT):
            figures = json.loads(line.removeprefix(RESULT))
        else:
            print(line, flush=True)
    return figures


def summarize(runs: list[dict[str, tuple[float, float]]]) -> None:
    """Each figure's median over the measuring processes, and the ticks against their floors."""
    if not any(runs):
        return
    print(f"\nmedians of {len(runs)} fresh processes; load average now {load_average()}")
    medians = {}
    for label in runs[0]:
        walls = [run[label][0] for run in runs if label in run]
        cpus = [run[label][1] for run in runs if label in run]
        medians[label] = statistics.median(walls)
        shown = ", ".join(f"{v * 1000:.1f}" for v in walls)
        print(
            f"  {label:<46} {medians[label] * 1000:8.1f} ms  ({shown}); "
            f"cpu {statistics.median(cpus) * 1000:.0f} ms"
        )
    for figure, floor in ((FULL_WEEK, FLOOR), (CHECKINS, CHECKIN_FLOOR)):
        if figure in medians and floor in medians:
            print(f"  {figure} / {floor}: {medians[figure] / medians[floor]:.1f}x")


async def _analyze(url: str) -> None:
    deps = build_deps(settings_for(url), clock=ManualClock(CYCLE_START))
    if deps.engine.dialect.name == "postgresql":
        async with deps.engine.connect() as connection:
            await connection.exec_driver_sql("COMMIT")
            # A year-old database has been autovacuumed: without the visibility map that
            # VACUUM sets, PostgreSQL cannot use the covering indexes for index-only scans.
            await connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        async with deps.engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE")
    await deps.engine.dispose()


def measure_sqlite(bench: Bench, n_pairs: int, reuse: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "template.db"
        if reuse:
            template = (
                Path(tempfile.gettempdir())
                / f"rotnem-bench-{bench.name}-{n_pairs}-v{bench.version}.db"
            )
        if not template.exists():
            asyncio.run(bench.prepare(f"sqlite+aiosqlite:///{template}.part", n_pairs))
            Path(f"{template}.part").rename(template)
        runs = []
        for attempt in range(bench.runs):
            print(f"\n== run {attempt + 1} of {bench.runs} (load average {load_average()})")
            copy, untouched = Path(folder) / f"{bench.name}.db", Path(folder) / "untouched.db"
            shutil.copyfile(template, copy)
            if bench.floors:
                shutil.copyfile(template, untouched)
            figures = measure(bench, f"sqlite+aiosqlite:///{copy}", n_pairs)
            if bench.floors:
                migrate.upgrade(f"sqlite+aiosqlite:///{untouched}")
                floors = bench.floors(copy, untouched)
                for label, (wall, _cpu) in floors.items():
                    print(f"{label:<48} {wall * 1000:.1f} ms")
                figures.update(floors)
            runs.append(figures)
            for path in Path(folder).glob(f"{bench.name}.db*"):
                path.unlink()
        summarize(runs)


async def _exists(dsn: str, name: str) -> bool:
    import asyncpg

    connection = await asyncpg.connect(dsn)
    try:
        found = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
    finally:
        await connection.close()
    return bool(found)


def measure_postgresql(bench: Bench, n_pairs: int, reuse: bool) -> None:
    admin = os.environ.get("ROTNEM_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
    base = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    # (The weekly benchmark's templates keep their first name.)
    kind = "" if bench is WEEKLY else f"{bench.name}_"
    template = f"rotnem_bench_{kind}tpl_{n_pairs}_v{bench.version}"
    if not reuse:
        template = f"rotnem_bench_tpl_{secrets.token_hex(4)}"
    if not asyncio.run(_exists(admin, template)):
        name = f"rotnem_bench_{secrets.token_hex(4)}"
        asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
        try:
            asyncio.run(bench.prepare(f"{base}/{name}", n_pairs))
            asyncio.run(_admin(admin, f'ALTER DATABASE "{name}" RENAME TO "{template}"'))
        except BaseException:
            asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            raise
    runs = []
    try:
        for attempt in range(bench.runs):
            print(f"\n== run {attempt + 1} of {bench.runs} (load average {load_average()})")
            name = f"rotnem_bench_{secrets.token_hex(4)}"
            asyncio.run(_admin(admin, f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
            try:
                runs.append(measure(bench, f"{base}/{name}", n_pairs))
            finally:
                asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        if not reuse:
            asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
    summarize(runs)


def main(bench: Bench = WEEKLY, description: str = __doc__) -> None:
    parser = argparse.ArgumentParser(description=description.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the populated database as a template"
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        asyncio.run(bench.run(args.measure, args.pairs))
        return
    print(f"backend {args.db}, {2 * args.pairs} participants, {args.pairs} active pairs")
    if args.db == "sqlite":
        measure_sqlite(bench, args.pairs, args.reuse)
    else:
        measure_postgresql(bench, args.pairs, args.reuse)


if __name__ == "__main__":
    main()
