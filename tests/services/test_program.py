"""The stats' top tools, read per tool from an index, equal the plain GROUP BY: counts since the
cycle start, ties by name, reports without a tool, before the cycle or of another workspace
left out, at most five."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.services.program.stats import TOP_TOOLS, _top_tools
from models import PairSession, SessionReport
from tests.factories import BOTH_BACKENDS, Program, participant_ids

SINCE = datetime(2026, 11, 23, tzinfo=UTC)
TOOLS = ["Zeta", "Alpha", "Zeta", "Beta", "Alpha", "Gamma", "Delta", "Epsilon", None, "Beta"]


@BOTH_BACKENDS
async def test_top_tools_match_a_group_by(program: Program) -> None:
    pair_id = await program.pair("U0GA", "U0LA")
    team = program.team_id
    async with program.bot.deps.sessionmaker.begin() as session:
        ids = await participant_ids(session)
        for week, tool in enumerate([*TOOLS, "Old"], start=30):
            # "Old" is reported before the cycle; the learner's report is another workspace's.
            at = SINCE - timedelta(days=1) if tool == "Old" else SINCE + timedelta(hours=week)
            s = PairSession(team_id=team, pair_id=pair_id, iso_week=f"2026-W{week}", created_at=at)
            session.add(s)
            await session.flush()
            for user, team_id in (("U0GA", team), ("U0LA", "T0OTHER")):
                session.add(
                    SessionReport(
                        team_id=team_id,
                        session_id=s.id,
                        participant_id=ids[user],
                        reporter_role="guide" if user == "U0GA" else "learner",
                        tool_name=tool if team_id == team else "Other workspace",
                        other_text=None if tool else "Something",
                        rating=3,
                        created_at=at,
                    )
                )
    async with program.bot.deps.sessionmaker() as session:
        expected = (
            await session.execute(
                select(SessionReport.tool_name, func.count())
                .where(
                    SessionReport.team_id == team,
                    SessionReport.created_at >= SINCE,
                    SessionReport.tool_name.is_not(None),
                )
                .group_by(SessionReport.tool_name)
                .order_by(func.count().desc(), SessionReport.tool_name)
                .limit(TOP_TOOLS)
            )
        ).all()
        got = await _top_tools(session, team, SINCE)
        assert got == [(str(name), int(n)) for name, n in expected]
        assert got == [("Alpha", 2), ("Beta", 2), ("Zeta", 2), ("Delta", 1), ("Epsilon", 1)]
        assert await _top_tools(session, "T0NOBODY", SINCE) == []
