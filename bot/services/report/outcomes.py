"""`rotnem export outcomes` (and `/rotnem admin export outcomes`): one row per person and tool
they learn, with their own ratings — HR's data export of individuals, not the report's
aggregates, and its first line says so."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.services.report.learning import latest_ratings
from models import Direction, FollowUp, Participant, SurveyStage, TeachBack, ToolBaseline

# The file's first line (one cell: no commas).
# The note and the columns are marked for the catalog; `exports.write_csv` translates them.
NOTE = N_(
    "# Rotnem learning outcomes: HR's own data export of individuals (each person's ratings "
    "and answers). Keep it within HR; the program report shows only aggregates."
)
COLUMNS = (
    N_("user_id"),
    N_("name"),
    N_("department"),
    N_("tool"),
    N_("baseline_confidence_1_to_5"),
    N_("baseline_rated_at"),
    N_("latest_confidence_1_to_5"),
    N_("latest_rated_at"),
    N_("final_confidence_1_to_5"),
    N_("learned_teach_back"),
    N_("learned_on"),
    N_("still_using"),
    N_("still_using_answered_on"),
)
# Columns of one (person, tool): baseline, its time, latest, its time, final, learned, its
# date, follow-up answer, its date.
_EMPTY: tuple[Any, ...] = ("", "", "", "", "", "", "", "", "")


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment is not None else ""


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


async def outcome_rows(session: AsyncSession, team_id: str) -> list[list[Any]]:
    """One row per person and tool that has a baseline, a later rating, a teach-back or a
    follow-up, by person then tool."""
    found: dict[tuple[int, str], list[Any]] = {}

    def row(person: int, tool: str) -> list[Any]:
        return found.setdefault((person, tool), list(_EMPTY))

    baselines = await session.execute(
        select(
            ToolBaseline.participant_id,
            ToolBaseline.tool_name,
            ToolBaseline.rating,
            ToolBaseline.rated_at,
            ToolBaseline.latest_rating,
            ToolBaseline.latest_at,
        ).where(ToolBaseline.team_id == team_id, ToolBaseline.direction == Direction.LEARN)
    )
    for person, tool, rating, at, latest_rating, latest_at in baselines:
        # The latest rating after the baseline, as the report's "confidence before → now".
        shown = "" if latest_rating is None else latest_rating
        row(person, tool)[0:4] = [rating, _iso(at), shown, _iso(latest_at)]
    for (person, tool), latest in (await latest_ratings(session, team_id)).items():
        if (person, tool) not in found:  # no baseline: their latest rating, whenever
            row(person, tool)[2:4] = [latest.rating, _iso(latest.at)]
    for (person, tool), final in (
        await latest_ratings(session, team_id, stage=SurveyStage.END)
    ).items():
        row(person, tool)[4] = final.rating
    learned = await session.execute(
        select(TeachBack.learner_id, TeachBack.tool_name, TeachBack.confirmed_at)
        .where(TeachBack.team_id == team_id)
        .order_by(TeachBack.confirmed_at.desc())
    )
    for person, tool, confirmed in learned:
        row(person, tool)[5:7] = ["yes", _day(confirmed)]  # the first confirmation stays
    follow_ups = await session.execute(
        select(FollowUp.participant_id, FollowUp.tool_name, FollowUp.answer, FollowUp.answered_at)
        .where(FollowUp.team_id == team_id, FollowUp.answer.is_not(None))
        .order_by(FollowUp.answered_at)
    )
    for person, tool, answer, answered in follow_ups:
        row(person, tool)[7:9] = [answer, _day(answered)]
    people = {
        p: (user, name, department)
        for p, user, name, department in await session.execute(
            select(
                Participant.id,
                Participant.user_id,
                Participant.display_name,
                Participant.department,
            ).where(Participant.team_id == team_id)
        )
    }
    rows = [(people[p], tool, values) for (p, tool), values in found.items() if p in people]
    rows.sort(key=lambda r: (r[0][1].casefold(), r[0][0], r[1].casefold()))
    return [[*person, tool, *values] for person, tool, values in rows]
