"""`rotnem workspace delete`: a workspace's data deleted for good, only after a confirmation."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from bot import cli
from bot.db import create_engine, create_sessionmaker
from bot.delivery.outbox import enqueue
from bot.services import tools
from bot.services.events import claim_event
from bot.services.installs import record_install
from bot.services.notices import Rendered
from bot.services.prompts.catalogue import add_prompt
from models import Base, Prompt, SlackBots, Tool
from tests.factories import ADMIN_ID, BOTH_BACKENDS, Program

ACME = "T0ACME001"
BETA = "T0BETA001"
ORG = "E0GRID001"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def keep_data(url: str) -> None:
    """Two workspaces and an org-wide install, each with a little of everything (a weekly
    prompt HR wrote there too)."""
    engine = create_engine(url)
    async with create_sessionmaker(engine).begin() as session:
        for key in (ACME, BETA, ORG):
            await record_install(session, key, ORG if key == ORG else None, NOW)
            await claim_event(session, key, f"Ev{key}", NOW)
            await add_prompt(
                session,
                key,
                kind="mirror",
                text=f"How does {key} approve a budget?",
                exercise=None,
                tool_name=None,
                actor_id=ADMIN_ID,
                now=NOW,
            )
            await enqueue(
                session,
                team_id=key,
                dedupe_key=f"hello:{key}",
                notice=Rendered(text="hello"),
                channel="C1",
                now=NOW,
            )
            await session.execute(
                insert(SlackBots).values(
                    client_id="111.222",
                    app_id="A0APP",
                    enterprise_id=ORG if key == ORG else None,
                    team_id=None if key == ORG else key,
                    bot_token=f"xoxb-{key}",
                    is_enterprise_install=key == ORG,
                    installed_at=NOW.replace(tzinfo=None),
                )
            )
    await engine.dispose()


async def rows_by_key(url: str) -> dict[str, int]:
    """Rows in every keyed table, by the key they are kept under (the shared tool and prompt
    catalogues are kept under none)."""
    engine = create_engine(url)
    counts: dict[str, int] = {}
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if "team_id" not in table.c:
                continue
            key = (
                func.coalesce(table.c.team_id, table.c.enterprise_id)
                if "enterprise_id" in table.c
                else table.c.team_id
            )
            for value, n in (
                await connection.execute(select(key, func.count()).group_by(key))
            ).all():
                if value is not None:
                    counts[value] = counts.get(value, 0) + n
    await engine.dispose()
    return counts


@BOTH_BACKENDS
async def test_rotnem_workspace_delete(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await keep_data(database_url)
    before = await rows_by_key(database_url)
    assert before == {ACME: 5, BETA: 5, ORG: 5}
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)

    async def rotnem(*args: str, typed: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(typed + "\n"))
        code = await asyncio.to_thread(cli.main, list(args))
        out, err = capsys.readouterr()
        return code, out, err

    code, _, err = await rotnem("workspace", "delete", "T0NOBODY1")
    assert code == 2
    assert "No data is kept for T0NOBODY1: nothing to delete." in err

    code, out, err = await rotnem("workspace", "delete", ACME, typed=BETA)
    assert code == 1 and "Nothing was deleted." in err
    assert "outbox_messages" in out and "slack_bots" in out and "workspaces" in out
    assert await rows_by_key(database_url) == before

    code, out, _ = await rotnem("workspace", "delete", ACME, typed=ACME)
    assert code == 0 and f"Deleted 5 row(s) kept for {ACME}." in out
    assert await rows_by_key(database_url) == {BETA: 5, ORG: 5}

    code, out, _ = await rotnem("workspace", "delete", ORG, "--yes")
    assert code == 0 and f"Deleted 5 row(s) kept for {ORG}." in out
    assert await rows_by_key(database_url) == {BETA: 5}


async def catalogue_rows(url: str) -> tuple[set[str], set[int]]:
    """The tools (by name and key) and the prompts (by id) kept."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(select(Tool.name, Tool.team_id))
            kept = {f"{name}@{key}" for name, key in found.all()}
            return kept, set(await connection.scalars(select(Prompt.id)))
    finally:
        await engine.dispose()


@BOTH_BACKENDS
async def test_deleting_a_running_program_leaves_only_the_shared_catalogue(
    program: Program,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """People, their tools and history, pairs, prompts and check-ins, the outbox, the programs'
    own tools and the prompts HR wrote in them: all of it goes, including rows that hang off a
    participant without a team column of their own."""
    shared = await catalogue_rows(database_url)
    sprint = await program.new_program("AI sprint")
    async with program.bot.deps.sessionmaker.begin() as session:
        for key in (program.team_id, sprint):
            await tools.add_tool(session, key, "Notion AI", "ask your wiki", actor_id=ADMIN_ID)
            await tools.remove_tool(session, key, "TikTok", now=program.clock.now())
            await add_prompt(
                session,
                key,
                kind="teach",
                text="Ask it about a project",
                exercise=None,
                tool_name="Notion AI",
                actor_id=ADMIN_ID,
                now=program.clock.now(),
            )
            await add_prompt(
                session,
                key,
                kind="mirror",
                text="Show us the org chart",
                exercise=None,
                tool_name=None,
                actor_id=ADMIN_ID,
                now=program.clock.now(),
            )
    await program.pair("U0DELG001", "U0DELL001", tools=("Notion AI",))
    await program.pair("U0DELG002", "U0DELL002", tools=("Notion AI",), program=sprint)
    await program.nudge_now()
    await program.checkin_now()
    await program.deliver()
    catalogue = {"tools", "prompts"}
    engine = create_engine(database_url)

    async def leftovers() -> dict[str, int]:
        async with engine.connect() as connection:
            return {
                table.name: n
                for table in Base.metadata.sorted_tables
                if table.name not in catalogue
                and (n := await connection.scalar(select(func.count()).select_from(table)) or 0)
            }

    try:
        before = await leftovers()
        assert {"participants", "participant_tools", "pairs", "checkins"} <= before.keys()
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.chdir(tmp_path)
        code = await asyncio.to_thread(cli.main, ["workspace", "delete", program.team_id, "--yes"])
        assert code == 0, capsys.readouterr().err
        assert await leftovers() == {}
        assert await catalogue_rows(database_url) == shared
    finally:
        await engine.dispose()
