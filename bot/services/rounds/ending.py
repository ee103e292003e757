"""Ending pairs: the conditional end every feature uses, and the DM to a person whose pair ended.

Its own module because both the manual changes (`manual`) and an approval that replaces a pair
(`approve`, after "Not a good fit") end pairs, and `manual` builds on `approve`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar, Literal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.notices import Notice
from models import EndReason, Pair

# Why a pair ended, as the person left in it is told: a pair's end reason, or "partner_ended"
# when the partner said "We can't make this work" (they are not told why).
EndedWhy = Literal["cycle_ended", "left", "unpaired", "partner_ended", "not_a_fit", "deactivated"]


class PairEndedNotice(Notice):
    """To one person of a pair that ended."""

    kind: ClassVar[str] = "pair_ended"

    partner: str
    why: EndedWhy


async def end_pairs(
    session: AsyncSession,
    pairs: Sequence[Pair],
    *,
    reason: EndReason,
    now: datetime,
    ended_by: str | None,
) -> list[Pair]:
    """End the given pairs (each once, even if two processes try); those this call ended."""
    ended: list[Pair] = []
    for pair in pairs:
        result = await session.execute(
            update(Pair)
            .where(Pair.id == pair.id, Pair.ended_at.is_(None))
            .values(ended_at=now, end_reason=reason, ended_by=ended_by)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            ended.append(pair)
    return ended
