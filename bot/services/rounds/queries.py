"""What other features read: `active_pairs` (every running pair with its group DM, both people's
time zones and the tools they share), `current_partners` / `past_partners` (one person's view).
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.rounds.model import ActivePair, PartnerInfo
from models import Pair, Participant, Round


async def active_pairs(session: AsyncSession, team_id: str | None = None) -> list[ActivePair]:
    """Every running pair (of one workspace, or all), with its group DM and both time zones."""
    guide, learner = aliased(Participant), aliased(Participant)
    query = (
        select(Pair, guide, learner, Round.ends_on)
        .join(guide, guide.id == Pair.guide_id)
        .join(learner, learner.id == Pair.learner_id)
        .join(Round, Round.id == Pair.round_id)
        .where(Pair.ended_at.is_(None))
        .order_by(Pair.id)
    )
    if team_id is not None:
        query = query.where(Pair.team_id == team_id)
    return [
        ActivePair(
            pair_id=pair.id,
            team_id=pair.team_id,
            round_id=pair.round_id,
            guide_user_id=g.user_id,
            learner_user_id=lrn.user_id,
            guide_tz=g.tz or "UTC",
            learner_tz=lrn.tz or "UTC",
            shared_tools=tuple(pair.shared_tools),
            started_at=pair.started_at,
            ends_on=ends_on,
            group_channel_id=pair.group_channel_id,
            first_session_scheduled_at=pair.first_session_scheduled_at,
        )
        for pair, g, lrn, ends_on in (await session.execute(query)).all()
    ]


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
    """Workspaces with at least one running pair (the keep-alive jobs' work list)."""
    query = select(Pair.team_id).where(Pair.ended_at.is_(None)).distinct().order_by(Pair.team_id)
    return list((await session.scalars(query)).all())
