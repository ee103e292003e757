"""A workspace (or Grid org) installing Rotnem by OAuth, and Rotnem being uninstalled there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.outbox import resume_waiting
from bot.services.events import remember_workspace
from models.workspace import Workspace


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
    """Whether Rotnem is installed for `key` (a workspace never recorded counts as installed: a
    single-token deployment writes rows before its workspace first talks to the bot)."""
    row = (
        await session.execute(
            select(Workspace.enterprise_id, Workspace.uninstalled_at).where(
                Workspace.team_id == key
            )
        )
    ).first()
    if row is None:
        return Installed(enterprise_id=None, uninstalled=False)
    return Installed(enterprise_id=row.enterprise_id, uninstalled=row.uninstalled_at is not None)
