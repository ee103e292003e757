"""`rotnem <args>` run inside the test process, as it would run as a fresh one: only the given
environment, the given working folder, logging not yet set up, and its own standard output and
error. Starting an interpreter costs a second of imports per call; where the process itself is
not what a test is about, this gives the same exit code and output without it.

The environment, the working folder and logging belong to the whole process, so one command runs
at a time; it runs on a thread of its own (it starts its own event loop), and only what that
thread prints or logs is its output.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from bot import cli

_ONE_AT_A_TIME = threading.Lock()
# The loggers `configure_logging` sets a level on, besides the root.
_CONFIGURED_LOGGERS = ("", "slack_bolt", "alembic.runtime.plugins")


class _ThisThread(io.TextIOBase):
    """A stream that keeps what the current thread writes and passes on what others write."""

    def __init__(self, others: TextIO) -> None:
        self._thread = threading.get_ident()
        self._others = others
        self.kept = io.StringIO()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        target = self.kept if threading.get_ident() == self._thread else self._others
        return target.write(text)

    def flush(self) -> None:
        self._others.flush()


@contextlib.contextmanager
def _fresh_logging() -> Iterator[None]:
    """No handlers on the root logger (so `logging.basicConfig` configures it, as at start-up),
    and every handler and level put back afterwards."""
    root = logging.getLogger()
    handlers = root.handlers[:]
    levels = {name: logging.getLogger(name).level for name in _CONFIGURED_LOGGERS}
    root.handlers = []
    try:
        yield
    finally:
        root.handlers = handlers
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_in_process(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`rotnem <args>` with `env` in `cwd`; blocks until it returns (call it on its own thread).
    An exception it does not handle propagates, where a process would print its traceback."""
    with _ONE_AT_A_TIME, _environment(env), contextlib.chdir(cwd), _fresh_logging():
        stdout, stderr = _ThisThread(sys.stdout), _ThisThread(sys.stderr)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = cli.main(list(args))
            except SystemExit as exit_:  # argparse refusing the arguments
                code = exit_.code if isinstance(exit_.code, int) else 1
    return subprocess.CompletedProcess(
        ["rotnem", *args], code, stdout.kept.getvalue(), stderr.kept.getvalue()
    )
