"""Events API delivery bookkeeping: each `event_id` is processed once, whatever Slack retries."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import insert_ignoring_duplicates, insert_many_ignoring_duplicates
from models import ProcessedEvent, Workspace

# Slack retries after ~0 s, ~1 min and ~5 min; an hour covers the schedule with room to spare.
EVENT_RETENTION = timedelta(hours=1)


EventKey = tuple[str, str]  # (team_id, event_id)


async def claim_event(session: AsyncSession, team_id: str, event_id: str, now: datetime) -> bool:
    """Record the delivery; False when this event was already claimed (a retry)."""
    return (team_id, event_id) in await claim_events(session, [(team_id, event_id)], now)


async def claim_events(
    session: AsyncSession, keys: Collection[EventKey], now: datetime
) -> set[EventKey]:
    """Record deliveries in one statement; the ones claimed here, not before (by this process
    or another: the primary key decides, so two processes never both win one event)."""
    rows = [{"team_id": team, "event_id": event, "received_at": now} for team, event in keys]
    written = await insert_many_ignoring_duplicates(
        session, ProcessedEvent, rows, (ProcessedEvent.team_id, ProcessedEvent.event_id)
    )
    return {(team, event) for team, event in written}


async def forget_old_events(session: AsyncSession, now: datetime) -> int:
    """Drop delivery records older than the retry window; returns how many."""
    result = await session.execute(
        delete(ProcessedEvent).where(ProcessedEvent.received_at < now - EVENT_RETENTION)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


async def remember_workspace(session: AsyncSession, team_id: str, now: datetime) -> None:
    """Note a workspace the first time it talks to us."""
    await insert_ignoring_duplicates(session, Workspace, {"team_id": team_id, "first_seen_at": now})


async def known_teams(session: AsyncSession) -> list[str]:
    """Every workspace that has talked to the bot and still has it installed, by team ID."""
    return list(
        await session.scalars(
            select(Workspace.team_id)
            .where(Workspace.uninstalled_at.is_(None))
            .order_by(Workspace.team_id)
        )
    )
