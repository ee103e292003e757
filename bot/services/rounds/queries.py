"""What other features read of pairs: `current_partners` / `past_partners` (one person's view),
the workspaces with running pairs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

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


async def _partners(
    session: AsyncSession, team_id: str, user_id: str, *, active: bool
) -> list[PartnerInfo]:
    me = (
        await session.scalars(
            select(Participant).where(
                Participant.team_id == team_id, Participant.user_id == user_id
            )
        )
    ).one_or_none()
    if me is None:
        return []
    other = aliased(Participant)
    condition = Pair.ended_at.is_(None) if active else Pair.ended_at.is_not(None)
    query = (
        select(Pair, other)
        .join(
            other,
            or_(
                (Pair.guide_id == me.id) & (other.id == Pair.learner_id),
                (Pair.learner_id == me.id) & (other.id == Pair.guide_id),
            ),
        )
        .where(condition)
        .order_by(Pair.started_at.desc(), Pair.id.desc())
    )
    return [
        PartnerInfo(
            pair_id=pair.id,
            user_id=partner.user_id,
            their_role="learner" if pair.guide_id == me.id else "guide",
            tools=tuple(pair.shared_tools),
            started_at=pair.started_at,
            ended_at=pair.ended_at,
            end_reason=pair.end_reason,
        )
        for pair, partner in (await session.execute(query)).all()
    ]


async def current_partners(session: AsyncSession, team_id: str, user_id: str) -> list[PartnerInfo]:
    """Who the person is paired with now (a guide may have several learners)."""
    return await _partners(session, team_id, user_id, active=True)


async def past_partners(session: AsyncSession, team_id: str, user_id: str) -> list[PartnerInfo]:
    """The person's ended pairs, newest first."""
    return await _partners(session, team_id, user_id, active=False)


async def teams_with_active_pairs(session: AsyncSession) -> list[str]:
    """Workspaces with at least one running pair that still have Rotnem installed (the keep-alive
    jobs' work list: nothing new piles up in an uninstalled workspace's outbox)."""
    uninstalled = select(Workspace.team_id).where(Workspace.uninstalled_at.is_not(None))
    query = (
        select(Pair.team_id)
        .where(Pair.ended_at.is_(None), Pair.team_id.not_in(uninstalled))
        .distinct()
        .order_by(Pair.team_id)
    )
    return list((await session.scalars(query)).all())


async def user_ids(session: AsyncSession, participant_ids: Iterable[int]) -> dict[int, str]:
    """Slack user IDs by participant row ID (a pair's two people, say)."""
    query = select(Participant.id, Participant.user_id).where(
        Participant.id.in_(sorted(set(participant_ids)))
    )
    return {pid: user for pid, user in (await session.execute(query)).all()}
