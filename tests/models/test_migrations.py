"""Migrations: empty → head, no drift between models and schema, head → base; on both backends."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot import migrate
from bot.db import create_engine
from models import Base
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
