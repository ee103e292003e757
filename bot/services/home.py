"""What a person sees of their own participation (the Home tab, `/rotnem status`): profile and
state, current and past partners, the current pair's progress; for HR admins, the program's
counts — one program's, read once for each program a workspace runs. Reads only: nothing here
changes anything.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.calendar import first_prompt_week, next_prompt_of_pair, zone_of
from bot.services.enrollment.queries import Profile, is_paused, read_person
from bot.services.figures import ProgramFigures, cycle_start, program_figures
from bot.services.program.programs import Program
from bot.services.program.settings import ProgramConfig
from bot.services.rounds.queries import PartnerInfo, partners_of
from models import PairSession, Participant, SessionReport, WeeklyPrompt


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

# Built once (read on every Home open): a pair's sessions, newest week first, with their reports.
_PAIR_SESSIONS = (
    select(
        PairSession.id,
        PairSession.iso_week,
        PairSession.created_at,
        SessionReport.tool_name,
        SessionReport.other_text,
        SessionReport.created_at,
    )
    .outerjoin(SessionReport, SessionReport.session_id == PairSession.id)
    .where(PairSession.pair_id == bindparam("pair_id"))
    .order_by(PairSession.iso_week.desc(), SessionReport.id)
)

# A pair's first prompt week on record: its cadence counts from it (`first_prompt_week`).
_FIRST_PROMPT_WEEK = select(func.min(WeeklyPrompt.iso_week)).where(
    WeeklyPrompt.pair_id == bindparam("pair_id")
)


async def pair_progress(
    session: AsyncSession,
    me: Participant,
    pair: PartnerInfo,
    config: ProgramConfig,
    *,
    now: datetime,
) -> PairProgress:
    """A running pair's last sessions, tools covered so far and next prompt, from one read of
    its sessions and their reports (a pair's few weeks, not the program's)."""
    rows = await session.execute(_PAIR_SESSIONS, {"pair_id": pair.pair_id})
    held: dict[int, tuple[str, datetime]] = {}
    covered_by_session: dict[int, list[str]] = defaultdict(list)
    first_covered: dict[str, datetime] = {}
    for session_id, week, held_at, tool, other, reported_at in rows.all():
        held.setdefault(session_id, (week, held_at))
        name = tool or other
        if name and name not in covered_by_session[session_id]:
            covered_by_session[session_id].append(name)
        if tool is not None and (tool not in first_covered or reported_at < first_covered[tool]):
            first_covered[tool] = reported_at
    paused = is_paused(me.state, me.paused_until, now) or is_paused(
        pair.state, pair.paused_until, now
    )
    learner_tz = me.tz if pair.their_role == "guide" else pair.tz
    first_week = first_prompt_week(
        pair.started_at, learner_tz, config.nudge_weekday, config.nudge_hour
    )
    if config.cadence_weeks > 1 and not paused:
        first_week = (
            await session.scalar(_FIRST_PROMPT_WEEK, {"pair_id": pair.pair_id}) or first_week
        )
    return PairProgress(
        partner=pair.user_id,
        sessions=tuple(
            SessionLine(week, held_at.date(), tuple(covered_by_session[sid]))
            for sid, (week, held_at) in list(held.items())[:LAST_SESSIONS]
        ),
        tools_covered=tuple(sorted(first_covered, key=lambda t: (first_covered[t], t))),
        next_prompt_at=None
        if paused
        else next_prompt_of_pair(
            # A paused program prompts again from the day it runs again, in the learner's zone.
            now
            if config.paused_until is None
            else max(now, datetime.combine(config.paused_until, time(), zone_of(learner_tz))),
            first_week,
            learner_tz,
            config.nudge_weekday,
            config.nudge_hour,
            config.cadence_weeks,
        ),
    )


@dataclass(frozen=True)
class Home:
    """Everything the Home tab shows one person; `program` only for HR admins."""

    profile: Profile | None
    partners: tuple[PartnerSummary, ...] = ()
    past_partners: tuple[PastPartner, ...] = ()
    progress: PairProgress | None = None
    program: ProgramFigures | None = None
    # The name HR gave the program, as typed (None: none given).
    program_name: str | None = None

    @property
    def partner(self) -> PartnerSummary | None:
        """The current partner (the newest, for a guide with several learners)."""
        return self.partners[0] if self.partners else None


@dataclass(frozen=True)
class ProgramHome:
    """One program of a workspace running several, as the Home tab shows it to someone: their
    part in it (`home.profile` None when they never joined) and, for its HR, its figures."""

    program: Program
    home: Home


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
    `status`; `admin`: with the program's figures). Three indexed reads: the person with their
    tools, their pairs with the partners, the current pair's sessions."""
    found = await read_person(session, team_id, user_id, now=now)
    me, profile = (None, None) if found is None else found
    pairs = [] if me is None else await partners_of(session, me.id, history=history)
    current = [p for p in pairs if p.running]
    progress = (
        await pair_progress(session, me, current[0], config, now=now)
        if me is not None and current
        else None
    )
    program = None
    if admin:  # the program's figures this cycle, as `/rotnem admin stats` shows them
        since = await cycle_start(session, team_id, config, now)
        program = await program_figures(session, team_id, now=now, since=since)
    return Home(
        profile,
        tuple(
            PartnerSummary(user_id=p.user_id, since=p.started_at.date(), tools=p.tools)
            for p in current
        ),
        tuple(
            PastPartner(
                user_id=p.user_id,
                since=p.started_at.date(),
                until=(p.ended_at or p.started_at).date(),
                reason=p.end_reason or "",
            )
            for p in pairs
            if not p.running
        ),
        progress,
        program,
        config.name,
    )
