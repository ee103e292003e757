"""HR's program report (`/rotnem admin report`, `rotnem report --html`): the program's figures
(`bot.services.figures`) and what people learned (`learning`), anonymised at the program's k.
`outcomes` is HR's own per-person export (`rotnem export outcomes`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.figures import DEFINITIONS, ProgramFigures, cycle_start, program_figures
from bot.services.program.settings import ProgramConfig
from bot.services.report.learning import LearningFigures, learning_figures


@dataclass(frozen=True)
class ProgramReport:
    """Everything the report shows, as of `as_of`; breakdowns below `k` people are hidden."""

    as_of: datetime
    k: int
    cycle_weeks: int
    figures: ProgramFigures
    learning: LearningFigures
    definitions: tuple[tuple[str, str], ...] = DEFINITIONS

    @property
    def has_sessions(self) -> bool:
        return self.figures.meetings.sessions > 0

    @property
    def is_empty(self) -> bool:
        """Nothing measured yet: no session, rating, answer or teach-back (who wants which tool
        may already be known)."""
        learning = self.learning
        return not (
            self.has_sessions
            or self.figures.meetings.prompted
            or learning.confidence.learners != 0
            or learning.learned.learned != 0
            or learning.learned.answered != 0
            or learning.fit.asked
            or any(stage.answered != 0 for stage in learning.surveys)
        )


async def read_report(
    session: AsyncSession, team_id: str, config: ProgramConfig, *, now: datetime
) -> ProgramReport:
    """The report as of `now`: meetings and sessions of the current cycle (the period `admin
    stats` and the Home tab show, so the numbers agree), what people learned since they joined."""
    since = await cycle_start(session, team_id, config, now)
    return ProgramReport(
        as_of=now,
        k=config.anonymity_k,
        cycle_weeks=config.cycle_weeks,
        figures=await program_figures(session, team_id, now=now, since=since),
        learning=await learning_figures(session, team_id, k=config.anonymity_k, since=since),
    )


__all__ = ["ProgramReport", "read_report"]
