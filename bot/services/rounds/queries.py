"""What other features read of pairs: `partners_of` (one person's view), the workspaces with
running pairs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Integer, Select, bindparam, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.install.keys import workspace_of
from models import Pair, Participant, Workspace


@dataclass(frozen=True)
class PartnerInfo:
    """Someone a person is (or was) paired with, as that person may see them."""

    pair_id: int
    user_id: str
    their_role: str
    tools: tuple[str, ...]
    started_at: datetime
    ended_at: datetime | None = None
    end_reason: str | None = None
    # The partner's zone and availability (the pair's next prompt is in the learner's zone).
    tz: str | None = None
    state: str = "active"
    paused_until: datetime | None = None

    @property
    def running(self) -> bool:
        return self.ended_at is None


Q = TypeVar("Q", bound=Select[Any])


class PairPeople:
    """A pair's guide and learner as two aliases of the participants, for the queries that
    read both people of every pair at once (the weekly tick, check-ins, stalls, exports)."""

    def __init__(self) -> None:
        self.guide = aliased(Participant)
        self.learner = aliased(Participant)

    def join(self, query: Q) -> Q:
        """`query` (over pairs) joined to both people."""
        return query.join(self.guide, self.guide.id == Pair.guide_id).join(
            self.learner, self.learner.id == Pair.learner_id
        )

    def availability(self) -> tuple[Any, ...]:
        """Columns (user, state, paused until) of the guide, then of the learner."""
        return tuple(
            column
            for person in (self.guide, self.learner)
            for column in (person.user_id, person.state, person.paused_until)
        )


# Built once: the Home tab reads them on every open, and building the aliased query costs more
# than running it. The person is the bound `me`; their partner is `other`.
_ME = bindparam("me", type_=Integer)
_OTHER = aliased(Participant)
_MINE = or_(Pair.guide_id == _ME, Pair.learner_id == _ME)
_PARTNERS_EVER = (
    select(
        Pair.id,
        _OTHER.user_id,
        Pair.guide_id,
        Pair.shared_tools,
        Pair.started_at,
        Pair.ended_at,
        Pair.end_reason,
        _OTHER.tz,
        _OTHER.state,
        _OTHER.paused_until,
    )
    .join(_OTHER, _OTHER.id == case((Pair.guide_id == _ME, Pair.learner_id), else_=Pair.guide_id))
    .where(_MINE)
    .order_by(Pair.ended_at.is_not(None), Pair.started_at.desc(), Pair.id.desc())
)
_PARTNERS = {True: _PARTNERS_EVER, False: _PARTNERS_EVER.where(Pair.ended_at.is_(None))}


async def partners_of(
    session: AsyncSession, participant_id: int, *, history: bool = True
) -> list[PartnerInfo]:
    """Everyone the person is paired with now, newest first, then (with `history`) everyone
    they were paired with before, newest first: one query for both (rows, no entities)."""
    rows = await session.execute(_PARTNERS[history], {"me": participant_id})
    return [
        PartnerInfo(
            pair_id=pair_id,
            user_id=user_id,
            their_role="learner" if guide_id == participant_id else "guide",
            tools=tuple(tools),
            started_at=started_at,
            ended_at=ended_at,
            end_reason=end_reason,
            tz=tz,
            state=state,
            paused_until=paused_until,
        )
        for (
            pair_id,
            user_id,
            guide_id,
            tools,
            started_at,
            ended_at,
            end_reason,
            tz,
            state,
            paused_until,
        ) in rows.all()
    ]


async def teams_with_active_pairs(session: AsyncSession) -> list[str]:
    """Programs with at least one running pair whose workspace still has Rotnem installed (the
    keep-alive jobs' work list: nothing new piles up in an uninstalled workspace's outbox)."""
    uninstalled = set(
        await session.scalars(
            select(Workspace.team_id).where(Workspace.uninstalled_at.is_not(None))
        )
    )
    running = await session.scalars(
        select(Pair.team_id).where(Pair.ended_at.is_(None)).distinct().order_by(Pair.team_id)
    )
    return [key for key in running if workspace_of(key) not in uninstalled]


async def user_ids(session: AsyncSession, participant_ids: Iterable[int]) -> dict[int, str]:
    """Slack user IDs by participant row ID (a pair's two people, say)."""
    query = select(Participant.id, Participant.user_id).where(
        Participant.id.in_(sorted(set(participant_ids)))
    )
    return {pid: user for pid, user in (await session.execute(query)).all()}
