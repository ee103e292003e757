"""Sessions covering a tool count sessions, not reports: both partners naming a tool count one
session; a session whose two reports name two tools covers both; weeks outside the period,
reports without a tool and another workspace's reports are left out."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.services.figures import sessions_by_tool, usefulness, weekly_meetings
from models import PairSession, SessionReport
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
