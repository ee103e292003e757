"""A workspace (or Grid org) installing Rotnem by OAuth, and Rotnem being uninstalled there."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Table, and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.outbox import resume_waiting
from bot.install.keys import in_workspace, is_org_key, workspace_of
from bot.services.events import remember_workspace
from models import Base, Tool
from models.installations import BOTS_TABLE, INSTALLATIONS_TABLE
from models.workspace import Workspace

INSTALLATION_TABLES = frozenset({BOTS_TABLE, INSTALLATIONS_TABLE})


@dataclass(frozen=True)
class Installed:
    """What the dispatcher needs to know about a data key: its Grid org, and whether Rotnem is
    still installed there."""

    enterprise_id: str | None
    uninstalled: bool


async def record_install(
    session: AsyncSession, key: str, enterprise_id: str | None, now: datetime
) -> int:
    """An install (or a reinstall) completed for the data key `key` (see bot/install/keys.py):
    the workspace is active again and the messages that waited for it are due now (how many)."""
    await remember_workspace(session, key, now)
    await session.execute(
        update(Workspace)
        .where(Workspace.team_id == key)
        .values(enterprise_id=enterprise_id, uninstalled_at=None)
    )
    return await resume_waiting(session, key, now)


async def record_uninstall(session: AsyncSession, key: str, now: datetime) -> bool:
    """Rotnem was uninstalled (or its bot token revoked) for `key`: nothing more is sent there,
    and every program's data stays until a reinstall or `rotnem workspace delete`. False when it
    was already recorded (the two events come in either order)."""
    await remember_workspace(session, key, now)
    result = await session.execute(
        update(Workspace)
        .where(Workspace.team_id == key, Workspace.uninstalled_at.is_(None))
        .values(uninstalled_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def installed(session: AsyncSession, key: str) -> Installed:
    """Whether Rotnem is installed for `key`, a program's or its workspace's (a workspace never
    recorded counts as installed: a single-token deployment writes rows before its workspace
    first talks to the bot)."""
    row = (
        await session.execute(
            select(Workspace.enterprise_id, Workspace.uninstalled_at).where(
                Workspace.team_id == workspace_of(key)
            )
        )
    ).first()
    if row is None:
        return Installed(enterprise_id=None, uninstalled=False)
    return Installed(enterprise_id=row.enterprise_id, uninstalled=row.uninstalled_at is not None)


async def any_uninstalled(session: AsyncSession) -> bool:
    """Whether Rotnem is marked uninstalled anywhere."""
    found = await session.scalar(
        select(Workspace.team_id).where(Workspace.uninstalled_at.is_not(None)).limit(1)
    )
    return found is not None


def _kept(key: str) -> Iterator[tuple[Table, ColumnElement[bool]]]:
    """Every table with a `team_id` column and the rows it keeps for `key`, children before
    parents (read from the models, so a table added later is never forgotten); the shared
    catalogues, kept under no key, stay."""
    for table in reversed(Base.metadata.sorted_tables):
        if "team_id" in table.c and table is not Tool.__table__:
            yield table, _rows_of(table, key)
    # The programs' own tools last: the profiles naming them go with their participants (a
    # table without a key of its own), which come after the tools in the models' order; the
    # prompts and weekly prompts pointing at them have gone in the loop.
    tools = cast(Table, Tool.__table__)
    yield tools, _rows_of(tools, key)


def _rows_of(table: Table, key: str) -> ColumnElement[bool]:
    if table.name in INSTALLATION_TABLES and is_org_key(key):
        # An org-wide install is stored under its enterprise ID, with no team.
        return and_(table.c.enterprise_id == key, table.c.team_id.is_(None))
    # Every program of the workspace.
    return in_workspace(table.c.team_id, key)


async def workspace_rows(session: AsyncSession, key: str) -> dict[str, int]:
    """How many rows each table keeps for the data key `key` (tables with none left out)."""
    counts: dict[str, int] = {}
    for table, rows in _kept(key):
        found = await session.scalar(select(func.count()).select_from(table).where(rows))
        if found:
            counts[table.name] = int(found)
    return counts


async def delete_workspace(session: AsyncSession, key: str) -> dict[str, int]:
    """Delete everything kept for `key`, tokens included, in the caller's transaction; how many
    rows per table."""
    deleted: dict[str, int] = {}
    for table, rows in _kept(key):
        result = await session.execute(delete(table).where(rows))
        if result.rowcount:  # type: ignore[attr-defined]
            deleted[table.name] = int(result.rowcount)  # type: ignore[attr-defined]
    return deleted
