"""Migrations: empty → head, no drift between models and schema, head → base; on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import bindparam, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from bot import migrate
from bot.db import create_engine, create_sessionmaker
from bot.services import tools
from bot.services.enrollment.identity import Identity
from bot.services.enrollment.profile import ProfileInput, save_profile
from bot.services.enrollment.queries import get_profile
from bot.services.prompts.catalogue import add_prompt, load_catalogue
from models import Base, Prompt, Role, Tool, UTCDateTime
from tests.databases import in_thread

BACKENDS = pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


@BACKENDS
async def test_upgrade_matches_the_models_and_downgrades_cleanly(empty_database_url: str) -> None:
    in_thread(lambda: migrate.upgrade(empty_database_url))
    engine = create_engine(empty_database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            assert set(Base.metadata.tables) <= await connection.run_sync(_tables)

        in_thread(lambda: migrate.downgrade(empty_database_url))
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) <= {"alembic_version"}
    finally:
        await engine.dispose()


def test_the_revisions_read_from_the_files_are_alembics() -> None:
    # Processes check the schema without importing Alembic; they must agree with it.
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(
        str(migrate.alembic_config("sqlite://").get_main_option("script_location"))
    )
    assert migrate.head_revision() == scripts.get_current_head()
    assert migrate.known_revisions() == {script.revision for script in scripts.walk_revisions()}


# ---- 0018: each program's own tool catalogue -------------------------------------------------

WORKSPACE, OTHER, PERSON = "T0OLD0001", "T0OTHER01", "U0PERSON1"
BEFORE = datetime(2026, 12, 1, 9, tzinfo=UTC)


async def _before_programs_had_catalogues(url: str) -> None:
    """At 0017: HR added Figma and removed Canva (for every workspace, as it was), and someone
    teaches LinkedIn, Figma and Canva."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO tools (name, description, category, added_by) "
                    "VALUES ('Figma', 'design together', 'More tools', 'U0HR00001')"
                )
            )
            await connection.execute(
                text("UPDATE tools SET removed_at = :at WHERE name = 'Canva'").bindparams(
                    bindparam("at", BEFORE, type_=UTCDateTime())
                )
            )
        async with create_sessionmaker(engine).begin() as session:
            await save_profile(
                session,
                WORKSPACE,
                Identity(user_id=PERSON, display_name="Pat", tz="UTC", locale="en-US"),
                ProfileInput(
                    role=Role.GUIDE,
                    department="Sales",
                    teach_tool_ids=frozenset(await _ids(session, "LinkedIn", "Figma", "Canva")),
                    learn_tool_ids=frozenset(),
                    manager_id=None,
                    capacity=1,
                    goals=None,
                ),
                now=BEFORE,
                via="test",
            )
    finally:
        await engine.dispose()


async def _ids(session: AsyncSession, *names: str) -> list[int]:
    return list(await session.scalars(select(Tool.id).where(Tool.name.in_(names))))


async def _catalogue_and_profile(url: str, key: str) -> tuple[set[str], list[tuple[str, bool]]]:
    """The names `key`'s catalogue offers, and the person's taught tools (name, offered there)."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            offered = {tool.name for tool in await tools.list_tools(session, key)}
            profile = await get_profile(session, WORKSPACE, PERSON, now=BEFORE)
    finally:
        await engine.dispose()
    assert profile is not None
    return offered, [(ref.name, ref.name in offered) for ref in profile.teaches]


async def _names_at_0017(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(
                text(
                    "SELECT t.name FROM participant_tools pt JOIN tools t ON t.id = pt.tool_id "
                    "ORDER BY t.id"
                )
            )
            return [row[0] for row in found]
    finally:
        await engine.dispose()


@BACKENDS
async def test_0018_keeps_every_tool_shared_and_every_profile_whole_both_ways(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    in_thread(lambda: migrate.upgrade(url, "0017"))
    await _before_programs_had_catalogues(url)
    in_thread(lambda: migrate.upgrade(url))

    for key in (WORKSPACE, OTHER, f"{WORKSPACE}~2"):
        offered, teaches = await _catalogue_and_profile(url, key)
        assert {"LinkedIn", "Figma"} <= offered and "Canva" not in offered
        assert len(offered) == 27
    assert teaches == [("LinkedIn", True), ("Canva", False), ("Figma", True)]

    # A program's own tool and a hidden one do not reach the others; the profile keeps both.
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            await tools.add_tool(session, OTHER, "Notion AI", "ask your wiki", actor_id="U0HR00002")
            await tools.remove_tool(session, WORKSPACE, "Figma", now=BEFORE)
    finally:
        await engine.dispose()
    offered, teaches = await _catalogue_and_profile(url, WORKSPACE)
    assert "Figma" not in offered and "Notion AI" not in offered
    assert teaches == [("LinkedIn", True), ("Canva", False), ("Figma", False)]
    offered, _ = await _catalogue_and_profile(url, OTHER)
    assert {"Figma", "Notion AI"} <= offered

    in_thread(lambda: migrate.downgrade(url, "0017"))
    assert await _names_at_0017(url) == ["LinkedIn", "Canva", "Figma"]


@BACKENDS
async def test_0018_downgrade_stops_when_two_programs_added_the_same_name(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    in_thread(lambda: migrate.upgrade(url))
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            for key in (WORKSPACE, OTHER):
                await tools.add_tool(session, key, "Notion AI", "ask your wiki", actor_id="U0HR")
    finally:
        await engine.dispose()
    with pytest.raises(RuntimeError, match="Notion AI"):
        in_thread(lambda: migrate.downgrade(url, "0017"))
    assert migrate.head_revision() == await _revision(url)


async def _revision(url: str) -> str:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return str(await connection.scalar(text("SELECT version_num FROM alembic_version")))
    finally:
        await engine.dispose()


# ---- upgrading a SQLite database that holds a program's history ------------------------------


async def _a_pair_with_a_week_at_0010(url: str) -> None:
    """At 0010: two people, a round, their pair and one weekly prompt (raw SQL: the models
    describe today's schema)."""
    engine = create_engine(url)
    at = bindparam("at", BEFORE, type_=UTCDateTime())
    try:
        async with engine.begin() as connection:
            for number, role in ((1, "guide"), (2, "learner")):
                await connection.execute(
                    text(
                        "INSERT INTO participants (id, team_id, user_id, role, department, "
                        "capacity, display_name, state, joined_at, updated_at) VALUES "
                        f"({number}, 'T0OLD0001', 'U0PERSON{number}', '{role}', 'Sales', 1, "
                        "'Pat', 'active', :at, :at)"
                    ).bindparams(at)
                )
            await connection.execute(
                text(
                    "INSERT INTO pairing_rounds (id, team_id, status, source, proposal, "
                    "created_at) VALUES (1, 'T0OLD0001', 'approved', 'manual', '{}', :at)"
                ).bindparams(at)
            )
            await connection.execute(
                text(
                    "INSERT INTO pairs (id, team_id, round_id, guide_id, learner_id, "
                    "shared_tools, explanation, started_at) VALUES "
                    "(1, 'T0OLD0001', 1, 1, 2, '[]', '', :at)"
                ).bindparams(at)
            )
            await connection.execute(
                text(
                    "INSERT INTO weekly_prompts (team_id, pair_id, iso_week, skipped_reason, "
                    "due_at, created_at) VALUES ('T0OLD0001', 1, '2026-W49', 'paused', :at, :at)"
                ).bindparams(at)
            )
    finally:
        await engine.dispose()


async def _count(url: str, table: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return int(
                (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
            )
    finally:
        await engine.dispose()


@BACKENDS
async def test_upgrading_keeps_every_pairs_history_while_tables_are_rebuilt(
    empty_database_url: str,
) -> None:
    """SQLite changes a check constraint (0011 does, on `pairs`) by copying the table and
    dropping the old one: with foreign keys enforced, that drop would delete every row that
    points at a pair (weekly prompts, sessions, check-ins …)."""
    in_thread(lambda: migrate.upgrade(empty_database_url, "0010"))
    await _a_pair_with_a_week_at_0010(empty_database_url)
    in_thread(lambda: migrate.upgrade(empty_database_url))
    assert await _count(empty_database_url, "pairs") == 1
    assert await _count(empty_database_url, "weekly_prompts") == 1


# ---- 0019: each program's own prompt catalogue -----------------------------------------------

SPRINT = f"{WORKSPACE}~2"
# HR's prompts at 0018 (kind, tool, text), shared by every workspace as they were.
HRS = (
    ("teach", None, "Redo last week's report with {tool}"),
    ("mirror", None, "Show us the org chart"),
    ("teach", "Notion AI", "Ask it about a project"),
    ("teach", "ChatGPT", "Plan a team offsite"),
)


async def _hrs_prompts_at_0018(url: str) -> None:
    """At 0018 (after 0010's pair and week): the sprint added Notion AI, HR wrote four prompts,
    one of them about Notion AI, and the pair got the first of them (raw SQL: the models describe
    today's schema)."""
    engine = create_engine(url)
    at = bindparam("at", BEFORE, type_=UTCDateTime())
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO tools (team_id, name, description, category, added_by) "
                    f"VALUES ('{SPRINT}', 'Notion AI', 'ask your wiki', 'More tools', 'U0HR00001')"
                )
            )
            for kind, tool, words in HRS:
                await connection.execute(
                    text(
                        "INSERT INTO prompts (kind, tool_id, text, added_by, active, created_at) "
                        "VALUES (:kind, (SELECT id FROM tools WHERE name = :tool), :words, "
                        "'U0HR00001', :active, :at)"
                    ).bindparams(at, kind=kind, tool=tool, words=words, active=True)
                )
            await connection.execute(
                text(
                    "INSERT INTO weekly_prompts (team_id, pair_id, iso_week, prompt_id, "
                    "direction, tool_name, due_at, created_at) VALUES ('T0OLD0001', 1, "
                    "'2026-W50', (SELECT id FROM prompts WHERE text = :words), 'teach', "
                    "'ChatGPT', :at, :at)"
                ).bindparams(at, words=HRS[0][2])
            )
    finally:
        await engine.dispose()


async def _hrs_in(url: str, key: str) -> set[str]:
    """HR's prompts in `key`'s catalogue, as the weekly tick reads it."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return {entry.text for entry in await load_catalogue(session, key) if not entry.builtin}
    finally:
        await engine.dispose()


@BACKENDS
async def test_0019_moves_a_prompt_about_a_programs_own_tool_to_it_and_keeps_the_rest_both_ways(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    in_thread(lambda: migrate.upgrade(url, "0010"))
    await _a_pair_with_a_week_at_0010(url)
    in_thread(lambda: migrate.upgrade(url, "0018"))
    await _hrs_prompts_at_0018(url)
    in_thread(lambda: migrate.upgrade(url))

    everyones = {words for _kind, tool, words in HRS if tool != "Notion AI"}
    assert await _hrs_in(url, SPRINT) == everyones | {"Ask it about a project"}
    assert await _hrs_in(url, WORKSPACE) == everyones
    assert await _hrs_in(url, OTHER) == everyones
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            kept = dict((await connection.execute(select(Prompt.text, Prompt.team_id))).all())
        assert {words: kept[words] for _kind, _tool, words in HRS} == {
            "Redo last week's report with {tool}": None,
            "Show us the org chart": None,
            "Ask it about a project": SPRINT,
            "Plan a team offsite": None,
        }
        # From now on, a program's additions are its own.
        async with create_sessionmaker(engine).begin() as session:
            await add_prompt(
                session,
                OTHER,
                kind="mirror",
                text="Tell us who signs off a purchase",
                exercise=None,
                tool_name=None,
                actor_id="U0HR00002",
                now=BEFORE,
            )
    finally:
        await engine.dispose()
    assert await _hrs_in(url, OTHER) == everyones | {"Tell us who signs off a purchase"}
    assert await _hrs_in(url, WORKSPACE) == everyones

    # Down again: one catalogue for everyone, every prompt and the pair's weeks kept.
    in_thread(lambda: migrate.downgrade(url, "0018"))
    assert await _count(url, "prompts") == 54 + len(HRS) + 1
    assert await _count(url, "weekly_prompts") == 2
