"""Sessions covering a tool count sessions, not reports: both partners naming a tool count one
session; a session whose two reports name two tools covers both; weeks outside the period,
reports without a tool and another workspace's reports are left out. The meet rate's terms are
prompted pair-weeks and those of them with a session."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.services.figures import (
    PairMeetings,
    meetings_by_pair,
    sessions_by_tool,
    usefulness,
    weekly_meetings,
)
from models import PairSession, Prompt, SessionReport, WeeklyPrompt
from models.prompts import SKIPPED_PAUSED
from tests.factories import BOTH_BACKENDS, Program, participant_ids

# (week, guide's tool, learner's tool): None is "something else".
REPORTED = [
    ("2026-W47", "Old", "Old"),  # before the period
    ("2026-W48", "Canva", "Canva"),
    ("2026-W49", "Canva", "Excel formulas"),
    ("2026-W50", "Canva", None),
    ("2026-W51", None, None),
]


@BOTH_BACKENDS
async def test_sessions_covering_a_tool_are_distinct_sessions(program: Program) -> None:
    pair_id = await program.pair("U0GA", "U0LA")
    team = program.team_id
    async with program.bot.deps.sessionmaker.begin() as session:
        ids = await participant_ids(session)
        for week, *tools in REPORTED:
            at = datetime.fromisocalendar(2026, int(week[-2:]), 3).replace(tzinfo=UTC)
            s = PairSession(team_id=team, pair_id=pair_id, iso_week=week, created_at=at)
            session.add(s)
            await session.flush()
            for (user, role), tool in zip(
                (("U0GA", "guide"), ("U0LA", "learner")), tools, strict=True
            ):
                session.add(
                    SessionReport(
                        team_id=team,
                        session_id=s.id,
                        iso_week=week,
                        participant_id=ids[user],
                        reporter_role=role,
                        tool_name=tool,
                        other_text=None if tool else "Budget approvals",
                        rating=4 if role == "guide" else 2,
                        created_at=at,
                    )
                )
    since = date(2026, 11, 23)  # Monday of 2026-W48
    async with program.bot.deps.sessionmaker() as session:
        assert await sessions_by_tool(session, team, since) == (("Canva", 3), ("Excel formulas", 1))
        assert await sessions_by_tool(session, team) == (
            ("Canva", 3),
            ("Excel formulas", 1),
            ("Old", 1),
        )
        assert await sessions_by_tool(session, "T0NOBODY") == ()
        useful = await usefulness(session, team, since, date(2026, 12, 7))  # W48 and W49
        assert (useful.reports, useful.mean, dict(useful.by_role)) == (
            4,
            3.0,
            {"guide": 4.0, "learner": 2.0},
        )
        weeks = await weekly_meetings(session, team, since)
    assert [(w.label, w.sessions) for w in weeks] == [
        ("23 Nov 2026", 1),
        ("30 Nov 2026", 1),
        ("7 Dec 2026", 1),
        ("14 Dec 2026", 1),
    ]


@BOTH_BACKENDS
async def test_the_meet_rate_counts_sessions_of_prompted_weeks_only(program: Program) -> None:
    """A session in a week the pair was not prompted (skipped, or no prompt at all) is a
    session but not a met pair-week; a prompted week without a session is prompted, not met."""
    pair_id = await program.pair("U0GA", "U0LA")
    team = program.team_id
    # (week, prompt sent / skipped / none, session reported)
    weeks: list[tuple[str, str | None, bool]] = [
        ("2026-W48", "sent", True),
        ("2026-W49", "sent", False),
    ]
    weeks += [("2026-W50", "skipped", True), ("2026-W51", None, True)]
    async with program.bot.deps.sessionmaker.begin() as session:
        prompt_id = await session.scalar(select(Prompt.id).limit(1))
        for week, prompt, held in weeks:
            at = datetime.fromisocalendar(2026, int(week[-2:]), 1).replace(tzinfo=UTC)
            if prompt is not None:
                sent = prompt == "sent"
                session.add(
                    WeeklyPrompt(
                        team_id=team,
                        pair_id=pair_id,
                        iso_week=week,
                        prompt_id=prompt_id if sent else None,
                        skipped_reason=None if sent else SKIPPED_PAUSED,
                        due_at=at,
                        created_at=at,
                    )
                )
            if held:
                session.add(
                    PairSession(team_id=team, pair_id=pair_id, iso_week=week, created_at=at)
                )
    async with program.bot.deps.sessionmaker() as session:
        by_week = await weekly_meetings(session, team)
        by_pair = await meetings_by_pair(session, team)
    assert [(w.week, w.sessions, w.prompted, w.met) for w in by_week] == [
        ("2026-W48", 1, 1, 1),
        ("2026-W49", 0, 1, 0),
        ("2026-W50", 1, 0, 0),
        ("2026-W51", 1, 0, 0),
    ]
    assert by_pair == {pair_id: PairMeetings(prompted=2, met=1, sessions=3, last_week="2026-W51")}
