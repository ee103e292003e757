"""Alembic environment: runs migrations on the async engine named by DATABASE_URL."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from bot.config import load_settings
from bot.db import create_engine
from models import Base, UTCDateTime

target_metadata = Base.metadata


def _database_url() -> str:
    # A URL set on the Alembic config (tests, `rotnem migrate --database`) wins over the settings.
    url = context.config.get_main_option("sqlalchemy.url")
    return url or load_settings().database_url


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations must not import the models: render our timestamp type as the plain column type.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite changes a constraint by copying the table and dropping the old one (batch
        # mode); with foreign keys enforced, that drop deletes every row pointing at the table
        # (ON DELETE CASCADE: a pair's prompts, sessions, check-ins) or refuses. Enforcement is
        # off for the migration — the first statement on the connection, outside any
        # transaction, where SQLite honours it — and every link is checked before committing.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if dangling:
                raise RuntimeError(f"rows point at rows that do not exist: {dangling[:5]}")


async def _run_online() -> None:
    engine = create_engine(_database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
