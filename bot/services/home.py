"""What a person sees of their own participation (the Home tab, `/rotnem status`): profile and
state, current and past partners, the current pair's progress; for HR admins, the program's
counts. Reads only: nothing here changes anything.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.calendar import next_prompt_at
from bot.services.enrollment.queries import Profile, get_profile, is_paused
from bot.services.figures import ProgramFigures, cycle_start, program_figures
from bot.services.program.settings import ProgramConfig
from bot.services.rounds.queries import current_partners, past_partners
from models import Pair, PairSession, Participant, SessionReport


@dataclass(frozen=True)
class PartnerSummary:
    """A current partner as the person may see them: never their manager or goals."""

    user_id: str
    since: date
    tools: tuple[str, ...] = ()


@dataclass(frozen=True)
class PastPartner:
    """Someone the person was paired with before, and why it ended."""

    user_id: str
    since: date
    until: date
    reason: str = ""


@dataclass(frozen=True)
class SessionLine:
    """One reported session of the pair: its week, day and what it covered."""

    week: str
    on: date
    covered: tuple[str, ...]


@dataclass(frozen=True)
class PairProgress:
    """The current pair's last sessions, tools covered so far and next prompt."""

    partner: str
    sessions: tuple[SessionLine, ...]
    tools_covered: tuple[str, ...]
    next_prompt_at: datetime | None


LAST_SESSIONS = 3


async def pair_progress(
    session: AsyncSession, team_id: str, user_id: str, config: ProgramConfig, *, now: datetime
) -> PairProgress | None:
    """The person's current pair (the newest): last sessions, tools covered, next prompt."""
    me = await session.scalar(
        select(Participant).where(Participant.team_id == team_id, Participant.user_id == user_id)
    )
    if me is None:
        return None
    pair = await session.scalar(
        select(Pair)
        .where(Pair.ended_at.is_(None), or_(Pair.guide_id == me.id, Pair.learner_id == me.id))
        .order_by(Pair.started_at.desc(), Pair.id.desc())
        .limit(1)
    )
    if pair is None:
        return None
    partner_id = pair.learner_id if pair.guide_id == me.id else pair.guide_id
    people = {
        p.id: p
        for p in await session.scalars(
            select(Participant).where(Participant.id.in_([pair.guide_id, pair.learner_id]))
        )
    }
    sessions = (
        await session.execute(
            select(PairSession.id, PairSession.iso_week, PairSession.created_at)
            .where(PairSession.pair_id == pair.id)
            .order_by(PairSession.iso_week.desc())
            .limit(LAST_SESSIONS)
        )
    ).all()
    covered_by_session: dict[int, list[str]] = defaultdict(list)
    if sessions:
        rows = await session.execute(
            select(SessionReport.session_id, SessionReport.tool_name, SessionReport.other_text)
            .where(SessionReport.session_id.in_([s[0] for s in sessions]))
            .order_by(SessionReport.id)
        )
        for session_id, tool, other in rows.all():
            name = tool or other
            if name and name not in covered_by_session[session_id]:
                covered_by_session[session_id].append(name)
    covered = await session.scalars(
        select(SessionReport.tool_name)
        .join(PairSession, PairSession.id == SessionReport.session_id)
        .where(PairSession.pair_id == pair.id, SessionReport.tool_name.is_not(None))
        .group_by(SessionReport.tool_name)
        .order_by(func.min(SessionReport.created_at))
    )
    paused = any(is_paused(p.state, p.paused_until, now) for p in people.values())
    learner = people[pair.learner_id]
    return PairProgress(
        partner=people[partner_id].user_id,
        sessions=tuple(
            SessionLine(week, created.date(), tuple(covered_by_session[sid]))
            for sid, week, created in sessions
        ),
        tools_covered=tuple(str(t) for t in covered),
        next_prompt_at=None
        if paused
        else next_prompt_at(now, learner.tz, config.nudge_weekday, config.nudge_hour),
    )


@dataclass(frozen=True)
class Home:
    """Everything the Home tab shows one person; `program` only for HR admins."""

    profile: Profile | None
    partners: tuple[PartnerSummary, ...] = ()
    past_partners: tuple[PastPartner, ...] = ()
    progress: PairProgress | None = None
    program: ProgramFigures | None = None

    @property
    def partner(self) -> PartnerSummary | None:
        """The current partner (the newest, for a guide with several learners)."""
        return self.partners[0] if self.partners else None


async def read_home(
    session: AsyncSession,
    team_id: str,
    user_id: str,
    config: ProgramConfig,
    *,
    now: datetime,
    admin: bool = False,
    history: bool = True,
) -> Home:
    """The person's Home tab as it is now (`history=False`: without past partners, for
    `status`; `admin`: with the program's figures)."""
    profile = await get_profile(session, team_id, user_id, now=now)
    partners: tuple[PartnerSummary, ...] = ()
    past: tuple[PastPartner, ...] = ()
    if profile is not None:
        partners = tuple(
            PartnerSummary(user_id=p.user_id, since=p.started_at.date(), tools=p.tools)
            for p in await current_partners(session, team_id, user_id)
        )
        if history:
            past = tuple(
                PastPartner(
                    user_id=p.user_id,
                    since=p.started_at.date(),
                    until=(p.ended_at or p.started_at).date(),
                    reason=p.end_reason or "",
                )
                for p in await past_partners(session, team_id, user_id)
            )
    progress = await pair_progress(session, team_id, user_id, config, now=now) if partners else None
    program = None
    if admin:  # the program's figures this cycle, as `/rotnem admin stats` shows them
        since = await cycle_start(session, team_id, config, now)
        program = await program_figures(session, team_id, now=now, since=since)
    return Home(profile, partners, past, progress, program)
