"""Idle memory of Rotnem's processes beside a bare Bolt app: resident set size (VmRSS) of a
freshly started `rotnem serve`, `rotnem worker` and, as the floor, a bare slack-bolt `AsyncApp`
on the same uvicorn/Starlette adapter, alone and holding the libraries Rotnem's design fixes
beside Bolt (SQLAlchemy's asyncio ORM, pydantic-settings, APScheduler: `bare_bolt.STACK`) —
each started, left idle for `--settle` seconds once it answers (/healthz, or for the worker its
"dispatcher started" log line), then measured and stopped. Contenders are interleaved; medians
of `--repeats` fresh processes. Also lists which compiled scientific libraries each process has
mapped (none is needed before it does work; tests/test_imports.py checks the pure-Python ones,
such as Alembic, too).

    python -m benchmarks.memory [--repeats 3] [--settle 2] [--database postgresql]

Figures, not asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from benchmarks._server import memory_mb, rotnem_serve
from benchmarks.bare_bolt import bare_bolt_serve
from benchmarks.fanout import admin, throwaway_database
from bot import migrate
from bot.sandbox import FakeSlack
from bot.sandbox.fake_slack import DEFAULT_TOKEN

ROOT = Path(__file__).resolve().parents[1]
# Compiled libraries a process should load only when it uses them (seen in /proc/<pid>/maps).
HEAVY = ("numpy", "scipy", "matplotlib", "PIL")


def settle_and_measure(pid: int, settle: float) -> float:
    time.sleep(settle)
    return memory_mb(pid, "VmRSS")


@contextmanager
def bare_bolt(slack: FakeSlack, *, stack: bool = False) -> Iterator[int]:
    """The floor: the bare Bolt app `benchmarks.ack_latency` measures beside Rotnem (with
    `stack`, also holding the libraries Rotnem loads: what no Rotnem process can go below)."""
    with bare_bolt_serve(slack, stack=stack) as (_, process):
        yield process.pid


@contextmanager
def rotnem_worker(slack: FakeSlack, url: str, workdir: Path) -> Iterator[int]:
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}},
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": DEFAULT_TOKEN,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": url,
        "LOG_LEVEL": "INFO",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "worker"],
        env=env,
        cwd=workdir,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if "Background started" in line:
                break
        else:
            raise RuntimeError(f"rotnem worker exited with {process.wait()}")
        yield process.pid
    finally:
        process.terminate()
        process.communicate(timeout=15)


def loaded_heavy(pid: int) -> list[str]:
    """The libraries of HEAVY whose shared objects the process has mapped."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return [name for name in HEAVY if f"/{name}/" in maps]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--settle", type=float, default=2.0, help="idle seconds before measuring")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="rotnem-memory-"))
    url, pg_name = asyncio.run(throwaway_database(args.database, workdir, "memory"))
    figures: dict[str, list[float]] = {}
    heavy: dict[str, set[str]] = {}
    try:
        migrate.upgrade(url)
        with FakeSlack() as slack:

            def serve(*flags: str) -> Callable[[], AbstractContextManager[int]]:
                @contextmanager
                def started() -> Iterator[int]:
                    with rotnem_serve(slack, url, "--no-migrate", *flags) as (_, process):
                        yield process.pid

                return started

            contenders: dict[str, Callable[[], AbstractContextManager[int]]] = {
                "rotnem serve": serve(),
                "rotnem serve --no-scheduler": serve("--no-scheduler"),
                "rotnem worker": lambda: rotnem_worker(slack, url, workdir),
                "bare Bolt (floor)": lambda: bare_bolt(slack),
                "bare Bolt + Rotnem's libraries": lambda: bare_bolt(slack, stack=True),
            }
            for _ in range(args.repeats):
                for name, start in contenders.items():
                    with start() as pid:
                        figures.setdefault(name, []).append(settle_and_measure(pid, args.settle))
                        heavy.setdefault(name, set()).update(loaded_heavy(pid))
    finally:
        if pg_name is not None:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))

    floor = statistics.median(figures["bare Bolt (floor)"])
    print(f"load average   {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"database       {args.database}; idle {args.settle:g}s after start; VmRSS, MB")
    print(f"{'process':<30} {'median':>7} {'runs':<22} {'x floor':>7}  scientific libraries loaded")
    for name, values in figures.items():
        runs = ", ".join(f"{v:.0f}" for v in values)
        median = statistics.median(values)
        libraries = ", ".join(sorted(heavy[name])) or "none"
        print(f"{name:<30} {median:>7.1f} {runs:<22} {median / floor:>7.2f}  {libraries}")


if __name__ == "__main__":
    main()
