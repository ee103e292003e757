"""What junk costs `rotnem serve` now that a gate stands in front of the app.

Starts the real server as a subprocess against the fake Slack, then:

1. sends 40 MB bodies over a raw socket — unsigned with a Content-Length, unsigned chunked, and
   signed chunked (so the limit has to be enforced while reading) — and prints, for each, the
   time until the refusal arrives and the server's peak RSS growth meanwhile;
2. fires real signed `/rotnem help` commands at a steady rate, alone and then beside a second
   process sending junk at `--junk-rate` (unsigned, stale, forged signatures over 64 KB bodies,
   2 MB bodies), and prints the real commands' p50/p99 both times and the log written per
   refused request.

    python -m benchmarks.request_gate [--seconds 10] [--rate 100] [--junk-rate 200]

Targets: refused in < 100 ms with < 10 MB growth; the real commands' p99 unchanged within noise.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

from benchmarks._server import SIGNING_SECRET, memory_mb, rotnem_serve
from benchmarks.ack_latency import closed_loop, on_schedule, open_loop
from bot.sandbox import FakeSlack
from bot.sandbox.signing import sign

BIG = 40 * 1024 * 1024
CHUNK = b"j" * 65536


async def refuse_big_body(port: int, pid: int, *, chunked: bool, signed: bool) -> str:
    """Send a 40 MB body, stop at the answer; the time it took and the RSS peak it caused."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM starts again from VmRSS
    before = memory_mb(pid, "VmRSS")
    headers = {"Host": "bench", "Content-Type": "application/json"}
    if signed:
        headers |= sign(SIGNING_SECRET, CHUNK * (BIG // len(CHUNK)), int(time.time()))
    headers |= {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(BIG)}
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.perf_counter()
    writer.write(f"POST /slack/events HTTP/1.1\r\n{head}\r\n".encode())

    async def upload() -> None:
        frame = f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n" if chunked else CHUNK
        for _ in range(BIG // len(CHUNK)):
            writer.write(frame)
            await writer.drain()

    sending = asyncio.create_task(upload())
    status = (await reader.readline()).decode().split(" ", 2)[1]
    took = time.perf_counter() - started
    sending.cancel()
    writer.close()
    growth = memory_mb(pid) - before
    return f"HTTP {status} in {took * 1000:.1f} ms, peak RSS growth {growth:.1f} MB"


def _junk(n: int) -> tuple[bytes, dict[str, str]]:
    """One piece of junk, of a kind chosen by `n`."""
    now = int(time.time())
    kind = n % 4
    if kind == 0:  # unsigned
        return os.urandom(random.randint(1, 65536)), {"Content-Type": "application/json"}
    if kind == 1:  # signed five minutes too late
        body = b"payload=%7B%22type%22%3A%22block_actions%22%7D"
        return body, sign("not-our-secret", body, now - 600)
    if kind == 2:  # a forged signature over a body the gate must read and hash
        body = b"x" * 65536
        return body, {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": "v0=" + "0" * 64}
    return b"x" * (2 * 1024 * 1024), {"Content-Type": "application/x-www-form-urlencoded"}


async def _send_junk(url: str, seconds: float, rate: float) -> Counter[int]:
    statuses: Counter[int] = Counter()

    async def one(session: aiohttp.ClientSession, n: int) -> None:
        body, headers = _junk(n)
        try:
            async with session.post(url, data=body, headers=headers) as response:
                statuses[response.status] += 1
        except aiohttp.ClientError:
            statuses[0] += 1  # the server answered before the upload ended and moved on

    await on_schedule(seconds, rate, one)
    return statuses


def _junk_process(url: str, seconds: float, rate: float) -> None:
    statuses = asyncio.run(_send_junk(url, seconds, rate))
    print(f"  junk answered: {dict(sorted(statuses.items()))}")


def _percentiles(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {ordered[-1] * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=100, help="real commands per second")
    parser.add_argument("--junk-rate", type=float, default=200, help="junk requests per second")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack:
        log_path = Path(tmp) / "server.log"
        database_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        with (
            open(log_path, "wb") as log,
            rotnem_serve(slack, database_url, log=log) as (base, process),
        ):
            url = f"{base}/slack/events"
            port = int(base.rsplit(":", 1)[1])
            for label, chunked, signed in (
                ("unsigned, Content-Length 40 MB", False, False),
                ("unsigned, chunked 40 MB", True, False),
                ("signed, chunked 40 MB", True, True),
            ):
                result = asyncio.run(
                    refuse_big_body(port, process.pid, chunked=chunked, signed=signed)
                )
                print(f"{label}: {result}")

            asyncio.run(closed_loop(url, slack, 1, 10))  # warm-up
            alone = asyncio.run(open_loop(url, slack, args.seconds, args.rate))
            print(f"real commands at {args.rate:g}/s alone: {_percentiles(alone.latencies)}")
            log_before = log_path.stat().st_size
            junk = multiprocessing.Process(
                target=_junk_process, args=(url, args.seconds, args.junk_rate)
            )
            junk.start()
            beside = asyncio.run(open_loop(url, slack, args.seconds, args.rate))
            junk.join()
            print(
                f"real commands at {args.rate:g}/s beside {args.junk_rate:g} junk/s: "
                f"{_percentiles(beside.latencies)}"
            )
            refused = int(args.seconds * args.junk_rate)
            logged = log_path.stat().st_size - log_before
            print(f"  server log per refused request: {logged / refused:.0f} B")


if __name__ == "__main__":
    main()
