"""`rotnem serve` as a real subprocess against the fake Slack: for tests that kill it and for
the benchmarks that measure it from outside."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import httpx

from bot.sandbox import installing
from bot.sandbox.fake_slack import DEFAULT_TOKEN, FakeSlack

SIGNING_SECRET = "sandbox-signing-secret"


def free_port() -> int:
    """A port nothing listens on (the OS just handed it out and it was closed again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def rotnem_serve(
    slack: FakeSlack,
    database_url: str,
    *flags: str,
    log: IO[bytes] | None = None,
    oauth: bool = False,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Yield (base URL, process) of a healthy `python -m bot serve` (its log to `log`, or
    stderr); stopped, if still running, when the block ends. With `oauth`, it installs by OAuth
    (`bot.sandbox.installing`) instead of using the fake's one bot token."""
    port = free_port()
    if oauth:
        installing.accept_app(slack)
    credentials = installing.OAUTH_ENVIRONMENT if oauth else {"SLACK_BOT_TOKEN": DEFAULT_TOKEN}
    environment = {
        **{name: value for name, value in os.environ.items() if name != "SLACK_BOT_TOKEN"},
        **credentials,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", *flags], env=environment, stderr=log
    )
    with healthy(process, f"http://127.0.0.1:{port}", "rotnem serve") as base:
        yield base, process


@contextmanager
def healthy(process: subprocess.Popen[bytes], base: str, name: str) -> Iterator[str]:
    """Yield `base` once the server `process` answers `/healthz` with 200 (within 30 s);
    stopped, if still running, when the block ends."""
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not become healthy in 30 s")
            time.sleep(0.02)
        yield base
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=15)
