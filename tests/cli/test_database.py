"""Every `rotnem` command as an operator meets it with a database that is not there: a dead port,
a PostgreSQL database that does not exist, an unknown role, a SQLite path in a missing folder (two
lines naming DATABASE_URL, exit code 2, no traceback); and on a fresh folder (the schema brought
up to date, or one line saying to run `rotnem migrate`, never `no such table`)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.sandbox.process import free_port
from tests.databases import postgres_url, require_postgres
from tests.factories import BOT_TOKEN, SIGNING_SECRET, bare_environment, run_rotnem
from tests.in_process import run_in_process

# Every command that uses the database, with the arguments it needs.
COMMANDS = {
    "serve": ("serve",),
    "serve --no-migrate": ("serve", "--no-migrate"),
    "worker": ("worker",),
    "migrate": ("migrate",),
    "outbox": ("outbox",),
    "outbox retry": ("outbox", "retry", "--failed"),
    "pair": ("pair", "--dry-run"),
    "nudge": ("nudge", "--now"),
    "checkin": ("checkin", "--now"),
    "export": ("export", "pairs"),
}


def rotnem(cwd: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`rotnem <args>` in `cwd` with only `database_url` and the tokens set. `serve` and `worker`
    run until stopped, so they are real processes (one that failed to refuse would otherwise
    hang the test); every other command runs in this process, as a fresh one would run it."""
    env = bare_environment(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        PORT=str(free_port()),
    )
    run = run_rotnem if args[0] in ("serve", "worker") else run_in_process
    return run(*args, env=env, cwd=cwd)


def in_parallel(
    runs: dict[str, tuple[Path, str, *tuple[str, ...]]],
) -> dict[str, subprocess.CompletedProcess[str]]:
    """`rotnem(*run)` for each run, as many at once as there are cores."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = {name: pool.submit(rotnem, *run) for name, run in runs.items()}
        return {name: future.result() for name, future in futures.items()}


def assert_refused(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    """Exit code 2 and two lines on standard error naming DATABASE_URL and what failed."""
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output, output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, output
    assert "DATABASE_URL" in lines[0], output
    for text in expected:
        assert text in lines[0], output


def test_nothing_listening_on_the_port_is_two_lines_and_exit_2(tmp_path: Path) -> None:
    url = f"postgresql://rotnem@127.0.0.1:{free_port()}/rotnem"
    results = in_parallel({name: (tmp_path, url, *args) for name, args in COMMANDS.items()})
    for result in results.values():
        assert_refused(result, "connection refused")


def test_a_missing_postgresql_database_and_an_unknown_role(tmp_path: Path) -> None:
    require_postgres()
    missing = postgres_url("rotnem_no_such_database")
    for command in ("serve", "export"):
        assert_refused(
            rotnem(tmp_path, missing, *COMMANDS[command]),
            'database "rotnem_no_such_database" does not exist',
        )
    stranger = missing.replace("postgres@", "rotnem_no_such_role:secret@")
    result = rotnem(tmp_path, stranger, "migrate")
    assert_refused(result, 'role "rotnem_no_such_role" does not exist')
    assert "secret" not in result.stderr, "the password is never printed"


def test_a_sqlite_file_in_a_missing_folder_or_that_is_a_folder(tmp_path: Path) -> None:
    nowhere = f"sqlite:///{tmp_path / 'gone' / 'rotnem.db'}"
    for command in ("serve", "outbox"):
        assert_refused(
            rotnem(tmp_path, nowhere, *COMMANDS[command]),
            f"the folder {tmp_path / 'gone'} does not exist",
        )
    assert not (tmp_path / "gone").exists()
    folder = f"sqlite:///{tmp_path}"
    assert_refused(rotnem(tmp_path, folder, "migrate"), "is a folder, not a database file")


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "rotnem.db"
    junk.write_text("not a database")
    assert_refused(rotnem(tmp_path, f"sqlite:///{junk}", "migrate"), "is not a SQLite database")


# What each command answers on a fresh folder, and its exit code.
FRESH = {
    # Commands that only read, and processes that leave migrating to the release step:
    "outbox": ("run `rotnem migrate` first", 2),
    "export": ("run `rotnem migrate` first", 2),
    "worker": ("run `rotnem migrate` first", 2),
    "serve --no-migrate": ("run `rotnem migrate` first", 2),
    # Commands that change data bring the schema up to date first, like `rotnem serve`:
    "pair": ("No workspace has used the bot yet", 2),
    "nudge": ("Enqueued 0 weekly prompt(s)", 0),
    "checkin": ("Enqueued 0 check-in(s)", 0),
    "outbox retry": ("Re-queued 0 failed message(s).", 0),
}


def test_every_command_on_a_fresh_folder(tmp_path: Path) -> None:
    folders = {name: tmp_path / name.replace(" ", "_") for name in FRESH}
    for folder in folders.values():
        folder.mkdir()
    results = in_parallel(
        {name: (folders[name], "sqlite:///rotnem.db", *COMMANDS[name]) for name in FRESH}
    )
    for name, (answer, code) in FRESH.items():
        result = results[name]
        output = result.stdout + result.stderr
        assert result.returncode == code, (name, output)
        assert answer in output, (name, output)
        assert "no such table" not in output and "Traceback" not in output, (name, output)
        # A read leaves no empty database file behind; a write leaves a migrated one.
        wrote = code == 0 or name == "pair"
        assert (folders[name] / "rotnem.db").exists() == wrote, name


def test_an_old_schema_is_named_and_a_newer_one_refused(tmp_path: Path) -> None:
    url = "sqlite:///rotnem.db"
    assert rotnem(tmp_path, url, "migrate").returncode == 0
    with sqlite3.connect(tmp_path / "rotnem.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '0007'")
    older = rotnem(tmp_path, url, "worker")
    assert older.returncode == 2
    assert "older than this version of Rotnem: run `rotnem migrate`" in older.stderr
    with sqlite3.connect(tmp_path / "rotnem.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    newer = rotnem(tmp_path, url, "migrate")
    assert newer.returncode == 2 and "revision 9999" in newer.stderr, newer.stderr
    assert "Traceback" not in newer.stderr
