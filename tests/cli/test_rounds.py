"""`rotnem pair` as an operator runs it against the test's database (in this process, as a fresh
one would run it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from models import OutboxMessage, Pair, Round
from tests.factories import ANA, CARLA, EVE, Program, cohort, run_cli


async def rotnem(program: Program, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return await run_cli(program, tmp_path, "pair", *args, ROTNEM_ADMINS="UADMIN001")


async def test_dry_run_prints_a_table_and_changes_nothing(program: Program, tmp_path: Path) -> None:
    await cohort(program)
    result = await rotnem(program, tmp_path, "--dry-run", "--team", program.team_id)
    assert result.returncode == 0, result.stderr
    assert "2 pair(s), 1 without a partner" in result.stdout
    assert f"Ana Guide ({ANA})" in result.stdout and f"Carla Lead ({CARLA})" in result.stdout
    assert f"Eve Exec ({EVE})" in result.stdout and "TikTok" in result.stdout
    assert "Dry run" in result.stdout
    assert await program.count(Round) == 0 and await program.count(OutboxMessage) == 0


async def test_bad_usage_exits_2(program: Program, tmp_path: Path) -> None:
    result = await rotnem(program, tmp_path, "--dry-run", "--yes")
    assert result.returncode == 2 and "not allowed with" in result.stderr
    # No workspace has used the bot yet: nothing to guess.
    result = await rotnem(program, tmp_path, "--dry-run")
    assert result.returncode == 2 and "No workspace" in result.stderr


async def test_yes_approves_and_queues_the_introductions(program: Program, tmp_path: Path) -> None:
    await cohort(program)
    await program.command("help")  # the workspace becomes known to the bot
    result = await rotnem(program, tmp_path, "--yes")
    assert result.returncode == 0, result.stderr
    assert "Approved round" in result.stdout and "2 introduction(s) queued" in result.stdout
    assert await program.count(Pair) == 2
    await program.deliver_all()
    assert len([c for c in program.slack.calls("conversations.open") if c.ok]) == 2
