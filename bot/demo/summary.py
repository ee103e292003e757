"""The demo's closing figures, read from the database the bot wrote (nothing is counted on the
side), plus what the fake Slack saw: calls by method and the 429s the outbox handled."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Pair, PairSession, Participant, SessionReport, StallAlert, WeeklyPrompt

TOP_TOOLS = 5


@dataclass(frozen=True)
class ProgramFigures:
    """What the program achieved, from its tables."""

    participants: int
    by_state: dict[str, int]
    pairs_made: int
    sessions: int
    pair_weeks: int
    ratings: int
    rating_total: int
    top_tools: list[tuple[str, int]]
    stall_alerts: int

    @property
    def meet_rate(self) -> float | None:
        """Sessions held per pair-week the pair was prompted to meet (paused weeks excluded)."""
        return self.sessions / self.pair_weeks if self.pair_weeks else None

    @property
    def average_rating(self) -> float | None:
        return self.rating_total / self.ratings if self.ratings else None


async def program_figures(session: AsyncSession, team_id: str) -> ProgramFigures:
    states = await session.execute(
        select(Participant.state, func.count())
        .where(Participant.team_id == team_id)
        .group_by(Participant.state)
    )
    by_state = {str(state): int(n) for state, n in states.all()}

    async def count(query: object) -> int:
        return int(await session.scalar(query) or 0)  # type: ignore[call-overload]

    pairs = await count(select(func.count()).select_from(Pair).where(Pair.team_id == team_id))
    sessions = await count(
        select(func.count()).select_from(PairSession).where(PairSession.team_id == team_id)
    )
    pair_weeks = await count(
        select(func.count())
        .select_from(WeeklyPrompt)
        .where(WeeklyPrompt.team_id == team_id, WeeklyPrompt.skipped_reason.is_(None))
    )
    ratings = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(SessionReport.rating), 0)).where(
                SessionReport.team_id == team_id
            )
        )
    ).one()
    tools = await session.execute(
        select(SessionReport.tool_name, func.count())
        .where(SessionReport.team_id == team_id, SessionReport.tool_name.is_not(None))
        .group_by(SessionReport.tool_name)
        .order_by(func.count().desc(), SessionReport.tool_name)
        .limit(TOP_TOOLS)
    )
    stalls = await count(
        select(func.count()).select_from(StallAlert).where(StallAlert.team_id == team_id)
    )
    return ProgramFigures(
        participants=sum(by_state.values()),
        by_state=by_state,
        pairs_made=pairs,
        sessions=sessions,
        pair_weeks=pair_weeks,
        ratings=int(ratings[0]),
        rating_total=int(ratings[1]),
        top_tools=[(str(name), int(n)) for name, n in tools.all()],
        stall_alerts=stalls,
    )


@dataclass(frozen=True)
class Summary:
    """Everything the closing summary prints."""

    people: int
    weeks: int
    seed: int
    program: ProgramFigures
    calls_by_method: dict[str, int]
    ratelimited: int
    outbox: dict[str, int]
    seconds: float

    @property
    def slack_calls(self) -> int:
        return sum(self.calls_by_method.values())

    def rows(self) -> list[tuple[str, str]]:
        """(figure, value) pairs about the program, in the order they are shown."""
        p = self.program
        meet = f"{p.meet_rate:.0%}" if p.meet_rate is not None else "n/a"
        rating = f"{p.average_rating:.1f} / 5" if p.average_rating is not None else "n/a"
        tools = ", ".join(f"{name} ({n})" for name, n in p.top_tools) or "none yet"
        states = ", ".join(f"{n} {state}" for state, n in sorted(p.by_state.items()))
        return [
            ("People", f"{self.people}, of whom {p.participants} joined ({states})"),
            ("Pairs made", str(p.pairs_made)),
            ("Sessions held", f"{p.sessions} in {p.pair_weeks} pair-week(s) prompted"),
            ("Meet rate", meet),
            ("Average rating", f"{rating} from {p.ratings} report(s)"),
            ("Top tools taught", tools),
            ("Stalled pairs flagged to HR", str(p.stall_alerts)),
        ]

    def under_the_hood(self) -> list[tuple[str, str]]:
        """(figure, value) pairs about the run itself: the simulation, Slack and the outbox."""
        calls = ", ".join(
            f"{method} {n}"
            for method, n in sorted(self.calls_by_method.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        outbox = ", ".join(f"{n} {status}" for status, n in sorted(self.outbox.items()) if n)
        return [
            ("Simulated", f"{self.weeks} week(s), seed {self.seed}"),
            ("Slack calls made", f"{self.slack_calls} ({calls})"),
            ("429s handled", str(self.ratelimited)),
            ("Outbox", outbox or "empty"),
            ("Run time", f"{self.seconds:.1f} s"),
        ]


def calls_by_method(methods: list[str]) -> dict[str, int]:
    return dict(Counter(methods))


__all__ = ["ProgramFigures", "Summary", "calls_by_method", "program_figures"]
