"""The period HR's figures cover reads the same on Home, in `admin stats` and in the report."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.blocks.figures import period_lines
from bot.blocks.report import headline
from bot.services.figures import (
    Meetings,
    Pairs,
    Participants,
    ProgramFigures,
    Usefulness,
    WeekFigures,
)
from bot.services.report import ProgramReport
from bot.services.report.learning import Confidence, FitAnswers, Learned, LearningFigures, TwoWay


def test_a_cycle_that_starts_midweek_is_dated_from_its_first_day_everywhere() -> None:
    figures = ProgramFigures(
        since=date(2026, 11, 25),  # a Wednesday; its week began on Monday 23 Nov
        participants=Participants(),
        pairs=Pairs(1, 1),
        meetings=Meetings((WeekFigures("2026-W48", 1, 1, 1),)),
        tools=(),
        usefulness=Usefulness(),
    )
    report = ProgramReport(
        as_of=datetime(2026, 11, 30, tzinfo=UTC),
        k=5,
        cycle_weeks=6,
        figures=figures,
        learning=LearningFigures(Confidence(), Learned(), FitAnswers(), (), TwoWay(), ()),
    )
    assert "since 25 Nov 2026" in "\n".join(period_lines(figures))  # Home and admin stats
    assert "Sessions this cycle (since 25 Nov 2026): 1" in "\n".join(headline(report))
