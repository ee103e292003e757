"""Ending pairs: the conditional end every feature uses, and the DM to a person whose pair ended.

Its own module because both the manual changes (`manual`) and an approval that replaces a pair
(`approve`, after "Not a good fit") end pairs, and `manual` builds on `approve`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar, Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.db import chunks
from bot.delivery.outbox import withdraw
from bot.services.notices import Notice
from models import EndReason, Pair, WeeklyPrompt
from models.prompts import SKIPPED_ENDED

# Why a pair ended, as the person left in it is told: a pair's end reason, or "partner_ended"
# when the partner said "We can't make this work" (they are not told why).
EndedWhy = Literal["cycle_ended", "left", "unpaired", "partner_ended", "not_a_fit", "deactivated"]

# A pair's weekly messages are keyed `<what>:<pair id>:…` in the outbox (`weekly_key`). When the
# pair ends, those still waiting are withdrawn: a prompt or a check-in arriving after "your pair
# ended" would ask two people to meet as a pair that no longer exists.
PROMPT = "prompt"
CHECKIN = "checkin"
CHECKIN_AGAIN = "checkin-again"
WEEKLY = (PROMPT, CHECKIN, CHECKIN_AGAIN)


# A week whose prompt was withdrawn: not prompted after all (the meet rate leaves it out).
_NOT_PROMPTED = {
    "prompt_id": None,
    "direction": None,
    "tool_name": None,
    "skipped_reason": SKIPPED_ENDED,
    "checkin_due_at": None,
}


def weekly_key(what: str, pair_id: int, *rest: str) -> str:
    """The outbox key of one of a pair's weekly messages (`what`: one of `WEEKLY`)."""
    return ":".join((what, str(pair_id), *rest))


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
    """End the given pairs (each once, even if two processes try), withdrawing their weekly
    messages not yet sent; those this call ended."""
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
    await _withdraw_weekly(session, ended, now)
    return ended


async def _withdraw_weekly(session: AsyncSession, pairs: Sequence[Pair], now: datetime) -> None:
    """Withdraw the ended pairs' prompts and check-ins still waiting in the outbox; a week whose
    prompt is withdrawn was not prompted after all."""
    by_team: dict[str, set[str]] = defaultdict(set)
    for pair in pairs:
        by_team[pair.team_id].add(str(pair.id))
    for team_id, ended in by_team.items():

        def weekly_of_ended(key: str, ended: set[str] = ended) -> bool:
            what, _, rest = key.partition(":")
            return what in WEEKLY and rest.partition(":")[0] in ended

        withdrawn = await withdraw(session, team_id, weekly_of_ended, now)
        prompts = f"{PROMPT}:"
        weeks = [notice["weekly_prompt_id"] for key, notice in withdrawn if key.startswith(prompts)]
        for batch in chunks(weeks):
            await session.execute(
                update(WeeklyPrompt)
                .where(WeeklyPrompt.id.in_(batch))
                .values(**_NOT_PROMPTED)
                .execution_options(synchronize_session=False)
            )


async def withdraw_if_ended(connection: AsyncConnection, key: str, _notice: Notice) -> bool:
    """At send time (`NoticeKind.withdraw_if`): whether a pair's weekly message must not go
    out because the pair has ended since `end_pairs` withdrew the rest — a tick that read the
    pair as running committed after the end, or a dispatcher had already claimed the row. A
    withdrawn prompt's week was not prompted, as there."""
    what, _, rest = key.partition(":")
    pair_id, _, week = rest.partition(":")
    ended = await connection.scalar(select(Pair.ended_at).where(Pair.id == int(pair_id)))
    if ended is None:
        return False
    if what == PROMPT:
        await connection.execute(
            update(WeeklyPrompt)
            .where(WeeklyPrompt.pair_id == int(pair_id), WeeklyPrompt.iso_week == week)
            .values(**_NOT_PROMPTED)
        )
    return True
