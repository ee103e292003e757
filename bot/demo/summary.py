"""The demo's closing figures: the program's, as HR's screens define them (`bot.services.figures`,
read from the database the bot wrote; nothing is counted on the side), plus what the fake Slack
saw: calls by method and the 429s the outbox handled."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.blocks.report import rating_text
from bot.i18n import shared_language
from bot.services.figures import ProgramFigures
from bot.services.report.learning import LearningFigures
from models import Pair, Participant, StallAlert

TOP_TOOLS = 5
# The languages a pair may read Rotnem in, named for the summary's (English) reader.
LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish", "de": "German"}


async def stall_alerts(session: AsyncSession, team_id: str) -> int:
    """Stalled pairs HR was alerted about during the run."""
    query = select(func.count()).select_from(StallAlert).where(StallAlert.team_id == team_id)
    return int(await session.scalar(query) or 0)


async def pairs_by_language(
    session: AsyncSession, team_id: str, program_language: str
) -> dict[str, int]:
    """Pairs made, by the language their group DM is written in (the partners' shared language,
    from the Slack locales the bot stored), other than the program's."""
    guide, learner = aliased(Participant), aliased(Participant)
    rows = await session.execute(
        select(guide.locale, learner.locale)
        .select_from(Pair)
        .join(guide, guide.id == Pair.guide_id)
        .join(learner, learner.id == Pair.learner_id)
        .where(Pair.team_id == team_id)
    )
    counts = Counter(shared_language(locales, program_language) for locales in rows.all())
    return {language: n for language, n in sorted(counts.items()) if language != program_language}


@dataclass(frozen=True)
class Summary:
    """Everything the closing summary prints."""

    people: int
    weeks: int
    seed: int
    program: ProgramFigures  # the program's figures, all weeks: as HR's screens define them
    learning: LearningFigures  # what people learned, as the HR report defines it
    stall_alerts: int
    calls_by_method: dict[str, int]
    ratelimited: int
    outbox: dict[str, int]
    seconds: float
    # Pairs who read Rotnem in another language than the program's, by language.
    languages: dict[str, int] = field(default_factory=dict)

    @property
    def slack_calls(self) -> int:
        return sum(self.calls_by_method.values())

    def rows(self) -> list[tuple[str, str]]:
        """(figure, value) pairs about the program, in the order they are shown."""
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
        return [
            ("People", f"{self.people}, of whom {people.total + people.left} joined"),
            ("Participants", f"{people.total} ({parts}{left})"),
            ("Pairs made", str(p.pairs.made)),
            ("Sessions", str(meetings.sessions)),
            ("Meet rate", rate),
            ("Usefulness", rating),
            ("Sessions covering each tool", tools),
            ("Stalled pairs flagged to HR", str(self.stall_alerts)),
            *self.language_rows(),
            *self.learning_rows(),
        ]

    def language_rows(self) -> list[tuple[str, str]]:
        """ "1 pair reads Rotnem in French", when some pairs read another language."""
        if not self.languages:
            return []
        read = [
            f"{n} {'pair reads' if n == 1 else 'pairs read'} Rotnem in "
            f"{LANGUAGE_NAMES.get(language, language)}"
            for language, n in self.languages.items()
        ]
        return [("Languages", "; ".join(read))]

    def learning_rows(self) -> list[tuple[str, str]]:
        """What people learned, in the report's words (figures below k people stay hidden)."""
        learning = self.learning
        confidence, learned, fit = learning.confidence, learning.learned, learning.fit
        rows: list[tuple[str, str]] = []
        if confidence.before is not None and confidence.now is not None:
            rows.append(
                (
                    "Confidence in the tools learned",
                    f"{rating_text(confidence.before.median)} → "
                    f"{rating_text(confidence.now.median)} "
                    f"(median, {confidence.learners} learners)",
                )
            )
        if learned.learned:
            still = learned.still_using_share
            rows.append(
                (
                    "Tools learned (teach-backs)",
                    f"{learned.learned}"
                    + (f"; still using a month later: {still:.0%}" if still is not None else ""),
                )
            )
        if learning.two_way.share is not None:
            rows.append(("Two-way share of sessions", f"{learning.two_way.share:.0%}"))
        if fit.answered:
            rows.append(
                (
                    "How is the fit?",
                    f"{fit.good} good, {fit.deciding} still deciding, {fit.bad} not a good fit",
                )
            )
        for stage in learning.surveys:
            if stage.answered and stage.usefulness is not None:
                recommend = f", {stage.recommend:.0%} would recommend" if stage.recommend else ""
                rows.append(
                    (
                        f"Survey ({stage.stage} of cycle)",
                        f"usefulness {stage.usefulness:.1f} / 5{recommend}",
                    )
                )
        return rows

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


__all__ = ["Summary", "calls_by_method", "pairs_by_language", "stall_alerts"]
