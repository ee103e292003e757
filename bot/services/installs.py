"""A workspace (or Grid org) installing Rotnem by OAuth, and Rotnem being uninstalled there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.events import remember_workspace
from models.workspace import Workspace


async def record_install(
    session: AsyncSession, key: str, enterprise_id: str | None, now: datetime
) -> None:
    """An install (or a reinstall) completed for the data key `key` (see bot/install/keys.py)."""
    await remember_workspace(session, key, now)
    await session.execute(
        update(Workspace)
        .where(Workspace.team_id == key)
        .values(enterprise_id=enterprise_id, uninstalled_at=None)
    )
