"""Outbox kinds of pairing rounds, and their after-send hooks."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.outbox import register_kind
from models import OutboxMessage, Pair


async def _store_group_channel(session: AsyncSession, row: OutboxMessage) -> None:
    """After the introduction is posted: keep its group DM on the pair for every later message."""
    pair_id = (row.context or {}).get("pair_id")
    if pair_id is None or row.slack_channel is None:
        return
    await session.execute(
        update(Pair)
        .where(Pair.id == int(pair_id), Pair.group_channel_id.is_(None))
        .values(group_channel_id=row.slack_channel)
    )


KIND_INTRO = register_kind("pair_intro", after_send=_store_group_channel).name
KIND_ANNOUNCE = register_kind("round_announcement").name
KIND_WAITLIST = register_kind("round_waitlist").name
KIND_PAIR_ENDED = register_kind("pair_ended").name
KIND_CYCLE_END = register_kind("cycle_end").name
KIND_PROPOSAL = register_kind("round_proposal").name
