"""The demo's closing figures: the program's, as HR's screens define them (`bot.services.figures`,
read from the database the bot wrote; nothing is counted on the side), plus what the fake Slack
saw: calls by method and the 429s the outbox handled."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.figures import ProgramFigures
from models import StallAlert

TOP_TOOLS = 5


async def stall_alerts(session: AsyncSession, team_id: str) -> int:
    """Stalled pairs HR was alerted about during the run."""
    query = select(func.count()).select_from(StallAlert).where(StallAlert.team_id == team_id)
    return int(await session.scalar(query) or 0)


@dataclass(frozen=True)
class Summary:
    """Everything the closing summary prints."""

    people: int
    weeks: int
    seed: int
    program: ProgramFigures  # the program's figures, all weeks: as HR's screens define them
    stall_alerts: int
    calls_by_method: dict[str, int]
    ratelimited: int
    outbox: dict[str, int]
    seconds: float

    @property
    def slack_calls(self) -> int:
        return sum(self.calls_by_method.values())

    def rows(self) -> list[tuple[str, str]]:
        """(figure, value) pairs, in the order they are shown."""
        p = self.program
        people, meetings, useful = p.participants, p.meetings, p.usefulness
        parts = ", ".join(f"{n} {standing.label}" for standing, n in people.parts)
        left = f"; {people.left} left" if people.left else ""
        rate = (
            f"{meetings.meet_rate:.0%} ({meetings.met} of {meetings.prompted} prompted "
            "pair-weeks met)"
            if meetings.meet_rate is not None
            else "n/a"
        )
        rating = (
            f"{useful.mean:.1f} / 5 from {useful.reports} report(s)"
            if useful.mean is not None
            else "n/a"
        )
        tools = ", ".join(f"{name} ({n})" for name, n in p.top_tools(TOP_TOOLS)) or "none yet"
        calls = ", ".join(
            f"{method} {n}"
            for method, n in sorted(self.calls_by_method.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        outbox = ", ".join(f"{n} {status}" for status, n in sorted(self.outbox.items()) if n)
        return [
            ("People", f"{self.people}, of whom {people.total + people.left} joined"),
            ("Participants", f"{people.total} ({parts}{left})"),
            ("Simulated", f"{self.weeks} week(s), seed {self.seed}"),
            ("Pairs made", str(p.pairs.made)),
            ("Sessions", str(meetings.sessions)),
            ("Meet rate", rate),
            ("Usefulness", rating),
            ("Sessions covering each tool", tools),
            ("Stalled pairs flagged to HR", str(self.stall_alerts)),
            ("Slack calls made", f"{self.slack_calls} ({calls})"),
            ("429s handled", str(self.ratelimited)),
            ("Outbox", outbox or "empty"),
            ("Run time", f"{self.seconds:.1f} s"),
        ]

    def lines(self) -> list[str]:
        return [f"{name}: {value}" for name, value in self.rows()]


def calls_by_method(methods: list[str]) -> dict[str, int]:
    return dict(Counter(methods))


__all__ = ["Summary", "calls_by_method", "stall_alerts"]
